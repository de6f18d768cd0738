import Foundation

/// Trains and cross-validates both churn models on a customer CSV (the engine of
/// `tenure model train --table customers.csv --label Churn --id customerID`). Pure: takes the
/// file's contents, returns a report.
public enum ChurnTableTraining {
    public struct Options: Sendable, Codable, Equatable {
        /// The outcome column (Yes/No, 1/0, true/false).
        public var labelColumn: String
        /// A customer id column, excluded from the features.
        public var idColumn: String?
        /// More columns to leave out.
        public var excludedColumns: [String]
        /// Stratified cross-validation folds.
        public var folds: Int
        public var seed: UInt64
        public var logisticRegression: LogisticRegressionModel.Options
        public var boostedTrees: GradientBoostedTreesModel.Options
        /// A single column whose churn AUC exceeds this is reported as likely leakage.
        public var leakageAUC: Double
        /// Also fit the better model on all rows and return it in the report.
        public var fitFinalModel: Bool

        public init(labelColumn: String, idColumn: String? = nil, excludedColumns: [String] = [], folds: Int = 5,
                    seed: UInt64 = 42, logisticRegression: LogisticRegressionModel.Options = .init(),
                    boostedTrees: GradientBoostedTreesModel.Options = ChurnTableTraining.defaultBoostedTrees,
                    leakageAUC: Double = 0.99, fitFinalModel: Bool = true) {
            self.labelColumn = labelColumn
            self.idColumn = idColumn
            self.excludedColumns = excludedColumns
            self.folds = folds
            self.seed = seed
            self.logisticRegression = logisticRegression
            self.boostedTrees = boostedTrees
            self.leakageAUC = leakageAUC
            self.fitFinalModel = fitFinalModel
        }
    }

    /// Boosting settings suited to tables of thousands of customers: many shallow, slow trees.
    public static let defaultBoostedTrees = GradientBoostedTreesModel.Options(
        trees: 200, learningRate: 0.05, maxDepth: 3, minChildWeight: 5, l2: 1, rowSubsample: 0.8,
        columnSubsample: 0.8, seed: 42)

    /// Parses `csv` and trains; see ``train(table:options:)``.
    public static func train(csv: String, options: Options) throws(TableError) -> ChurnTrainingReport {
        try train(table: CSVTable(parsing: csv), options: options)
    }

    /// Parses UTF-8 `data` and trains.
    public static func train(data: Data, options: Options) throws(TableError) -> ChurnTrainingReport {
        try train(table: CSVTable(parsing: data), options: options)
    }

    /// Cross-validates logistic regression and boosted trees on the same stratified folds, and
    /// checks each column for leakage.
    public static func train(table csv: CSVTable, options: Options) throws(TableError) -> ChurnTrainingReport {
        let table = try CustomerTable(csv: csv, label: options.labelColumn, id: options.idColumn, excluding: options.excludedColumns)
        let labels = table.labels ?? []
        let x = table.features
        do {
            let folds = try DataSplit.stratifiedKFold(labels: labels, k: options.folds, seed: options.seed)
            var logisticOOF = [Double](repeating: 0, count: labels.count)
            var treesOOF = [Double](repeating: 0, count: labels.count)
            var logisticAUCs: [Double] = [], treesAUCs: [Double] = []
            for fold in folds {
                let train = x.rows(fold.train), test = x.rows(fold.test)
                let trainLabels = fold.train.map { labels[$0] }, testLabels = fold.test.map { labels[$0] }
                let lr = try LogisticRegressionModel.fit(train, labels: trainLabels, options: options.logisticRegression)
                let gbt = try GradientBoostedTreesModel.fit(train, labels: trainLabels, options: options.boostedTrees)
                let p1 = try lr.predictProbabilities(test), p2 = try gbt.predictProbabilities(test)
                for (k, row) in fold.test.enumerated() {
                    logisticOOF[row] = p1[k]
                    treesOOF[row] = p2[k]
                }
                logisticAUCs.append(ClassificationMetrics.rocAUC(scores: p1, labels: testLabels))
                treesAUCs.append(ClassificationMetrics.rocAUC(scores: p2, labels: testLabels))
            }
            let logistic = ModelEvaluation(name: "logistic-regression", foldAUCs: logisticAUCs,
                                           outOfFold: ClassificationMetrics.evaluate(probabilities: logisticOOF, labels: labels))
            let trees = ModelEvaluation(name: "boosted-trees", foldAUCs: treesAUCs,
                                        outOfFold: ClassificationMetrics.evaluate(probabilities: treesOOF, labels: labels))
            let better = trees.meanAUC > logistic.meanAUC ? trees : logistic
            var finalModel: ChurnModel?
            if options.fitFinalModel {
                finalModel = better.name == "boosted-trees"
                    ? .boostedTrees(try GradientBoostedTreesModel.fit(x, labels: labels, options: options.boostedTrees))
                    : .logisticRegression(try LogisticRegressionModel.fit(x, labels: labels, options: options.logisticRegression))
            }
            return ChurnTrainingReport(
                rows: labels.count, churned: labels.filter { $0 }.count, droppedRowsWithoutLabel: table.droppedRows,
                columns: columnSummaries(x), leakageWarnings: leakageWarnings(x, labels: labels, threshold: options.leakageAUC),
                folds: options.folds, seed: options.seed, logisticRegression: logistic, boostedTrees: trees,
                betterModel: better.name, finalModel: finalModel)
        } catch {
            throw .learning(error)
        }
    }

    static func columnSummaries(_ x: FeatureMatrix) -> [ChurnTrainingReport.Column] {
        x.features.enumerated().map { j, feature in
            let missing = x.column(j).reduce(0) { $0 + ($1.isNaN ? 1 : 0) }
            return .init(name: feature.name, kind: feature.isCategorical ? "categorical" : "numeric",
                         levels: feature.isCategorical ? feature.levelCount : nil, missing: missing)
        }
    }

    /// Columns that on their own predict churn almost perfectly: the AUC of the column (numeric:
    /// its value, missing lowest; categorical: its level's churn rate) or of its reverse above
    /// `threshold`, or a categorical column each of whose levels is all-churned or all-retained.
    static func leakageWarnings(_ x: FeatureMatrix, labels: [Bool], threshold: Double) -> [ChurnTrainingReport.LeakageWarning] {
        var out: [ChurnTrainingReport.LeakageWarning] = []
        for (j, feature) in x.features.enumerated() {
            let column = Array(x.column(j))
            var scores: [Double]
            var pure = false
            switch feature.kind {
            case .numeric:
                scores = column.map { $0.isNaN ? -Double.greatestFiniteMagnitude : Double($0) }
            case .categorical(let levels):
                var churned = [Int](repeating: 0, count: levels.count + 1), total = churned
                for (v, y) in zip(column, labels) {
                    let code = v.isNaN ? levels.count : Int(v)
                    total[code] += 1
                    if y { churned[code] += 1 }
                }
                scores = column.map { v in
                    let code = v.isNaN ? levels.count : Int(v)
                    return Double(churned[code]) / Double(total[code])
                }
                pure = zip(churned, total).allSatisfy { $0 == 0 || $0 == $1 }
            }
            let auc = ClassificationMetrics.rocAUC(scores: scores, labels: labels)
            let strength = max(auc, 1 - auc)
            if strength > threshold || pure {
                let reason = pure
                    ? "every value of \(feature.name) has customers who all churned or all stayed, so the label is a function of it"
                    : "\(feature.name) alone separates churners with AUC \(String(format: "%.3f", strength))"
                out.append(.init(column: feature.name, singleColumnAUC: strength,
                                 message: "\(reason); it is probably recorded after the outcome (leakage) or an identifier — exclude it unless it is known before churn"))
            }
        }
        return out
    }
}
