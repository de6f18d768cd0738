/// One test of an event property in an aggregate's `where` filter: `category = "tea"`,
/// `price > 5`, `coupon exists`. Like a trait, a property takes the type of its literal.
public struct SegmentPropertyCondition: Sendable, Hashable, CustomStringConvertible {
    /// The property name, exact (case-sensitive).
    public var property: String
    /// The test of the property's value.
    public var predicate: SegmentPredicate

    /// A property test; nothing is checked until ``SegmentExpression/validate(knownSegments:)``.
    public init(_ property: String, _ predicate: SegmentPredicate) {
        self.property = property
        self.predicate = predicate
    }

    /// `category = "tea"`; the name is quoted unless it is a plain word.
    public var description: String { "\(SegmentTextForm.name(property)) \(predicate)" }
}

/// JSON: `{"property": "category", "op": "=", "value": "tea"}`.
extension SegmentPropertyCondition: Codable {
    public init(from decoder: any Decoder) throws {
        let object = try SegmentJSONObject(decoder, what: #"a property test such as {"property": "category", "op": "=", "value": "tea"}"#)
        try object.allowOnly(["property", "op", "value"])
        self.init(try object.string("property"), try SegmentPredicate(object: object))
        if let v = violation() { throw v.error(atJSON: object.path) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: SegmentJSONKey.self)
        try c.encode(property, forKey: SegmentJSONKey("property"))
        try predicate.encode(to: encoder)
    }
}
