/// The result of a ``HistoricalCLVQuery``. Money is in the account currency. Per-customer columns
/// are aligned: position `i` describes customer `customers[i]`.
public struct HistoricalCLVReport: Sendable, Hashable, Codable {
    public struct Cohort: Sendable, Hashable, Codable {
        /// Period of the first purchase.
        public var period: PeriodGrid.Period
        public var customers: Int
        /// `[k]`: revenue per cohort customer from the first purchase through `k` periods after its
        /// period (cumulative, so non-decreasing for non-negative order values).
        public var cumulativeRevenuePerCustomer: [Double]
        /// `[k]`: period `k` had not fully elapsed at `asOf`.
        public var incomplete: [Bool]
    }

    public var unit: PeriodUnit
    public var asOf: Int32
    /// Customers with at least one purchase up to `asOf`, ascending.
    public var customers: [Int32]
    public var firstPurchaseDays: [Int32]
    public var orders: [Int32]
    /// Historical CLV: total purchase value up to `asOf`.
    public var revenue: [Double]
    /// Mean of `revenue` over purchasing customers.
    public var averageRevenuePerCustomer: Double
    public var cohorts: [Cohort]
}
