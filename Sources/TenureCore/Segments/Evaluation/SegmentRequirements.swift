/// What evaluating some segments needs: the traits, metrics and event sources their conditions
/// read, and the segments they refer to. The store gathers exactly these (see
/// ``SegmentPopulation``), so a segment on `churn_risk` alone reads no event properties.
public struct SegmentRequirements: Sendable, Hashable {
    public var traits: Set<String> = []
    public var metrics: Set<SegmentMetric> = []
    public var eventSources: Set<SegmentEventSource> = []
    /// Segments referred to with `in segment`.
    public var segments: Set<String> = []

    public init() {}

    /// The needs of `expression`.
    public init(_ expression: SegmentExpression) {
        add(expression)
    }

    /// The needs of all `expressions`.
    public init(_ expressions: some Sequence<SegmentExpression>) {
        for e in expressions { add(e) }
    }

    public mutating func add(_ expression: SegmentExpression) {
        switch expression {
        case .and(let items), .or(let items): for item in items { add(item) }
        case .not(let inner): add(inner)
        case .inSegment(let name): segments.insert(name)
        case .condition(let c):
            switch c.operand {
            case .trait(let name): traits.insert(name)
            case .metric(let m): metrics.insert(m)
            case .event(let a): eventSources.insert(SegmentEventSource(a))
            }
        }
    }

    /// Whether any window or relative date depends on the evaluation day, so that membership can
    /// change with time alone (`last 30 days`, `30 days ago`, `recency`); every event aggregate
    /// and most metrics do.
    public var dependsOnDay: Bool { !eventSources.isEmpty || !metrics.isEmpty }
}
