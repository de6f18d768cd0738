import Foundation

/// A trained churn model of either kind, saved and loaded as JSON.
public enum ChurnModel: Sendable, Codable, Equatable {
    case logisticRegression(LogisticRegressionModel)
    case boostedTrees(GradientBoostedTreesModel)

    /// The columns (names, kinds, level dictionaries) a table must have to be scored.
    public var features: [FeatureMatrix.Feature] {
        switch self {
        case .logisticRegression(let m): m.features
        case .boostedTrees(let m): m.features
        }
    }

    /// A short name: `logistic-regression` or `boosted-trees`.
    public var kindName: String {
        switch self {
        case .logisticRegression: "logistic-regression"
        case .boostedTrees: "boosted-trees"
        }
    }

    /// Churn probability per row of `x`.
    public func predictProbabilities(_ x: FeatureMatrix) throws(LearnError) -> [Double] {
        switch self {
        case .logisticRegression(let m): try m.predictProbabilities(x)
        case .boostedTrees(let m): try m.predictProbabilities(x)
        }
    }

    /// Additive log-odds contributions for one row (coefficients × standardized values, or TreeSHAP).
    public func contributions(_ x: FeatureMatrix, row: Int) throws(LearnError) -> FeatureContributions {
        switch self {
        case .logisticRegression(let m): try m.contributions(x, row: row)
        case .boostedTrees(let m): try m.contributions(x, row: row)
        }
    }

    /// Churn probabilities of every row of `x` with each row's `k` strongest risk-raising features:
    /// exact TreeSHAP for boosted trees, coefficient × standardized value for logistic regression.
    public func score(_ x: FeatureMatrix, topReasons k: Int) throws(LearnError) -> ScoredCustomers {
        switch self {
        case .boostedTrees(let m):
            guard x.features == m.features else { throw .featureMismatch(expected: m.features.map(\.name), got: x.features.map(\.name)) }
            return TreeExplainer(model: m).score(x, topReasons: k)
        case .logisticRegression(let m):
            let probabilities = try m.predictProbabilities(x)
            let k = max(0, min(k, x.featureCount))
            var features = [Int32](repeating: -1, count: x.rowCount * k)
            var contributions = [Float](repeating: 0, count: x.rowCount * k)
            for row in 0..<x.rowCount {
                let c = try m.contributions(x, row: row).contributions
                let top = c.indices.filter { c[$0] > 0 }.sorted { (c[$0], $1) > (c[$1], $0) }.prefix(k)
                for (s, j) in top.enumerated() {
                    features[row * k + s] = Int32(j)
                    contributions[row * k + s] = Float(c[j])
                }
            }
            return ScoredCustomers(probabilities: probabilities, reasonsPerCustomer: k, reasonFeatures: features,
                                   reasonContributions: contributions, featureNames: m.features.map(\.name))
        }
    }

    /// The model as JSON (sorted keys, so the same model always gives the same bytes).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(self)
    }

    /// Reads a model written by ``jsonData()``.
    public init(jsonData data: Data) throws {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        self = try decoder.decode(ChurnModel.self, from: data)
    }
}
