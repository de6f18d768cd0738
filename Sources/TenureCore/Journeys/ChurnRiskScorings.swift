import Foundation

/// The two latest churn scorings a churn-risk crossing compares, indexed like the analytics
/// snapshot (NaN: unscored).
public struct ChurnRiskScorings: Sendable {
    /// The latest scoring's churn risk per customer (0 to 1).
    public var latest: [Double]
    /// When the latest scoring finished: the crossing's key.
    public var scoredAt: Date
    /// The scoring before it; a customer past its end was unscored then.
    public var previous: [Double]

    public init(latest: [Double], scoredAt: Date, previous: [Double]) {
        self.latest = latest
        self.scoredAt = scoredAt
        self.previous = previous
    }
}
