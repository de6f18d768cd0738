/// The calendar unit of a period grid. Periods are UTC; weeks start on Monday (ISO 8601);
/// quarters start in January, April, July and October.
public enum PeriodUnit: String, Sendable, Hashable, Codable, CaseIterable {
    case day, week, month, quarter

    /// A number that increases by one from each period to the next, for the period holding `day`.
    /// (Days: the day itself; weeks: Monday-based weeks since 1969-12-29; months: year × 12 +
    /// month − 1; quarters: year × 4 + quarter − 1.)
    public func ordinal(of day: Int32) -> Int {
        switch self {
        case .day:
            return Int(day)
        case .week:
            // Day -3 (1969-12-29) is a Monday.
            return Self.floorDiv(Int(day) + 3, 7)
        case .month:
            let c = DayNumber.civil(day)
            return c.year * 12 + c.month - 1
        case .quarter:
            let c = DayNumber.civil(day)
            return c.year * 4 + (c.month - 1) / 3
        }
    }

    /// The first day of the period with the given ordinal.
    public func startDay(ofOrdinal ordinal: Int) -> Int32 {
        switch self {
        case .day:
            return Int32(ordinal)
        case .week:
            return Int32(ordinal * 7 - 3)
        case .month:
            let year = Self.floorDiv(ordinal, 12)
            return DayNumber.day(year: year, month: ordinal - year * 12 + 1, day: 1)
        case .quarter:
            let year = Self.floorDiv(ordinal, 4)
            return DayNumber.day(year: year, month: (ordinal - year * 4) * 3 + 1, day: 1)
        }
    }

    /// A short human label for the period starting on `startDay`: `2024-03-05` (day, and week by
    /// its Monday), `2024-03` (month), `2024-Q1` (quarter).
    public func label(startDay: Int32) -> String {
        let c = DayNumber.civil(startDay)
        switch self {
        case .day, .week: return DayNumber.isoString(startDay)
        case .month: return "\(DayNumber.pad(c.year, 4))-\(DayNumber.pad(c.month, 2))"
        case .quarter: return "\(DayNumber.pad(c.year, 4))-Q\((c.month - 1) / 3 + 1)"
        }
    }

    static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
