import Foundation

/// Days since 1970-01-01 in UTC, the time unit of the analytics engine. Day 0 is Thursday
/// 1970-01-01; negative days are before it. Conversions use Howard Hinnant's civil-calendar
/// algorithms (proleptic Gregorian), so no `Calendar` or time zone is involved.
public enum DayNumber {
    /// The UTC day holding `date` (clamped to `Int32`'s range: never traps).
    public static func day(of date: Date) -> Int32 {
        Int32(saturating: (date.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    /// Midnight UTC at the start of `day`.
    public static func date(of day: Int32) -> Date {
        Date(timeIntervalSince1970: Double(day) * 86_400)
    }

    /// The day of a civil date (`month` 1–12, `day` 1–31).
    public static func day(year: Int, month: Int, day: Int) -> Int32 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Int32(era * 146_097 + doe - 719_468)
    }

    /// The civil date (year, month 1–12, day 1–31) of `day`.
    public static func civil(_ day: Int32) -> (year: Int, month: Int, day: Int) {
        let z = Int(day) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// `day` as an ISO 8601 date, `2024-03-01`.
    public static func isoString(_ day: Int32) -> String {
        let c = civil(day)
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))"
    }

    /// Parses `yyyy-MM-dd`; `nil` when the text is not such a date.
    public static func day(isoString text: String) -> Int32? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
            (1...12).contains(m), (1...31).contains(d)
        else { return nil }
        let result = day(year: y, month: m, day: d)
        guard civil(result) == (y, m, d) else { return nil }
        return result
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
