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
