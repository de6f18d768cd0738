import Foundation

/// Why a model could not be trained or applied; each message says what to change.
public enum LearnError: Error, Equatable, CustomStringConvertible {
    /// The training table has no rows.
    case emptyTrainingSet
    /// The number of labels differs from the number of rows.
    case labelCountMismatch(rows: Int, labels: Int)
    /// All labels are the same, so there is nothing to learn.
    case singleClass(positives: Int, rows: Int)
    /// The matrix to score has different columns than the model was trained on.
    case featureMismatch(expected: [String], got: [String])
    /// A hyper-parameter is out of range.
    case invalidOption(String)
    /// There are fewer rows of one class than folds.
    case tooFewRowsForFolds(folds: Int, minorityCount: Int)

    public var description: String {
        switch self {
        case .emptyTrainingSet:
            "the training table has no rows; supply at least one customer per class"
        case .labelCountMismatch(let rows, let labels):
            "the table has \(rows) rows but \(labels) labels; give exactly one label per row"
        case .singleClass(let positives, let rows):
            "all \(rows) labels are \(positives == 0 ? "negative" : "positive"); the table needs both churned and retained customers"
        case .featureMismatch(let expected, let got):
            "the model was trained on columns \(expected) but was given \(got); score a table with the training columns"
        case .invalidOption(let message):
            message
        case .tooFewRowsForFolds(let folds, let minorityCount):
            "\(folds)-fold cross-validation needs at least \(folds) rows of each class, but the smaller class has \(minorityCount); use fewer folds"
        }
    }

    static func validate(_ x: FeatureMatrix, labels: [Bool]) throws(LearnError) {
        guard x.rowCount > 0 else { throw .emptyTrainingSet }
        guard labels.count == x.rowCount else { throw .labelCountMismatch(rows: x.rowCount, labels: labels.count) }
        let positives = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard positives > 0, positives < labels.count else { throw .singleClass(positives: positives, rows: labels.count) }
    }

    static func checkFeatures(_ expected: [FeatureMatrix.Feature], _ got: [FeatureMatrix.Feature]) throws(LearnError) {
        guard expected.map(\.name) == got.map(\.name), expected.count == got.count else {
            throw .featureMismatch(expected: expected.map(\.name), got: got.map(\.name))
        }
    }
}
