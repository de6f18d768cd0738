/// An inclusive range of UTC days (see ``DayNumber``): the date range a metric is asked for.
public struct DayRange: Sendable, Hashable, Codable {
    /// First day in the range.
    public var first: Int32
    /// Last day in the range (inclusive).
    public var last: Int32

    public init(first: Int32, last: Int32) {
        precondition(first <= last, "a day range needs first <= last")
        self.first = first
        self.last = last
    }

    /// The range between two ISO dates (`2024-01-01`), both included; `nil` if either is malformed
    /// or they are out of order.
    public init?(from: String, through: String) {
        guard let a = DayNumber.day(isoString: from), let b = DayNumber.day(isoString: through), a <= b
        else { return nil }
        self.init(first: a, last: b)
    }

    public func contains(_ day: Int32) -> Bool { day >= first && day <= last }

    /// Number of days in the range.
    public var dayCount: Int { Int(last) - Int(first) + 1 }
}
