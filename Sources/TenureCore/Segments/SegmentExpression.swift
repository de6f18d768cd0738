/// Who belongs to a segment: a boolean expression over customer traits, computed metrics, event
/// aggregates and other segments, in one typed AST with a text form for people and a JSON form
/// for the API.
///
/// Text form (``SegmentExpressionParser``, printed by ``description``):
/// ```
/// rfm in ["At risk", "Can't lose them"] and churn_risk >= 0.6 and clv_52w > 100
///   and count("Order Completed", last 90 days) >= 2 and not trait("plan") = "free"
/// ```
/// JSON form (`Codable`): `{"and": [{"metric": "rfm", "op": "in", "value": ["At risk", "Can't lose
/// them"]}, {"metric": "churn_risk", "op": ">=", "value": 0.6}, …, {"not": {"trait": "plan",
/// "op": "=", "value": "free"}}]}`.
///
/// **Semantics**, for a customer on the evaluation day (the segment's "as of" day):
/// - a condition on a value the customer lacks (a trait not set, a metric not computed for
///   them, the first/last time of an event they never did in the window) is false, whatever the
///   operator, `!=` included; `not` makes it true;
/// - a trait or property compared with a number holds only when its value is a number (or a
///   numeric string); with a date, only when it is an ISO 8601 date or timestamp (its UTC day);
///   with a boolean, only when it is a JSON boolean;
/// - windows and relative dates count back from the evaluation day (see ``SegmentWindow``);
/// - `in segment "name"` holds for the members of that segment, evaluated on the same day.
///
/// Valid expressions satisfy the rules of ``validate(knownSegments:)``, which parsing and JSON
/// decoding apply; for them `parse(e.description) == e` and JSON round-trips exactly.
public indirect enum SegmentExpression: Sendable, Hashable {
    /// All of two or more expressions.
    case and([SegmentExpression])
    /// Any of two or more expressions.
    case or([SegmentExpression])
    /// The opposite of an expression.
    case not(SegmentExpression)
    /// One test of one value.
    case condition(SegmentCondition)
    /// Membership of another segment, by its exact name.
    case inSegment(String)

    /// Parses the text form; see ``SegmentExpressionParser/parse(_:knownSegments:)``.
    public init(parsing text: String, knownSegments: Set<String>? = nil) throws(SegmentExpressionError) {
        self = try SegmentExpressionParser.parse(text, knownSegments: knownSegments)
    }

    /// Whether this node is an `and`, `or` or `not`: what counts toward
    /// ``SegmentExpressionLimits/maximumDepth``.
    var isCompound: Bool {
        switch self {
        case .and, .or, .not: true
        case .condition, .inSegment: false
        }
    }
}
