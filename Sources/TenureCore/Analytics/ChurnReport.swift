/// Churn and retention per period, for either definition of an active customer (a live
/// subscription, or a recent enough purchase).
///
/// For each period: customers active at its start (active on the day before it begins) and,
/// among them, those lost during it (their activity ran out on a day inside the period, on or
/// before `asOf`). Churn rate = lost ÷ active at start; retention rate = 1 − churn rate.
/// A customer lost and won back in the same period still counts as lost.
public struct ChurnReport: Sendable, Hashable, Codable {
    public struct Row: Sendable, Hashable, Codable {
        public var period: PeriodGrid.Period
        /// Customers active on the day before the period starts.
        public var activeAtStart: Int
        /// Of those, customers whose activity ran out during the period.
        public var lost: Int
        /// Customers active on the last day of the period (or on `asOf` for the current period).
        public var activeAtEnd: Int
        /// Customers becoming active for the first time during the period.
        public var acquired: Int
        /// Customers becoming active again during the period after a lapse.
        public var reactivated: Int
        /// lost ÷ activeAtStart (0 when nobody was active at the start), a fraction 0–1.
        public var churnRate: Double
        /// 1 − churnRate.
        public var retentionRate: Double
        /// The period had not fully elapsed at `asOf`: its counts may still grow.
        public var incomplete: Bool
    }

    public var definition: ChurnDefinition
    /// For non-contractual churn: the inactivity window used and how it was chosen.
    public var inactivityWindow: InactivityWindow?
    public var unit: PeriodUnit
    /// Analysis day (days since 1970-01-01 UTC).
    public var asOf: Int32
    public var rows: [Row]
}
