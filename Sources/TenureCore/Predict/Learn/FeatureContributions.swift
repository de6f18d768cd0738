import Foundation

/// Why a model scored one customer as it did: additive contributions on the model's raw (log-odds)
/// scale, one per input feature, such that `baseValue + contributions.sum()` equals the margin and
/// the churn probability is `1 / (1 + exp(-margin))`.
public struct FeatureContributions: Sendable, Codable, Equatable {
    /// The model's expected margin over the training data (log-odds).
    public var baseValue: Double
    /// One contribution per feature, in the model's feature order (log-odds).
    public var contributions: [Double]
    /// Feature names, parallel to `contributions`.
    public var featureNames: [String]
    /// The customer's displayed values, parallel to `contributions` (`nil` when missing).
    public var values: [String?]

    public init(baseValue: Double, contributions: [Double], featureNames: [String], values: [String?]) {
        self.baseValue = baseValue
        self.contributions = contributions
        self.featureNames = featureNames
        self.values = values
    }

    /// The raw model output: `baseValue + Σ contributions` (log-odds).
    public var margin: Double { baseValue + contributions.reduce(0, +) }

    /// The churn probability implied by the contributions.
    public var probability: Double { LogOdds.probability(margin) }

    /// A feature that pushes a customer's churn risk up, with the customer's value for it.
    public struct Reason: Sendable, Codable, Equatable {
        public var feature: String
        /// The customer's value, as displayed (level name for categories); `nil` when missing.
        public var value: String?
        /// Contribution to the log-odds of churn (> 0).
        public var contribution: Double

        public init(feature: String, value: String?, contribution: Double) {
            self.feature = feature
            self.value = value
            self.contribution = contribution
        }
    }

    /// The at most `k` features pushing churn risk up the most, largest first (ties by name).
    public func topReasons(_ k: Int) -> [Reason] {
        contributions.indices
            .filter { contributions[$0] > 0 }
            .sorted { (contributions[$0], featureNames[$1]) > (contributions[$1], featureNames[$0]) }
            .prefix(max(0, k))
            .map { Reason(feature: featureNames[$0], value: values[$0], contribution: contributions[$0]) }
    }
}
