import Foundation

/// The JSON form: each node is one object.
/// - `{"and": [e, e, …]}`, `{"or": [e, e, …]}`: two or more expressions;
/// - `{"not": e}`;
/// - `{"in_segment": "VIP"}`;
/// - a condition (``SegmentCondition``): `{"metric": "churn_risk", "op": ">=", "value": 0.6}`,
///   `{"trait": "plan", "op": "=", "value": "free"}`,
///   `{"event": {"count": "Order Completed", "window": {"last_days": 90}}, "op": ">=", "value": 2}`.
///
/// Decoding applies every rule of the text form (types, names, windows, limits) and throws a
/// ``SegmentExpressionError`` whose location is the JSON path of the offending part
/// (`$.and[1].value`); unknown keys are refused. Only references to other segments are left
/// unchecked (see ``validate(knownSegments:)``).
extension SegmentExpression: Codable {
    public init(from decoder: any Decoder) throws {
        self = try Self.decode(decoder, depth: 0)
        let length = description.unicodeScalars.count
        guard length <= SegmentExpressionLimits.maximumTextLength else {
            throw Self.tooLongError(length, at: .json(path: SegmentJSONPath(decoder.codingPath).description))
        }
    }

    /// Decodes one node with `depth` compound ancestors, children through `superDecoder` so the
    /// depth limit is known before recursing.
    private static func decode(_ decoder: any Decoder, depth: Int) throws(SegmentExpressionError) -> SegmentExpression {
        let object = try SegmentJSONObject(
            decoder, what: #"an expression: {"and": […]}, {"or": […]}, {"not": …}, {"in_segment": "…"} or a condition"#)
        let forms = ["and", "or", "not", "in_segment"].filter(object.has)
        guard let form = forms.first else { return .condition(try SegmentCondition(object: object)) }
        try object.allowOnly([form])
        if form != "in_segment", depth >= SegmentExpressionLimits.maximumDepth {
            throw depthError(at: .json(path: object.path.description), token: form)
        }
        switch form {
        case "and", "or":
            let listPath = object.path.appending([.key(form)])
            var list = try object.array(form)
            var items: [SegmentExpression] = []
            while !list.isAtEnd {
                items.append(try decode(list.nextElement(in: listPath), depth: depth + 1))
            }
            let node: SegmentExpression = form == "and" ? .and(items) : .or(items)
            if let v = node.nodeViolation() { throw v.error(atJSON: object.path) }
            return node
        case "not":
            return .not(try decode(object.decoder("not"), depth: depth + 1))
        default:
            let node = SegmentExpression.inSegment(try object.string("in_segment"))
            if let v = node.nodeViolation() { throw v.error(atJSON: object.path) }
            return node
        }
    }

    /// Decodes the JSON form from bytes, turning malformed JSON into an error at `$`.
    public init(json: some Sequence<UInt8>) throws(SegmentExpressionError) {
        let data = Data(json)
        do {
            self = try JSONDecoder().decode(SegmentExpression.self, from: data)
        } catch let error as SegmentExpressionError {
            throw error
        } catch {
            throw SegmentExpressionError(.invalidJSON, at: .json(path: "$"), token: "", "malformed JSON", ": \(error.localizedDescription)")
        }
    }

    /// The JSON form as compact UTF-8 with sorted keys.
    public func jsonData() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every value is a string, a finite double, a boolean or an integer: encoding cannot fail.
        return (try? encoder.encode(self)) ?? Data("{}".utf8)
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .and(let items):
            var c = encoder.container(keyedBy: SegmentJSONKey.self)
            try c.encode(items, forKey: SegmentJSONKey("and"))
        case .or(let items):
            var c = encoder.container(keyedBy: SegmentJSONKey.self)
            try c.encode(items, forKey: SegmentJSONKey("or"))
        case .not(let inner):
            var c = encoder.container(keyedBy: SegmentJSONKey.self)
            try c.encode(inner, forKey: SegmentJSONKey("not"))
        case .condition(let condition):
            try condition.encode(to: encoder)
        case .inSegment(let name):
            var c = encoder.container(keyedBy: SegmentJSONKey.self)
            try c.encode(name, forKey: SegmentJSONKey("in_segment"))
        }
    }

    static func depthError(at location: SegmentExpressionError.Location, token: String) -> SegmentExpressionError {
        SegmentExpressionError(
            .limitExceeded, at: location, token: token, "\(SegmentTextForm.quoted(token))",
            ": expressions nest at most \(SegmentExpressionLimits.maximumDepth) levels of and / or / not")
    }

    static func tooLongError(_ length: Int, at location: SegmentExpressionError.Location) -> SegmentExpressionError {
        SegmentExpressionError(
            .limitExceeded, at: location, token: "", "expression of \(length) characters",
            ": the text form is limited to \(SegmentExpressionLimits.maximumTextLength) characters")
    }
}
