/// A broken rule of the segment language, found on a value without knowing where it came from:
/// the parser turns ``path`` into a line and column, JSON decoding and
/// ``SegmentExpression/validate(knownSegments:)`` into a JSON path. Every rule lives in one place
/// (`SegmentRules.swift`), so the text form, the JSON form and built ASTs are held to the same ones.
struct SegmentRuleViolation: Sendable, Hashable {
    var reason: SegmentExpressionError.Reason
    /// Where, relative to the checked value's JSON object (`["value", 2]`: the list's third element).
    var path: [SegmentJSONPath.Component]
    /// The offending part in the text form.
    var token: String
    /// The message before and after ` at <location>`.
    var before: String
    var after: String

    init(_ reason: SegmentExpressionError.Reason, _ path: [SegmentJSONPath.Component], token: String, _ before: String, _ after: String = "") {
        self.reason = reason
        self.path = path
        self.token = token
        self.before = before
        self.after = after
    }

    /// The same violation, found inside a part of a larger value.
    func inside(_ prefix: [SegmentJSONPath.Component]) -> SegmentRuleViolation {
        var v = self
        v.path = prefix + path
        return v
    }

    func error(at location: SegmentExpressionError.Location, token: String? = nil) -> SegmentExpressionError {
        SegmentExpressionError(reason, at: location, token: token ?? self.token, before, after)
    }

    func error(atJSON base: SegmentJSONPath) -> SegmentExpressionError {
        error(at: .json(path: base.appending(path).description))
    }
}
