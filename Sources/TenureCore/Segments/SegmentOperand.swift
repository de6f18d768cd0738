/// What a condition tests: a trait, a metric or an event aggregate.
public enum SegmentOperand: Sendable, Hashable, CustomStringConvertible {
    /// A customer trait by its exact name, `trait("plan")`. Untyped: the condition's literal
    /// says how to read it (`trait("age") > 30` reads it as a number).
    case trait(String)
    /// A computed metric, `churn_risk`.
    case metric(SegmentMetric)
    /// An event aggregate, `count("Order Completed", last 90 days)`.
    case event(SegmentEventAggregate)

    /// The operand's own type; `nil` for a trait.
    public var valueType: SegmentValueType? {
        switch self {
        case .trait: nil
        case .metric(let m): m.valueType
        case .event(let a): a.valueType
        }
    }

    public var description: String {
        switch self {
        case .trait(let name): "trait(\(SegmentTextForm.quoted(name)))"
        case .metric(let m): m.name
        case .event(let a): a.description
        }
    }

    /// How messages name it: `churn_risk`, `trait("plan")`, `count(...)`.
    var subject: String {
        switch self {
        case .trait, .metric: SegmentTextForm.abbreviated(description)
        case .event(let a): "\(a.function.name)(...)"
        }
    }

    static let jsonKeys = ["metric", "trait", "event"]
}

/// JSON: `{"metric": "churn_risk"}`, `{"trait": "plan"}` or `{"event": {aggregate}}`, as keys of
/// the condition object they belong to.
extension SegmentOperand: Codable {
    public init(from decoder: any Decoder) throws {
        let object = try SegmentJSONObject(decoder, what: "an operand")
        try object.allowOnly(Self.jsonKeys)
        try self.init(object: object)
        if let v = violation() { throw v.error(atJSON: object.path) }
    }

    /// Reads the operand key of `object` (other keys are the caller's).
    init(object: SegmentJSONObject) throws(SegmentExpressionError) {
        let present = Self.jsonKeys.filter(object.has)
        guard present.count == 1, let key = present.first else {
            throw SegmentJSONObject.error(
                .invalidJSON, at: object.path, token: present.dropFirst().first ?? "",
                present.isEmpty ? #"a condition needs "metric", "trait" or "event""# : "a condition tests one operand",
                present.isEmpty ? "" : ", not \(SegmentTextForm.list(present))")
        }
        switch key {
        case "metric":
            let name = try object.string("metric")
            guard let metric = SegmentMetric(rawValue: name) else {
                let hint =
                    SegmentNameSuggestion.closest(to: name, among: SegmentMetric.names).map { "; did you mean \(SegmentTextForm.quoted($0))?" }
                    ?? "; the metrics are \(SegmentTextForm.list(SegmentMetric.names))"
                throw SegmentJSONObject.error(
                    .unknownMetric, at: object.path.appending(["metric"]), token: name, "unknown metric \(SegmentTextForm.quoted(name))", hint)
            }
            self = .metric(metric)
        case "trait":
            self = .trait(try object.string("trait"))
        default:
            do {
                self = .event(try SegmentEventAggregate(from: object.decoder("event")))
            } catch let error as SegmentExpressionError {
                throw error
            } catch {
                throw SegmentJSONObject.error(.invalidJSON, at: object.path.appending(["event"]), token: "event", "expected an event aggregate")
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: SegmentJSONKey.self)
        switch self {
        case .trait(let name): try c.encode(name, forKey: SegmentJSONKey("trait"))
        case .metric(let m): try c.encode(m.name, forKey: SegmentJSONKey("metric"))
        case .event(let a): try c.encode(a, forKey: SegmentJSONKey("event"))
        }
    }
}
