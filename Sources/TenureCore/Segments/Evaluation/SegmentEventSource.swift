/// The events one aggregate reads: an event name, its property filter and, for `sum`, the
/// property summed. Aggregates that differ only in function or window share a source, so the
/// store gathers each source's events once (see ``SegmentEventFacts``).
public struct SegmentEventSource: Sendable, Hashable, CustomStringConvertible {
    /// The event name, exact.
    public var event: String
    /// Every test must pass; empty for all events of that name.
    public var filter: [SegmentPropertyCondition]
    /// The numeric property summed; `nil` when only days are needed.
    public var property: String?

    public init(event: String, filter: [SegmentPropertyCondition] = [], property: String? = nil) {
        self.event = event
        self.filter = filter
        self.property = property
    }

    /// The source of an aggregate.
    public init(_ aggregate: SegmentEventAggregate) {
        var property: String?
        if case .sum(let p) = aggregate.function { property = p }
        self.init(event: aggregate.event, filter: aggregate.filter, property: property)
    }

    /// Whether the store must read the events' properties (a filter or a summed property).
    public var needsProperties: Bool { !filter.isEmpty || property != nil }

    /// Whether an event with these properties belongs to the source (`asOf` resolves relative
    /// dates in the filter).
    public func matches(properties: [String: JSONValue], asOf: Int32) -> Bool {
        filter.allSatisfy { $0.holds(properties: properties, asOf: asOf) }
    }

    /// The summed property's value in `properties`: a number or a numeric string, else NaN
    /// (the event then adds nothing to a sum). A dotted path adds every element it reaches.
    public func value(properties: [String: JSONValue]) -> Double {
        guard let property else { return .nan }
        if let v = properties[property] { return v.doubleValue ?? .nan }
        let path = property.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard path.count > 1 else { return .nan }
        let numbers = SegmentPropertyCondition.values(at: path[...], in: .object(properties)).compactMap(\.doubleValue)
        return numbers.isEmpty ? .nan : numbers.reduce(0, +)
    }

    public var description: String {
        var out = SegmentTextForm.quoted(event)
        if let property { out += " \(SegmentTextForm.name(property))" }
        if !filter.isEmpty { out += " where " + filter.map(\.description).joined(separator: " and ") }
        return out
    }
}
