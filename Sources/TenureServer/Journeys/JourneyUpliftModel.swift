import Foundation
import TenureCore
import TenureStore

/// The uplift model of one journey, learnt from its own entries: a T-learner on the churn
/// features as of the day before the journey's first entry, with treated = received its
/// messages and control = its holdout and the global control group, outcome = reached the goal.
/// Only decided entries (goal window closed) count. What "top N by uplift" ranks by, and what
/// the report's Qini coefficient measures (cross-fitted: each entry scored by a model that did
/// not see it).
struct JourneyUpliftModel {
    let x: FeatureMatrix
    let treated: [Bool]
    let outcomes: [Bool]

    /// The training data, or nil until each arm has ``JourneyTarget/minimumArmEntries``.
    init?(entries: [JourneyEntry], snapshot: StoreSnapshot) {
        let decided = entries.filter(\.decided)
        let treatedCount = decided.reduce(0) { $0 + ($1.arm.receives ? 1 : 0) }
        guard treatedCount >= JourneyTarget.minimumArmEntries, decided.count - treatedCount >= JourneyTarget.minimumArmEntries,
            let first = decided.map({ DayNumber.day(of: $0.enteredAt) }).min()
        else { return nil }
        var rows: [(customer: Int, treated: Bool, converted: Bool)] = decided.compactMap { e in
            snapshot.index(ofCustomer: e.customerId).map { ($0, e.arm.receives, e.converted) }
        }
        rows.sort { $0.customer < $1.customer }
        let table = ChurnFeatures().table(from: snapshot.activity, cutoffDay: first - 1, only: rows.map(\.customer))
        let kept = rows.filter { table.row(ofCustomer: $0.customer) != nil }
        guard !kept.isEmpty else { return nil }
        x = table.matrix.rows(kept.compactMap { table.row(ofCustomer: $0.customer) })
        treated = kept.map(\.treated)
        outcomes = kept.map(\.converted)
    }

    /// Predicted uplift for every customer of the snapshot as of `day` (NaN where none).
    func scores(snapshot: StoreSnapshot, asOf day: Int32) throws(UpliftModelError) -> [Double] {
        let model = try TLearnerUpliftModel.fit(x, treated: treated, outcomes: outcomes)
        let everyone = ChurnFeatures().table(from: snapshot.activity, cutoffDay: day)
        let predicted = try model.predict(everyone.matrix).uplift
        var scores = [Double](repeating: .nan, count: snapshot.customerIds.count)
        for customer in scores.indices {
            if let row = everyone.row(ofCustomer: customer), row < predicted.count { scores[customer] = predicted[row] }
        }
        return scores
    }

    /// The Qini coefficient of the model's cross-fitted ranking of the journey's own entries
    /// (nil when nobody converted).
    func qiniCoefficient() throws(UpliftModelError) -> Double? {
        let scores = try TLearnerUpliftModel.crossFittedUplift(x, treated: treated, outcomes: outcomes, folds: 2, seed: 1)
        return try QiniCurve(scores: scores, treated: treated, outcomes: outcomes).coefficient
    }
}
