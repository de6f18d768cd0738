import Foundation

/// Features at a cutoff joined with the outcomes after it: the eligible customers only.
public struct ChurnTrainingSet: Sendable, Equatable {
    /// Features of the eligible customers.
    public var features: ChurnFeatures.Table
    /// Churned (`true`) or retained, one per row of `features`.
    public var labels: [Bool]

    public var positives: Int { labels.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// Builds the set at `cutoffDay`; throws when the horizon after the cutoff is not fully observed
    /// or no customer is eligible.
    public init(
        snapshot: ActivitySnapshot, cutoffDay: Int32, label: ChurnLabel, features: ChurnFeatures = ChurnFeatures(),
        attributes: CustomerAttributes? = nil
    ) throws(ChurnPredictionError) {
        guard let range = snapshot.reportRange else { throw .emptySnapshot }
        guard cutoffDay + label.horizonDays <= range.upperBound else {
            throw .horizonNotObserved(cutoffDay: cutoffDay, horizonDays: label.horizonDays, lastDay: range.upperBound)
        }
        let table = features.table(from: snapshot, cutoffDay: cutoffDay, attributes: attributes)
        let outcomes = label.outcomes(in: snapshot, cutoffDay: cutoffDay)
        var rows: [Int] = [], labels: [Bool] = []
        for (row, customer) in table.customers.enumerated() {
            if let churned = outcomes[customer] {
                rows.append(row)
                labels.append(churned)
            }
        }
        guard !rows.isEmpty else { throw .noEligibleCustomers(cutoffDay: cutoffDay) }
        self.features = ChurnFeatures.Table(
            matrix: table.matrix.rows(rows), customers: rows.map { table.customers[$0] }, cutoffDay: cutoffDay)
        self.labels = labels
    }
}
