import Foundation

/// Why an uplift model could not be trained or applied, or a Qini curve drawn; each message says
/// what to change.
public enum UpliftModelError: Error, Equatable, CustomStringConvertible {
    /// An array that needs one entry per row (customer) has another length.
    case countMismatch(rows: Int, of: String, count: Int)
    /// No row is marked as treated, so the treated model has nothing to learn from.
    case noTreatedCustomers
    /// No row is marked as control (held out), so the control model has nothing to learn from.
    case noControlCustomers
    /// A score is NaN or infinite.
    case nonFiniteScore(row: Int)
    /// One of the two boosted-tree models failed.
    case model(LearnError)

    public var description: String {
        switch self {
        case .countMismatch(let rows, let name, let count):
            "there are \(rows) customers but \(count) \(name); give exactly one per customer"
        case .noTreatedCustomers:
            "no customer received the journey; an uplift model needs treated and control customers"
        case .noControlCustomers:
            "no customer was held out; an uplift model needs a control group (a holdout share above 0)"
        case .nonFiniteScore(let row):
            "the score of customer row \(row) is not a finite number; score every customer with a finite value"
        case .model(let error):
            error.description
        }
    }
}
