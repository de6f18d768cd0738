import Foundation
import TenureCore

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
        /// Scoring `explainedRows` rows with their top 3 reasons (TreeSHAP over all features).
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
        let generation = (clock.now - start).inSeconds
        start = clock.now
        let options = GradientBoostedTreesModel.Options(trees: trees, learningRate: learningRate, maxDepth: depth, seed: seed)
        // The generator's data always has both classes, so fitting cannot fail.
        let model = try! GradientBoostedTreesModel.fit(train.x, labels: train.labels, options: options)
        let training = (clock.now - start).inSeconds
        start = clock.now
        let scores = try! model.margins(test.x)
        let scoring = (clock.now - start).inSeconds
        let auc = ClassificationMetrics.rocAUC(scores: scores, labels: test.labels)
        var explainSeconds: Double?
        if explainRows > 0 {
            let data = explainRows <= testRows
                ? test.x.rows(Array(0..<explainRows))
                : SyntheticChurnData.generate(seed: seed, start: rows, count: explainRows, features: features).x
            start = clock.now
            let explainer = TreeExplainer(model: model)
            _ = explainer.score(data, topReasons: 3)
            explainSeconds = (clock.now - start).inSeconds
        }
        return Result(rows: rows, testRows: testRows, features: features, trees: trees, depth: depth,
                      learningRate: learningRate, seed: seed, threads: GradientBoostedTreesModel.threads,
                      generationSeconds: generation, trainingSeconds: training, testAUC: auc, scoringSeconds: scoring,
                      explainedRows: explainRows, explainSeconds: explainSeconds)
    }


    /// What ``runExplanations(table:labelColumn:idColumn:customers:topReasons:seed:)`` measured.
    public struct ExplanationResult: Sendable, Codable, Equatable {
        public var tableRows: Int
        public var trees: Int
        public var maxDepth: Int
        public var customers: Int
        public var topReasons: Int
        public var threads: Int
        public var trainingSeconds: Double
        /// Preparing the TreeSHAP tables once per model.
        public var preparationSeconds: Double
        /// Probabilities plus top reasons for every customer.
        public var scoringSeconds: Double
        /// CPU time of that scoring, all threads (wall time on a shared machine also counts others).
        public var scoringCPUSeconds: Double
    }

    /// Trains the default boosted-tree model of ``ChurnTableTraining`` on a customer CSV (`table`,
    /// the file's contents) and times scoring `customers` customers — table rows drawn with
    /// replacement — with their top reasons by exact TreeSHAP.
    public static func runExplanations(table: Data, labelColumn: String, idColumn: String?, customers: Int,
                                       topReasons: Int = 3, seed: UInt64 = 42) throws(TableError) -> ExplanationResult {
        let customerTable = try CustomerTable(csv: CSVTable(parsing: table), label: labelColumn, id: idColumn)
        let clock = ContinuousClock()
        var start = clock.now
        let options = ChurnTableTraining.defaultBoostedTrees
        let model: GradientBoostedTreesModel
        do {
            model = try GradientBoostedTreesModel.fit(customerTable.features, labels: customerTable.labels ?? [], options: options)
        } catch {
            throw .learning(error)
        }
        let training = (clock.now - start).inSeconds
        var generator = SeededGenerator(seed: seed)
        let n = customerTable.features.rowCount
        let sample = (0..<customers).map { _ in Int(generator.next() % UInt64(n)) }
        let x = customerTable.features.rows(sample)
        start = clock.now
        let explainer = TreeExplainer(model: model)
        let preparation = (clock.now - start).inSeconds
        start = clock.now
        let cpuStart = processCPUSeconds()
        _ = explainer.score(x, topReasons: topReasons)
        let scoring = (clock.now - start).inSeconds
        let scoringCPU = processCPUSeconds() - cpuStart
        return ExplanationResult(tableRows: n, trees: model.trees.count, maxDepth: options.maxDepth, customers: customers,
                                 topReasons: topReasons, threads: GradientBoostedTreesModel.threads, trainingSeconds: training,
                                 preparationSeconds: preparation, scoringSeconds: scoring, scoringCPUSeconds: scoringCPU)
    }
}
