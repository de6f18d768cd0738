/// One test of one customer value: `churn_risk >= 0.6`, `trait("plan") = "free"`,
/// `count("Order Completed", last 90 days) >= 2`. Valid conditions are well typed: the literal's
/// type is the operand's, and the operator applies to it (see `SegmentRules.swift`).
public struct SegmentCondition: Sendable, Hashable, CustomStringConvertible {
    /// The value tested.
    public var operand: SegmentOperand
    /// The test.
    public var predicate: SegmentPredicate

    /// A condition; nothing is checked until ``SegmentExpression/validate(knownSegments:)``.
    public init(_ operand: SegmentOperand, _ predicate: SegmentPredicate) {
        self.operand = operand
        self.predicate = predicate
    }

    /// The type the operand is compared as: the operand's, or for a trait its literal's;
    /// `nil` for `trait(…) exists` / `missing`.
    public var comparedType: SegmentValueType? { operand.valueType ?? predicate.valueType }

    public var description: String { "\(operand) \(predicate)" }
}

/// JSON: one object holding the operand and the test,
/// `{"metric": "churn_risk", "op": ">=", "value": 0.6}`,
/// `{"trait": "plan", "op": "exists"}`,
/// `{"event": {"count": "Order Completed", "window": {"last_days": 90}}, "op": ">=", "value": 2}`.
extension SegmentCondition: Codable {
    public init(from decoder: any Decoder) throws {
        let object = try SegmentJSONObject(decoder, what: "a condition")
        try self.init(object: object)
    }

    init(object: SegmentJSONObject) throws(SegmentExpressionError) {
        try object.allowOnly(SegmentOperand.jsonKeys + ["op", "value"])
        self.init(try SegmentOperand(object: object), try SegmentPredicate(object: object))
        if let v = violation() { throw v.error(atJSON: object.path) }
    }

    public func encode(to encoder: any Encoder) throws {
        try operand.encode(to: encoder)
        try predicate.encode(to: encoder)
    }
}
