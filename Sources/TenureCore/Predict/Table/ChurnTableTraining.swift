import Foundation

/// Trains and cross-validates both churn models on a customer CSV (the engine of
/// `tenure model train --table customers.csv --label Churn --id customerID`). Pure: takes the
/// file's contents, returns a report.
///
/// Before training, every feature column is checked for leakage (see
/// ``leakyColumns(_:labels:folds:threshold:)``); leaky columns are left out of the models unless
/// ``Options/allowLeakyFeatures`` is set, and named in the report either way.
public enum ChurnTableTraining {
    public struct Options: Sendable, Codable, Equatable {
        /// The outcome column.
        public var labelColumn: String
        /// The label value that marks a churned customer, compared with the cells after trimming
        /// spaces and ignoring case; every other non-blank value is retained. Nil: the labels must
        /// be yes/no, true/false or 1/0 (``CustomerTable/positiveLabels``).
        public var positiveLabel: String?
        /// A customer id column, excluded from the features.
        public var idColumn: String?
        /// More columns to leave out.
        public var excludedColumns: [String]
        /// Stratified cross-validation folds.
        public var folds: Int
        public var seed: UInt64
        public var logisticRegression: LogisticRegressionModel.Options
        public var boostedTrees: GradientBoostedTreesModel.Options
        /// A column whose single-feature AUC, max(AUC, 1 − AUC), is above this is leakage.
        /// Must be above 0.5 and at most 1; 1 turns the AUC rule off (the label-determined rule stays).
        public var leakageThreshold: Double
        /// Keep leaky columns as features (they are then only warned about), and allow fitting a
        /// final model whose cross-validated AUC is 1.000.
        public var allowLeakyFeatures: Bool
        /// Also fit the better model on all rows (the model `--save` writes) and return it in the
        /// report; refused when its cross-validated AUC rounds to 1.000 unless `allowLeakyFeatures`.
        public var fitFinalModel: Bool

        public init(labelColumn: String, positiveLabel: String? = nil, idColumn: String? = nil, excludedColumns: [String] = [],
                    folds: Int = 5, seed: UInt64 = 42, logisticRegression: LogisticRegressionModel.Options = .init(),
                    boostedTrees: GradientBoostedTreesModel.Options = ChurnTableTraining.defaultBoostedTrees,
                    leakageThreshold: Double = ChurnTableTraining.defaultLeakageThreshold, allowLeakyFeatures: Bool = false,
                    fitFinalModel: Bool = true) {
            self.labelColumn = labelColumn
            self.positiveLabel = positiveLabel
            self.idColumn = idColumn
            self.excludedColumns = excludedColumns
            self.folds = folds
            self.seed = seed
            self.logisticRegression = logisticRegression
            self.boostedTrees = boostedTrees
            self.leakageThreshold = leakageThreshold
            self.allowLeakyFeatures = allowLeakyFeatures
            self.fitFinalModel = fitFinalModel
        }
    }

    /// Boosting settings suited to tables of thousands of customers: many shallow, slow trees.
    public static let defaultBoostedTrees = GradientBoostedTreesModel.Options(
        trees: 200, learningRate: 0.05, maxDepth: 3, minChildWeight: 5, l2: 1, rowSubsample: 0.8,
        columnSubsample: 0.8, seed: 42)

    /// Single-feature AUC above which a column counts as leakage. Real churn drivers stay far below
    /// (the strongest IBM Telco column, Contract, reaches about 0.75).
    public static let defaultLeakageThreshold = 0.98

    /// Parses `csv` and trains; see ``train(table:options:)``.
    public static func train(csv: String, options: Options) throws(TableError) -> ChurnTrainingReport {
        try train(table: CSVTable(parsing: csv), options: options)
    }

    /// Parses UTF-8 `data` and trains.
    public static func train(data: Data, options: Options) throws(TableError) -> ChurnTrainingReport {
        try train(table: CSVTable(parsing: data), options: options)
    }

    /// Checks each column for leakage, leaves the leaky ones out (unless allowed), then
    /// cross-validates logistic regression and boosted trees on the same stratified folds.
    public static func train(table csv: CSVTable, options: Options) throws(TableError) -> ChurnTrainingReport {
        let threshold = options.leakageThreshold
        guard threshold > 0.5, threshold <= 1 else { throw .invalidLeakageThreshold(threshold) }
        let table = try CustomerTable(csv: csv, label: options.labelColumn, positive: options.positiveLabel,
                                      id: options.idColumn, excluding: options.excludedColumns)
        let labels = table.labels ?? []
        let folds: [DataSplit.Fold]
        do {
            folds = try DataSplit.stratifiedKFold(labels: labels, k: options.folds, seed: options.seed)
        } catch {
            throw .learning(error)
        }
        let leaky = leakyColumns(table.features, labels: labels, folds: folds, threshold: threshold)
        var x = table.features
        if !options.allowLeakyFeatures, !leaky.isEmpty {
            let leakyIndices = Set(leaky.map(\.index))
            let kept = x.features.indices.filter { !leakyIndices.contains($0) }
            guard !kept.isEmpty else { throw .onlyLeakyFeatures(leaky.map(\.column.column)) }
            x = x.selectingFeatures(kept)
        }
        do {
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
            let perfect = ChurnTrainingReport.roundsToPerfectAUC(better.meanAUC)
            var finalModel: ChurnModel?
            if options.fitFinalModel, !perfect || options.allowLeakyFeatures {
                finalModel = better.name == "boosted-trees"
                    ? .boostedTrees(try GradientBoostedTreesModel.fit(x, labels: labels, options: options.boostedTrees))
                    : .logisticRegression(try LogisticRegressionModel.fit(x, labels: labels, options: options.logisticRegression))
            }
            return ChurnTrainingReport(
                rows: labels.count, churned: labels.filter { $0 }.count, droppedRowsWithoutLabel: table.droppedRows,
                columns: columnSummaries(x),
                excludedLeakyColumns: options.allowLeakyFeatures ? [] : leaky.map(\.column),
                leakageWarnings: options.allowLeakyFeatures ? leaky.map(\.column) : [],
                leakageThreshold: threshold, folds: options.folds, seed: options.seed,
                logisticRegression: logistic, boostedTrees: trees, betterModel: better.name,
                perfectSeparation: perfect, finalModel: finalModel)
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

    /// The columns of `x` that leak the label, with their index in `x`. A column leaks when either
    ///
    /// - the label determines it: all churned customers share one value and all retained
    ///   customers share one other value (blank counts as a value). This is the same rule for
    ///   numeric and categorical columns, and it asks that each *class* maps to one value, not that
    ///   each value maps to one class: a continuous column whose values are all distinct has every
    ///   value with one label only, which is normal and not leakage. A column recorded only for
    ///   churners (a cancel reason, blank for everyone else) with a single value is caught here,
    ///   whatever the threshold; or
    /// - its single-feature AUC, max(AUC, 1 − AUC), is above `threshold`. A numeric column is
    ///   scored by its value (blank lowest). A categorical column is scored by its level's churn
    ///   rate *out of fold* (rates from the other `folds`' rows; a level absent there gets their
    ///   overall churn rate), so a column recorded only for churners with several values still
    ///   scores about 1, while an identifier-like column whose levels do not recur scores about 0.5
    ///   instead of the perfect score an in-sample rate would give it.
    static func leakyColumns(_ x: FeatureMatrix, labels: [Bool], folds: [DataSplit.Fold],
                             threshold: Double) -> [(index: Int, column: ChurnTrainingReport.LeakyColumn)] {
        var out: [(index: Int, column: ChurnTrainingReport.LeakyColumn)] = []
        for (j, feature) in x.features.enumerated() {
            let column = Array(x.column(j))
            let scores: [Double]
            switch feature.kind {
            case .numeric:
                scores = column.map { $0.isNaN ? -Double.greatestFiniteMagnitude : Double($0) }
            case .categorical(let levels):
                scores = outOfFoldLevelRates(column, levelCount: levels.count, labels: labels, folds: folds)
            }
            let auc = ClassificationMetrics.rocAUC(scores: scores, labels: labels)
            let strength = auc.isNaN ? 0.5 : max(auc, 1 - auc)
            let auc3 = String(format: "%.3f", strength)
            if let (churnedValue, retainedValue) = classValues(column, labels: labels) {
                let churned = describe(churnedValue, of: feature), retained = describe(retainedValue, of: feature)
                out.append((j, .init(
                    column: feature.name, reason: .determinedByLabel, singleColumnAUC: strength,
                    message: "the label determines \(feature.name): every churned customer has \(churned) and every retained one has \(retained) (single-feature AUC \(auc3))")))
            } else if strength > threshold {
                out.append((j, .init(
                    column: feature.name, reason: .singleFeatureAUC, singleColumnAUC: strength,
                    message: "\(feature.name) alone separates churned from retained customers with AUC \(auc3), above the leakage threshold \(threshold)")))
            }
        }
        return out
    }

    /// The one value all churned rows share and the other one all retained rows share (NaN =
    /// blank), or nil when a class has several values or both classes have the same one.
    static func classValues(_ column: [Float], labels: [Bool]) -> (churned: Float, retained: Float)? {
        func same(_ a: Float, _ b: Float) -> Bool { a == b || (a.isNaN && b.isNaN) }
        var churned: Float?, retained: Float?
        for (v, y) in zip(column, labels) {
            if y {
                if let c = churned { guard same(c, v) else { return nil } } else { churned = v }
            } else {
                if let r = retained { guard same(r, v) else { return nil } } else { retained = v }
            }
        }
        guard let churned, let retained, !same(churned, retained) else { return nil }
        return (churned, retained)
    }

    /// Each row's level churn rate computed on the other folds (blank is a level of its own).
    static func outOfFoldLevelRates(_ column: [Float], levelCount: Int, labels: [Bool], folds: [DataSplit.Fold]) -> [Double] {
        let blank = levelCount
        let codes = column.map { v -> Int in
            guard !v.isNaN, v >= 0, v < Float(levelCount) else { return blank }
            return Int(v)
        }
        var scores = [Double](repeating: 0, count: column.count)
        for fold in folds {
            var churned = [Int](repeating: 0, count: levelCount + 1), total = churned
            var allChurned = 0
            for row in fold.train {
                total[codes[row]] += 1
                if labels[row] {
                    churned[codes[row]] += 1
                    allChurned += 1
                }
            }
            let prior = Double(allChurned) / Double(max(1, fold.train.count))
            for row in fold.test {
                let code = codes[row]
                scores[row] = total[code] > 0 ? Double(churned[code]) / Double(total[code]) : prior
            }
        }
        return scores
    }

    /// A cell value as the user wrote it: `Plan = "basic"`, `calls = 12` or `Plan blank`.
    static func describe(_ value: Float, of feature: FeatureMatrix.Feature) -> String {
        if value.isNaN { return "\(feature.name) blank" }
        switch feature.kind {
        case .numeric:
            return "\(feature.name) = \(value.rounded() == value && abs(value) < 1e9 ? String(Int(value)) : String(value))"
        case .categorical(let levels):
            let code = Int(value)
            return "\(feature.name) = \"\(levels.indices.contains(code) ? levels[code] : String(value))\""
        }
    }
}
