/// The result of a ``LifecycleQuery``: customer counts per period and status.
public struct LifecycleReport: Sendable, Hashable, Codable {
    public struct Row: Sendable, Hashable, Codable {
        public var period: PeriodGrid.Period
        /// First ever active period.
        public var new: Int
        /// Active in this and the previous period.
        public var returning: Int
        /// Active in this period, not the previous one, but at some time before.
        public var resurrecting: Int
        /// Active in the previous period but not this one, as a negative number (≤ 0).
        public var dormant: Int
        /// The period had not fully elapsed at `asOf` (dormant counts will shrink as customers act).
        public var incomplete: Bool

        /// Customers active in the period: new + returning + resurrecting.
        public var active: Int { new + returning + resurrecting }
    }

    public var unit: PeriodUnit
    public var asOf: Int32
    public var rows: [Row]
}
