import Foundation

/// Churn probabilities of many customers with their top risk-raising features, stored flat.
public struct ScoredCustomers: Sendable, Equatable {
    public var probabilities: [Double]
    /// k: reasons kept per customer.
    public var reasonsPerCustomer: Int
    /// Row-major `count × k` feature indices, strongest first; -1 pads when fewer than k features raise risk.
    public var reasonFeatures: [Int32]
    /// Their contributions (log-odds), parallel to `reasonFeatures`.
    public var reasonContributions: [Float]
    public var featureNames: [String]

    /// Customer `row`'s reasons with names and displayed values from `x` (the scored matrix).
    public func reasons(row: Int, in x: FeatureMatrix) -> [FeatureContributions.Reason] {
        (0..<reasonsPerCustomer).compactMap { s in
            let j = Int(reasonFeatures[row * reasonsPerCustomer + s])
            guard j >= 0 else { return nil }
            return FeatureContributions.Reason(
                feature: featureNames[j], value: x.displayValue(row: row, feature: j),
                contribution: Double(reasonContributions[row * reasonsPerCustomer + s]))
        }
    }
}
