/// The result of a ``CohortRetentionQuery``: one row per cohort period, one cell per period
/// offset (0 = the cohort's own period).
public struct CohortRetentionMatrix: Sendable, Hashable, Codable {
    /// One cohort: the customers whose start event fell in `period`.
    public struct Cohort: Sendable, Hashable, Codable {
        public var period: PeriodGrid.Period
        /// Customers in the cohort.
        public var size: Int
        /// `counts[k]`: customers who returned `k` periods after the cohort period (exactly, or on
        /// or after, per the query's mode). `counts[0]` is the cohort size, as in PostHog.
        public var counts: [Int]
        /// `counts[k]` as a percentage of `size` (0–100).
        public var percentages: [Double]
        /// `revenue[k]`: revenue (sum of event values, account currency) of the cohort's customers
        /// during period `k` after the cohort period.
        public var revenue: [Double]
        /// `incomplete[k]`: the period of cell `k` had not fully elapsed at `asOf`.
        public var incomplete: [Bool]
    }

    public var query: CohortRetentionQuery
    public var unit: PeriodUnit
    /// Analysis day (days since 1970-01-01 UTC).
    public var asOf: Int32
    /// Cohorts in time order; later cohorts have fewer cells (the grid ends, or `asOf` comes).
    public var cohorts: [Cohort]
}
