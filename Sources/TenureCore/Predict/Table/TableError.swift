import Foundation

/// Why a customer table could not be read; each message says what to fix in the file or options.
public enum TableError: Error, Equatable, CustomStringConvertible {
    case emptyTable
    case malformedCSV(line: Int, reason: String)
    case missingColumn(String, available: [String])
    case unrecognizedLabel(value: String, column: String)
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
        case .unrecognizedLabel(let value, let column):
            "label \"\(value)\" in column \(column) is not a churn outcome; use Yes/No, 1/0 or true/false"
        case .noFeatures:
            "no feature columns are left after removing the label, id and excluded columns"
        case .learning(let error):
            error.description
        }
    }
}
