/// Why a BTYD model could not be fitted or evaluated. Messages say what to fix.
public enum BTYDError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No customers (or only zero weights) were given.
    case emptyData
    /// Input arrays have different lengths.
    case mismatchedLengths(String)
    /// A customer row is invalid (negative frequency, recency beyond age, non-finite value, …).
    case invalidRow(index: Int, reason: String)
    /// Nobody made a repeat purchase, so purchase rates and dropout cannot be separated.
    case noRepeatBuyers(customers: Double)
    /// The likelihood could not be evaluated at any starting point.
    case likelihoodNotFinite(String)
    /// An argument other than the customer rows is invalid (time unit, period ends, …).
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .emptyData:
            "no customers to fit: pass at least one customer with a positive weight"
        case .mismatchedLengths(let detail):
            "input arrays must have one entry per customer: \(detail)"
        case .invalidRow(let index, let reason):
            "customer row \(index) is invalid: \(reason)"
        case .noRepeatBuyers(let customers):
            "none of the \(Self.format(customers)) customers made a repeat purchase; the model cannot separate "
                + "purchase rate from dropout. Use a longer observation period or check that frequency counts "
                + "repeat purchases (purchases on distinct periods minus one)"
        case .likelihoodNotFinite(let detail):
            "the log-likelihood is not finite at any starting point (\(detail)); check for extreme values "
                + "(recency/age in a very different time unit than expected?)"
        case .invalidArgument(let detail):
            detail
        }
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
