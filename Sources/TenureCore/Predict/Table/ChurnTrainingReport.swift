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

    public struct LeakageWarning: Sendable, Codable, Equatable {
        public var column: String
        /// max(AUC, 1 − AUC) of the column alone.
        public var singleColumnAUC: Double
        public var message: String
    }

    public var rows: Int
    public var churned: Int
    public var droppedRowsWithoutLabel: Int
    public var columns: [Column]
    public var leakageWarnings: [LeakageWarning]
    public var folds: Int
    public var seed: UInt64
    public var logisticRegression: ModelEvaluation
    public var boostedTrees: ModelEvaluation
    /// The model with the higher mean fold AUC.
    public var betterModel: String
    /// The better model refitted on all rows (when requested).
    public var finalModel: ChurnModel?
}
