/// MRR movements per period; see ``RecurringRevenueQuery``. Amounts are monthly recurring
/// revenue in the account currency.
public struct RecurringRevenueReport: Sendable, Hashable, Codable {
    public struct Row: Sendable, Hashable, Codable {
        public var period: PeriodGrid.Period
        /// MRR on the day before the period.
        public var openingMRR: Double
        public var newMRR: Double
        public var expansionMRR: Double
        /// Positive amount lost to downgrades.
        public var contractionMRR: Double
        /// Positive amount lost to customers leaving.
        public var churnedMRR: Double
        public var reactivationMRR: Double
        /// MRR at the end of the period: opening + new + expansion + reactivation − contraction − churned.
        public var closingMRR: Double
        /// Paying customers on the day before the period, and how many of them stopped paying.
        public var customersAtStart: Int
        public var customersChurned: Int
        /// (churned + contraction) ÷ opening MRR: gross revenue churn, a fraction (0 when opening is 0).
        public var revenueChurnRate: Double
        /// (opening + expansion − contraction − churned) ÷ opening MRR: what the customers of the
        /// period's start pay at its end, as a fraction of what they paid (0 when opening is 0).
        public var netRevenueRetention: Double
        public var incomplete: Bool
    }

    public var unit: PeriodUnit
    public var asOf: Int32
    public var rows: [Row]

    struct Accumulator {
        var opening = 0.0, closing = 0.0, new = 0.0, expansion = 0.0, contraction = 0.0, churned = 0.0
        var reactivation = 0.0
        var atStart = 0, lost = 0

        mutating func add(opening a: Double, closing b: Double, hadBefore: Bool) {
            opening += a
            closing += b
            if a > 0 { atStart += 1 }
            if a == 0 && b > 0 {
                if hadBefore { reactivation += b } else { new += b }
            } else if a > 0 && b == 0 {
                churned += a
                lost += 1
            } else if b > a {
                expansion += b - a
            } else if b < a {
                contraction += a - b
            }
        }

        func row(period: PeriodGrid.Period, incomplete: Bool) -> Row {
            Row(
                period: period, openingMRR: opening, newMRR: new, expansionMRR: expansion,
                contractionMRR: contraction, churnedMRR: churned, reactivationMRR: reactivation,
                closingMRR: closing, customersAtStart: atStart, customersChurned: lost,
                revenueChurnRate: opening == 0 ? 0 : (churned + contraction) / opening,
                netRevenueRetention: opening == 0 ? 0 : (opening + expansion - contraction - churned) / opening,
                incomplete: incomplete)
        }
    }
}
