/// A date in a segment expression: a calendar day, or a number of days before the evaluation
/// day. Written `2026-01-01`, `30 days ago`, `today`.
public enum SegmentDate: Sendable, Hashable, CustomStringConvertible {
    /// A UTC calendar day, in days since 1970-01-01 (see ``DayNumber``), 0001-01-01…9999-12-31.
    case day(Int32)
    /// This many days (0…36,500) before the evaluation day; 0 is `today`.
    case daysAgo(Int)

    /// Earliest and latest calendar day a date may name (0001-01-01, 9999-12-31).
    public static let earliestDay = DayNumber.day(year: 1, month: 1, day: 1)
    /// The latest calendar day a date may name (9999-12-31).
    public static let latestDay = DayNumber.day(year: 9999, month: 12, day: 31)
    /// The furthest a relative date reaches back (about 100 years).
    public static let maximumDaysAgo = 36_500

    /// The day of a civil date; `nil` when it does not exist or lies outside 0001…9999.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), (1...31).contains(day) else { return nil }
        let d = DayNumber.day(year: year, month: month, day: day)
        guard DayNumber.civil(d) == (year, month, day) else { return nil }
        self = .day(d)
    }

    /// The day of `YYYY-MM-DD` (exactly four, two and two digits); `nil` for any other text or
    /// an impossible date.
    public init?(isoString text: String) {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == 45, b[7] == 45 else { return nil }
        func digits(_ r: Range<Int>) -> Int? {
            var n = 0
            for i in r {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                n = n * 10 + Int(b[i] - 48)
            }
            return n
        }
        guard let y = digits(0..<4), let m = digits(5..<7), let d = digits(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The calendar day this date names when the segment is evaluated on `asOf` (days since
    /// 1970-01-01 UTC); never traps.
    public func resolved(asOf: Int32) -> Int32 {
        switch self {
        case .day(let d): d
        case .daysAgo(let n): Int32(clamping: Int64(asOf) - Self.clampedDays(n))
        }
    }

    /// A day count kept far inside `Int64`, so day arithmetic on it cannot overflow.
    static func clampedDays(_ n: Int) -> Int64 {
        Int64(min(max(n, -(1 << 40)), 1 << 40))
    }

    /// `2026-01-01`, `today`, `1 day ago`, `30 days ago`.
    public var description: String {
        switch self {
        case .day(let d): DayNumber.isoString(d)
        case .daysAgo(0): "today"
        case .daysAgo(1): "1 day ago"
        case .daysAgo(let n): "\(n) days ago"
        }
    }
}

/// JSON: `{"date": "2026-01-01"}` or `{"days_ago": 30}` (`{"days_ago": 0}` is today).
extension SegmentDate: Codable {
    public init(from decoder: any Decoder) throws {
        let object = try SegmentJSONObject(decoder, what: #"a date such as {"date": "2026-01-01"} or {"days_ago": 30}"#)
        try self.init(object: object)
        if let v = violation() { throw v.error(atJSON: object.path) }
    }

    init(object: SegmentJSONObject) throws(SegmentExpressionError) {
        try object.allowOnly(["date", "days_ago"])
        if object.has("date") {
            guard !object.has("days_ago") else {
                throw SegmentJSONObject.error(.invalidJSON, at: object.path, token: "days_ago", #"a date has "date" or "days_ago", not both"#)
            }
            let text = try object.string("date")
            guard let date = SegmentDate(isoString: text) else {
                throw SegmentJSONObject.error(
                    .invalidDate, at: object.path.appending(["date"]), token: text, "invalid date \(SegmentTextForm.quoted(text))",
                    "; write dates as YYYY-MM-DD, between 0001-01-01 and 9999-12-31")
            }
            self = date
        } else if object.has("days_ago") {
            self = .daysAgo(try object.wholeNumber("days_ago"))
        } else {
            throw SegmentJSONObject.error(.invalidJSON, at: object.path, token: "", #"a date needs "date" or "days_ago""#)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: SegmentJSONKey.self)
        switch self {
        case .day(let d): try c.encode(DayNumber.isoString(d), forKey: SegmentJSONKey("date"))
        case .daysAgo(let n): try c.encode(n, forKey: SegmentJSONKey("days_ago"))
        }
    }
}
