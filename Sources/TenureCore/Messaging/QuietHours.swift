import Foundation

/// The hours of a customer's own day in which no marketing message is sent (21:00 to 08:00,
/// say), in their time zone. A span may cross midnight; start == end means none.
public struct QuietHours: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Minutes after local midnight, 0 ..< 1440.
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = ((start % 1440) + 1440) % 1440
        self.end = ((end % 1440) + 1440) % 1440
    }

    /// Reads `21:00-08:00`.
    public init(parsing text: String) throws(MessagePolicyError) {
        let parts = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let s = Self.minute(parts[0]), let e = Self.minute(parts[1]) else {
            throw MessagePolicyError.badQuietHours(text)
        }
        self.init(start: s, end: e)
    }

    static func minute(_ text: String) -> Int? {
        let hm = text.split(separator: ":", omittingEmptySubsequences: false)
        guard hm.count == 2, hm.allSatisfy({ $0.count == 2 }), let h = Int(hm[0]), let m = Int(hm[1]), (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        return h * 60 + m
    }

    /// Whether a minute of the local day is quiet.
    public func contains(minuteOfDay m: Int) -> Bool {
        if start == end { return false }
        return start < end ? (m >= start && m < end) : (m >= start || m < end)
    }

    /// When the quiet span that holds `date` (in `timeZone`) ends; nil when `date` is not quiet.
    /// Daylight-saving changes are taken from the calendar: the end is the first instant at or
    /// after the local end time (an end inside a skipped hour is the first minute after it).
    public func end(ofQuietSpanAt date: Date, in timeZone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.hour, .minute], from: date)
        let minute = (c.hour ?? 0) * 60 + (c.minute ?? 0)
        guard contains(minuteOfDay: minute) else { return nil }
        let day = calendar.startOfDay(for: date)
        for offset in 0..<3 {
            guard let d = calendar.date(byAdding: .day, value: offset, to: day) else { continue }
            // `nextTime` chooses the first instant after a skipped hour, the first of a repeated one.
            guard let at = calendar.date(bySettingHour: end / 60, minute: end % 60, second: 0, of: d, matchingPolicy: .nextTime, repeatedTimePolicy: .first, direction: .forward)
            else { continue }
            if at > date { return at }
        }
        return date.addingTimeInterval(86_400)
    }

    public var description: String {
        String(format: "%02d:%02d-%02d:%02d", start / 60, start % 60, end / 60, end % 60)
    }
}
