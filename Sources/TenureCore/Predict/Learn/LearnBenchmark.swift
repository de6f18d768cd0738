import Foundation

/// Times the boosted-tree learner and TreeSHAP scoring on ``SyntheticChurnData`` (the data
/// `scripts/bench/gbt_xgboost.py` feeds XGBoost), for `tenure bench predict`.
public enum LearnBenchmark {
    /// What one run measured (seconds of wall-clock time, AUC on held-out rows).
    public struct Result: Sendable, Codable, Equatable {
        public var rows: Int
        public var testRows: Int
        public var features: Int
        public var trees: Int
        public var depth: Int
        public var learningRate: Double
        public var seed: UInt64
        public var threads: Int
        public var generationSeconds: Double
        /// Binning plus boosting.
        public var trainingSeconds: Double
        public var testAUC: Double
        /// Scoring the test rows (probabilities only).
        public var scoringSeconds: Double
        /// Scoring and explaining (TreeSHAP, all features) `explainedRows` rows.
        public var explainedRows: Int
        public var explainSeconds: Double?
    }

    /// Trains `trees` trees of depth `depth` on `rows` synthetic rows × `features` and measures test
    /// AUC on the next `testRows` rows; with `explainRows` > 0 also times TreeSHAP on that many rows.
    public static func run(rows: Int, features: Int, trees: Int, depth: Int, seed: UInt64, testRows: Int = 200_000,
                           learningRate: Double = 0.3, explainRows: Int = 0) -> Result {
        let clock = ContinuousClock()
        var start = clock.now
        let train = SyntheticChurnData.generate(seed: seed, start: 0, count: rows, features: features)
        let test = SyntheticChurnData.generate(seed: seed, start: rows, count: testRows, features: features)
        let generation = seconds(clock.now - start)
        start = clock.now
        let options = GradientBoostedTreesModel.Options(trees: trees, learningRate: learningRate, maxDepth: depth, seed: seed)
        // The generator's data always has both classes, so fitting cannot fail.
        let model = try! GradientBoostedTreesModel.fit(train.x, labels: train.labels, options: options)
        let training = seconds(clock.now - start)
        start = clock.now
        let scores = try! model.margins(test.x)
        let scoring = seconds(clock.now - start)
        let auc = ClassificationMetrics.rocAUC(scores: scores, labels: test.labels)
        var explainSeconds: Double?
        if explainRows > 0 {
            let data = explainRows <= testRows
                ? test.x.rows(Array(0..<explainRows))
                : SyntheticChurnData.generate(seed: seed, start: rows, count: explainRows, features: features).x
            start = clock.now
            let explainer = TreeExplainer(model: model)
            _ = explainer.explain(data)
            explainSeconds = seconds(clock.now - start)
        }
        return Result(rows: rows, testRows: testRows, features: features, trees: trees, depth: depth,
                      learningRate: learningRate, seed: seed, threads: LearnParallel.workerCount,
                      generationSeconds: generation, trainingSeconds: training, testAUC: auc, scoringSeconds: scoring,
                      explainedRows: explainRows, explainSeconds: explainSeconds)
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
