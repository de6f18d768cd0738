import Foundation

/// Reads the ISO-8601 timestamps tracking clients send: `2024-05-01T12:30:00Z`,
/// `2024-05-01T12:30:00.123456+02:00`, `2024-05-01 12:30:00`, or a date alone (`2024-05-01`,
/// midnight UTC). A missing zone means UTC. Fractions are kept to the microsecond.
public enum ISO8601Timestamp {
    public static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    public static func parse(_ b: UnsafeRawBufferPointer) -> Date? {
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 0x30 && c <= 0x39 else { return nil }
                v = v * 10 + Int(c - 0x30)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect(UInt8(ascii: "-")), let month = digits(2), expect(UInt8(ascii: "-")),
            let day = digits(2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month) else { return nil }
        var seconds = 0.0
        var offset = 0
        if i < b.count {
            guard b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: "t") || b[i] == UInt8(ascii: " ") else { return nil }
            i += 1
            guard let hour = digits(2), expect(UInt8(ascii: ":")), let minute = digits(2) else { return nil }
            var second = 0
            if expect(UInt8(ascii: ":")) {
                guard let s = digits(2) else { return nil }
                second = s
            }
            guard hour < 24, minute < 60, second < 61 else { return nil }
            seconds = Double(hour * 3600 + minute * 60 + min(second, 59))
            if i < b.count, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",") {
                i += 1
                var scale = 0.1
                var fraction = 0.0
                let start = i
                while i < b.count, b[i] >= 0x30 && b[i] <= 0x39 {
                    if i - start < 9 {
                        fraction += Double(b[i] - 0x30) * scale
                        scale /= 10
                    }
                    i += 1
                }
                guard i > start else { return nil }
                seconds += (fraction * 1_000_000).rounded() / 1_000_000
            }
            if i < b.count {
                if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
                    i += 1
                } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                    let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
                    i += 1
                    guard let oh = digits(2) else { return nil }
                    _ = expect(UInt8(ascii: ":"))
                    let om = digits(2) ?? 0
                    guard oh < 24, om < 60 else { return nil }
                    offset = sign * (oh * 3600 + om * 60)
                } else {
                    return nil
                }
            }
        }
        guard i == b.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: Double(days) * 86_400 + seconds - Double(offset))
    }

    /// `20240501`-style compact dates (the CDNOW log), midnight UTC.
    public static func parseCompactDate(_ b: UnsafeRawBufferPointer) -> Date? {
        guard b.count == 8 else { return nil }
        var v = [0, 0, 0]
        let widths = [4, 2, 2]
        var i = 0
        for part in 0..<3 {
            for _ in 0..<widths[part] {
                let c = b[i]
                guard c >= 0x30 && c <= 0x39 else { return nil }
                v[part] = v[part] * 10 + Int(c - 0x30)
                i += 1
            }
        }
        guard (1...12).contains(v[1]), v[2] >= 1, v[2] <= daysInMonth(year: v[0], month: v[1]) else { return nil }
        return Date(timeIntervalSince1970: Double(daysFromCivil(year: v[0], month: v[1], day: v[2])) * 86_400)
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar.
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        Int(DayNumber.day(year: year, month: month, day: day))
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `2024-05-01T12:30:00.123Z`: the form Tenure writes.
    public static func format(_ date: Date) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let days = Int(ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000)
        let msOfDay = Int(ms - Int64(days) * 86_400_000)
        let (y, m, d) = civilFromDays(days)
        func pad(_ v: Int, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(msOfDay / 3_600_000, 2)):\(pad(msOfDay / 60_000 % 60, 2)):\(pad(msOfDay / 1000 % 60, 2)).\(pad(msOfDay % 1000, 3))Z"
    }

    /// The calendar date of a day number (days since 1970-01-01).
    public static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        DayNumber.civil(Int32(days))
    }
}
