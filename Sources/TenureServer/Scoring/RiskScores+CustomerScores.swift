import TenureCore
import TenureStore

extension RiskScores.Ranking {
    /// Every scored customer's churn scores, when they index `snapshot`'s customers: scores of an
    /// older snapshot index the same customers unless a merge rebuilt it since (indices only grow
    /// otherwise), so after a merge churn metrics wait for the next scoring (nil).
    public func customerScores(for snapshot: StoreSnapshot) -> CustomerScores? {
        report.scores.flatMap {
            snapshotGeneration == snapshot.mergeGeneration && $0.customerCount <= snapshot.customerIds.count ? $0 : nil
        }
    }
}
