/// The result of a ``StickinessQuery``.
public struct StickinessReport: Sendable, Hashable, Codable {
    public struct Row: Sendable, Hashable, Codable {
        /// Number of periods of the range with activity.
        public var periodsActive: Int
        /// Customers active in exactly that many periods.
        public var customers: Int
        /// Fraction (0–1) of the customers active at least once in the range.
        public var share: Double
    }

    public var unit: PeriodUnit
    /// Periods in the range.
    public var periodCount: Int
    /// Customers active in at least one period of the range.
    public var activeCustomers: Int
    /// One row per possible count, 1 … `periodCount`.
    public var rows: [Row]
}
