/// A comparison operator, written as in the text form (`=`, `!=`, `<`, `<=`, `>`, `>=`; `==` is
/// read as `=`). Strings and booleans take only `=` and `!=`; numbers and dates take all six.
public enum SegmentComparison: String, Sendable, Hashable, Codable, CaseIterable {
    /// `=` (also written `==`).
    case equal = "="
    /// `!=`.
    case notEqual = "!="
    /// `<`: earlier, for dates.
    case less = "<"
    /// `<=`.
    case lessOrEqual = "<="
    /// `>`: later, for dates.
    case greater = ">"
    /// `>=`.
    case greaterOrEqual = ">="

    /// `<`, `<=`, `>` or `>=`: needs an ordered type (number or date).
    public var isOrdering: Bool {
        switch self {
        case .equal, .notEqual: false
        case .less, .lessOrEqual, .greater, .greaterOrEqual: true
        }
    }

    /// Whether `lhs op rhs` holds, for numbers and for day numbers alike.
    public func holds<T: Comparable>(_ lhs: T, _ rhs: T) -> Bool {
        switch self {
        case .equal: lhs == rhs
        case .notEqual: lhs != rhs
        case .less: lhs < rhs
        case .lessOrEqual: lhs <= rhs
        case .greater: lhs > rhs
        case .greaterOrEqual: lhs >= rhs
        }
    }
}
