import Foundation

/// Why a customer table could not be read; each message says what to fix in the file or options.
public enum TableError: Error, Equatable, CustomStringConvertible {
    /// One distinct label value and how many rows hold it.
    public struct LabelCount: Sendable, Equatable {
        /// The cell text, spaces trimmed.
        public var value: String
        /// Rows with this label.
        public var count: Int

        public init(value: String, count: Int) {
            self.value = value
            self.count = count
        }
    }

    /// The most frequent label values of a column (at most ``LabelValues/shownLimit``), with the
    /// number of distinct values, to show the user what the column holds.
    public struct LabelValues: Sendable, Equatable {
        /// At most this many values are listed.
        public static let shownLimit = 10
        /// Most frequent first (ties by value).
        public var shown: [LabelCount]
        /// Distinct non-blank values in the column.
        public var distinct: Int

        public init(shown: [LabelCount], distinct: Int) {
            self.shown = shown
            self.distinct = distinct
        }

        /// Counts the trimmed non-blank `labels`.
        public init(counting labels: some Sequence<String>) {
            var counts: [String: Int] = [:]
            for label in labels where !label.isEmpty { counts[label, default: 0] += 1 }
            let sorted = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
            self.shown = sorted.prefix(Self.shownLimit).map { LabelCount(value: $0.key, count: $0.value) }
            self.distinct = counts.count
        }

        /// `"Existing Customer" (8500 rows), "Attrited Customer" (1627 rows)`, and how many more.
        public var listed: String {
            let items = shown.map { "\"\($0.value)\" (\($0.count) \($0.count == 1 ? "row" : "rows"))" }
            let more = distinct - shown.count
            return items.joined(separator: ", ") + (more > 0 ? " and \(more) more" : "")
        }
    }

    case emptyTable
    case malformedCSV(line: Int, reason: String)
    case missingColumn(String, available: [String])
    /// Every row's label is blank.
    case blankLabels(column: String)
    /// Without a positive label the column holds values other than yes/no, true/false and 1/0.
    case unrecognizedLabels(column: String, values: LabelValues)
    /// The positive label given never occurs in the label column.
    case positiveLabelNotFound(String, column: String, values: LabelValues)
    /// Every labelled row is churned (`churned == true`) or every one is retained.
    case singleClassLabel(column: String, churned: Bool, values: LabelValues)
    /// The leakage threshold is not a single-feature AUC above 0.5 and at most 1.
    case invalidLeakageThreshold(Double)
    /// Every feature column was excluded as leakage.
    case onlyLeakyFeatures([String])
    /// The model to save separates churned from retained customers perfectly in cross-validation
    /// (mean fold AUC 1.000 to three decimals), which real churn data does not.
    case perfectSeparation(model: String, auc: Double)
    /// A model to save was asked for but not fitted.
    case noFinalModel
    case noFeatures
    case learning(LearnError)

    public var description: String {
        switch self {
        case .emptyTable:
            "the table is empty; it needs a header row and at least one customer"
        case .malformedCSV(let line, let reason):
            "malformed CSV at line \(line): \(reason)"
        case .missingColumn(let name, let available):
            "there is no column \"\(name)\"; the columns are \(available.joined(separator: ", "))"
        case .blankLabels(let column):
            "every row's label in column \(column) is blank; the label column must say which customers churned"
        case .unrecognizedLabels(let column, let values):
            "label column \(column) holds values that are not yes/no, true/false or 1/0: \(values.listed); "
                + "pass --positive VALUE with the value that marks a churned customer (every other value counts as retained)"
        case .positiveLabelNotFound(let value, let column, let values):
            "no row of label column \(column) is \"\(value)\" (compared ignoring case and surrounding spaces); "
                + "its values are \(values.listed); pass one of them to --positive"
        case .singleClassLabel(let column, let churned, let values):
            "every labelled row of \(column) is \(churned ? "churned" : "retained") (its values are \(values.listed)); "
                + "the table needs both churned and retained customers"
                + (churned ? ", so --positive must name the churned value only" : "")
        case .invalidLeakageThreshold(let value):
            "the leakage threshold must be a single-feature AUC above 0.5 and at most 1 (1 turns the AUC rule off), got \(value)"
        case .onlyLeakyFeatures(let columns):
            "every feature column leaks the label (\(columns.joined(separator: ", "))); nothing is left to train on: "
                + "add the customers' real attributes, or pass --allow-leaky-features to keep them"
        case .perfectSeparation(let model, let auc):
            "refusing to save: the \(model) model separates churned from retained customers perfectly "
                + "(cross-validated AUC \(String(format: "%.3f", auc))), which real churn data does not; "
                + "a column probably records the outcome: leave it out with --exclude, "
                + "or pass --allow-leaky-features to save the model anyway"
        case .noFinalModel:
            "no model was fitted to save; train with fitFinalModel"
        case .noFeatures:
            "no feature columns are left after removing the label, id and excluded columns"
        case .learning(let error):
            error.description
        }
    }
}
