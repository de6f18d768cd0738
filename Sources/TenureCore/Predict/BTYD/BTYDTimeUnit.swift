/// The time unit of recency, age and every time-scale parameter (α, β) of a BTYD model.
public enum BTYDTimeUnit: Sendable, Equatable {
    case days
    case weeks
    /// A unit of the given number of days (30 for "months" of 30 days, 365.25 for years, …).
    case custom(days: Double)

    /// Length of the unit in days.
    public var days: Double {
        switch self {
        case .days: 1
        case .weeks: 7
        case .custom(let days): days
        }
    }
}
