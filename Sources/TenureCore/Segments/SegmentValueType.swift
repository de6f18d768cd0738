/// The type of a value in a segment expression: what a metric or an event aggregate yields, and
/// what a literal is. Traits have no type of their own (the store keeps them as JSON): a trait
/// condition takes the type of the literal it is compared with.
public enum SegmentValueType: String, Sendable, Hashable, Codable, CaseIterable {
    /// Text, compared exactly (case-sensitive) or with `contains` / `starts with`.
    case string
    /// A finite double: counts, days, amounts in the account currency, probabilities.
    case number
    /// `true` or `false`.
    case boolean
    /// A UTC calendar day (no time of day).
    case date

    /// "a string", "a number", …: for messages.
    var withArticle: String {
        switch self {
        case .string: "a string"
        case .number: "a number"
        case .boolean: "a boolean"
        case .date: "a date"
        }
    }

    /// "strings", "numbers", …: for messages.
    var plural: String {
        switch self {
        case .string: "strings"
        case .number: "numbers"
        case .boolean: "booleans"
        case .date: "dates"
        }
    }
}
