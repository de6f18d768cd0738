import Foundation

/// An out-of-time check of the churn models: train at one cutoff, test on the next period.
///
/// Both learners run on the same rows: gradient-boosted trees (`options`) and L2-regularized
/// logistic regression (`logisticRegression`), each reported with AUC, PR-AUC, top-decile lift,
/// Brier score and a calibration table. Training uses features at `trainCutoffDay` with labels from `(T1, T1 + H]`; testing uses
/// features at `T2 = T1 + H` with labels from `(T2, T2 + H]`, so the test period is entirely after
/// everything the model saw. Deterministic for a given `options.seed`.
public struct ChurnBacktest: Sendable {
    public var label: ChurnLabel
    /// T1, in days since 1970-01-01 UTC.
    public var trainCutoffDay: Int32
    public var features: ChurnFeatures
    public var options: GradientBoostedTreesModel.Options
    public var logisticRegression: LogisticRegressionModel.Options
    /// At most this many training customers (a seeded sample); the test set is never sampled.
    public var sample: ChurnTrainingSample

    /// Shallow, slowly learning trees: churn features are few and noisy.
    public static let defaultOptions = GradientBoostedTreesModel.Options(
        trees: 150, learningRate: 0.05, maxDepth: 4, minChildWeight: 5, rowSubsample: 0.8, seed: 1)

    public init(
        label: ChurnLabel, trainCutoffDay: Int32, features: ChurnFeatures = ChurnFeatures(),
        options: GradientBoostedTreesModel.Options = ChurnBacktest.defaultOptions,
        logisticRegression: LogisticRegressionModel.Options = .init(), sample: ChurnTrainingSample = .standard
    ) {
        self.label = label
        self.trainCutoffDay = trainCutoffDay
        self.features = features
        self.options = options
        self.logisticRegression = logisticRegression
        self.sample = sample
    }

    /// T2 = T1 + horizon.
    public var testCutoffDay: Int32 { trainCutoffDay + label.horizonDays }

    /// Trains at T1, scores at T2 and evaluates against what happened after T2.
    public func run(on snapshot: ActivitySnapshot, attributes: CustomerAttributes? = nil) throws(ChurnPredictionError) -> ChurnBacktestReport {
        let train = try ChurnTrainingSet(snapshot: snapshot, cutoffDay: trainCutoffDay, label: label, features: features, attributes: attributes)
            .sampled(sample)
        let test = try ChurnTrainingSet(snapshot: snapshot, cutoffDay: testCutoffDay, label: label, features: features, attributes: attributes)
        let model: GradientBoostedTreesModel
        let probabilities: [Double], linearProbabilities: [Double]
        do throws(LearnError) {
            model = try GradientBoostedTreesModel.fit(train.features.matrix, labels: train.labels, options: options)
            probabilities = try model.predictProbabilities(test.features.matrix)
            let linear = try LogisticRegressionModel.fit(train.features.matrix, labels: train.labels, options: logisticRegression)
            linearProbabilities = try linear.predictProbabilities(test.features.matrix)
        } catch {
            throw .model(error)
        }
        // Baseline: rank by days since last activity alone, to show what the model adds.
        let recency = test.features.matrix.column(ChurnFeatures.Column.daysSinceLastActivity.rawValue).map(Double.init)
        let gains = model.gainImportance
        let total = max(gains.reduce(0, +), .leastNonzeroMagnitude)
        let importance = zip(model.features, gains)
            .map { ChurnBacktestReport.Importance(feature: $0.name, share: $1 / total) }
            .sorted { ($0.share, $1.feature) > ($1.share, $0.feature) }
        return ChurnBacktestReport(
            trainCutoffDay: trainCutoffDay, testCutoffDay: testCutoffDay, horizonDays: label.horizonDays,
            trainCount: train.labels.count, trainPositives: train.positives,
            test: ClassificationMetrics.evaluate(probabilities: probabilities, labels: test.labels),
            logisticRegressionTest: ClassificationMetrics.evaluate(probabilities: linearProbabilities, labels: test.labels),
            recencyBaselineAUC: ClassificationMetrics.rocAUC(scores: recency, labels: test.labels),
            featureImportance: importance)
    }
}

/// The result of a ``ChurnBacktest``.
public struct ChurnBacktestReport: Sendable, Codable, Equatable {
    /// A feature's share of the total split gain (0…1).
    public struct Importance: Sendable, Codable, Equatable {
        public var feature: String
        public var share: Double
    }

    public var trainCutoffDay: Int32
    public var testCutoffDay: Int32
    public var horizonDays: Int32
    /// Customers trained on at T1 (eligible ones, sampled above ``ChurnTrainingSample/maxCustomers``) and how many of them churned.
    public var trainCount: Int
    public var trainPositives: Int
    /// Boosted-tree metrics on the customers eligible at T2 (AUC, PR-AUC, top-decile lift, Brier, calibration).
    public var test: ClassificationReport
    /// The same metrics for L2-regularized logistic regression trained on the same rows.
    public var logisticRegressionTest: ClassificationReport
    /// ROC AUC of ranking the test customers by days since last activity alone.
    public var recencyBaselineAUC: Double
    /// Features by share of split gain, largest first.
    public var featureImportance: [Importance]
}
