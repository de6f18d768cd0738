import Foundation

/// Cross-validated quality of one model kind.
public struct ModelEvaluation: Sendable, Codable, Equatable {
    /// `logistic-regression` or `boosted-trees`.
    public var name: String
    /// Test-fold ROC AUC of each fold.
    public var foldAUCs: [Double]
    /// Mean of `foldAUCs` (as scikit-learn's `cross_val_score`).
    public var meanAUC: Double
    /// Standard deviation of `foldAUCs`.
    public var stdAUC: Double
    /// Metrics of the pooled out-of-fold predictions (every customer scored by the model that did not see it).
    public var outOfFold: ClassificationReport

    public init(name: String, foldAUCs: [Double], outOfFold: ClassificationReport) {
        self.name = name
        self.foldAUCs = foldAUCs
        let mean = foldAUCs.reduce(0, +) / Double(max(1, foldAUCs.count))
        self.meanAUC = mean
        self.stdAUC = (foldAUCs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(1, foldAUCs.count))).squareRoot()
        self.outOfFold = outOfFold
    }
}

/// What `tenure model train --table` reports.
public struct ChurnTrainingReport: Sendable, Codable, Equatable {
    public struct Column: Sendable, Codable, Equatable {
        public var name: String
        /// `numeric` or `categorical`.
        public var kind: String
        public var levels: Int?
        /// Blank cells.
        public var missing: Int
    }

    /// A column that leaks the label (see ``ChurnTableTraining/leakyColumns(_:labels:folds:threshold:)``).
    public struct LeakyColumn: Sendable, Codable, Equatable {
        public enum Reason: String, Sendable, Codable, Equatable {
            /// All churned customers share one value of the column and all retained ones another.
            case determinedByLabel = "determined-by-label"
            /// The column alone has a single-feature AUC above the leakage threshold.
            case singleFeatureAUC = "single-feature-auc"
        }

        public var column: String
        public var reason: Reason
        /// max(AUC, 1 − AUC) of the column alone.
        public var singleColumnAUC: Double
        /// What was found, naming the column.
        public var message: String
    }

    public var rows: Int
    public var churned: Int
    public var droppedRowsWithoutLabel: Int
    /// The feature columns the models were trained on.
    public var columns: [Column]
    /// Leaky columns left out of the models (empty when leaky features are allowed).
    public var excludedLeakyColumns: [LeakyColumn]
    /// Leaky columns kept as features because leaky features were allowed.
    public var leakageWarnings: [LeakyColumn]
    /// The single-feature AUC above which a column counted as leakage.
    public var leakageThreshold: Double
    public var folds: Int
    public var seed: UInt64
    public var logisticRegression: ModelEvaluation
    public var boostedTrees: ModelEvaluation
    /// The model with the higher mean fold AUC.
    public var betterModel: String
    /// The better model's mean fold AUC rounds to 1.000: its features separate churned from
    /// retained customers perfectly, which real churn data does not, so it is not fitted to be
    /// saved unless leaky features were allowed.
    public var perfectSeparation: Bool
    /// The better model refitted on all rows (when requested and not refused).
    public var finalModel: ChurnModel?

    /// The evaluation of ``betterModel``.
    public var better: ModelEvaluation { betterModel == boostedTrees.name ? boostedTrees : logisticRegression }

    /// The model to save: ``finalModel``, or why there is none (``TableError/perfectSeparation(model:auc:)``
    /// when it was refused).
    public func modelToSave() throws(TableError) -> ChurnModel {
        if let finalModel { return finalModel }
        if perfectSeparation { throw .perfectSeparation(model: betterModel, auc: better.meanAUC) }
        throw .noFinalModel
    }

    /// Whether `auc` shows as 1.000 to three decimals.
    static func roundsToPerfectAUC(_ auc: Double) -> Bool {
        (auc * 1000).rounded() >= 1000
    }
}
