/// Why a segment expression was refused, and where: a line and column of the text form, or a path
/// into the JSON form. The ``message`` names the offending token and says what to write instead,
/// for example `unknown metric "churn_rsk" at 1:5; did you mean "churn_risk"?`.
public struct SegmentExpressionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem, for callers that react to some of them (an editor underlining unknown
    /// names, an API mapping limits to 413).
    public enum Reason: String, Sendable, Hashable, Codable, CaseIterable {
        /// A character that starts no token (`#`, a curly quote, a control character).
        case unexpectedCharacter
        /// A string literal without its closing `"` on the same line.
        case unterminatedString
        /// A `\` escape other than `\"`, `\\`, `\n`, `\t`, `\r`, `\u{…}`.
        case invalidEscape
        /// A malformed or non-finite number (`5.`, `1e`, `1e999`, `90days`).
        case invalidNumber
        /// A malformed or impossible date (`2026-13-01`, `2026-02-30`), or one outside 0001…9999.
        case invalidDate
        /// A token where the grammar expects something else.
        case unexpectedToken
        /// The text ends where the grammar expects more.
        case unexpectedEnd
        /// A name that is not a metric.
        case unknownMetric
        /// A name followed by `(` that is not a function (`trait`, `count`, `sum`, `first_time`, `last_time`).
        case unknownFunction
        /// A value a categorical metric never takes (an RFM segment or lifecycle state that does not exist).
        case unknownValue
        /// A segment name that is not among the caller's known segments.
        case unknownSegment
        /// A value of the wrong type (a string compared with a number metric, a number with a date).
        case typeMismatch
        /// An operator that does not apply (`<` on strings, `contains` on a number, `exists` on a metric).
        case invalidOperator
        /// A window outside 1…3650 days, or one whose start is after its end.
        case invalidWindow
        /// A value outside what its place allows: an empty name, a number outside a metric's range,
        /// an empty list, a mixed list, fewer than two operands of `and` / `or`.
        case invalidValue
        /// A hard limit: text length, nesting depth, list length, name or string length.
        case limitExceeded
        /// The JSON form has the wrong shape: not an object, a missing or unknown key, a wrong JSON type.
        case invalidJSON
    }

    /// Where the problem is.
    public enum Location: Sendable, Hashable, CustomStringConvertible {
        /// In the text form: 1-based line, and 1-based column counted in characters as the user
        /// sees them (grapheme clusters; a tab is one). One past the last character for a problem
        /// at the end of the text.
        case text(line: Int, column: Int)
        /// In the JSON form, as a path from the document root: `$.and[1].value`.
        case json(path: String)

        /// `3:14` or `$.and[1].value`.
        public var description: String {
            switch self {
            case .text(let line, let column): "\(line):\(column)"
            case .json(let path): path
            }
        }
    }

    /// The kind of problem.
    public var reason: Reason
    /// Where it is.
    public var location: Location
    /// The offending token as written in the text (or as printed, for the JSON form and for
    /// ``SegmentExpression/validate(knownSegments:)``); empty at the end of the text.
    public var token: String
    /// The whole message, location included.
    public var message: String

    /// An error with a message written by the caller (which should name `location` and `token`).
    public init(reason: Reason, location: Location, token: String, message: String) {
        self.reason = reason
        self.location = location
        self.token = token
        self.message = message
    }

    /// The text form's 1-based line, `nil` for a JSON-form error.
    public var line: Int? {
        if case .text(let line, _) = location { return line }
        return nil
    }

    /// The text form's 1-based column (in characters), `nil` for a JSON-form error.
    public var column: Int? {
        if case .text(_, let column) = location { return column }
        return nil
    }

    /// The JSON form's path (`$.and[1].value`), `nil` for a text-form error.
    public var jsonPath: String? {
        if case .json(let path) = location { return path }
        return nil
    }

    public var description: String { message }

    /// An error whose message reads `<before> at <location><after>`.
    init(_ reason: Reason, at location: Location, token: String, _ before: String, _ after: String = "") {
        self.init(reason: reason, location: location, token: token, message: "\(before) at \(location)\(after)")
    }
}
