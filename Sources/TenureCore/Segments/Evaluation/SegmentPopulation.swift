/// Everything segments are evaluated over on one day: the customers (snapshot indices
/// `0..<customerCount`), their traits, computed metrics and the events of each source the
/// segments read. Built by the store from ``SegmentRequirements``; tests build one by hand.
public struct SegmentPopulation: Sendable {
    public var customerCount: Int
    /// The evaluation day (days since 1970-01-01 UTC).
    public var asOf: Int32
    public var traits: SegmentTraitTable
    public var metrics: SegmentMetricColumns?
    public var events: [SegmentEventSource: SegmentEventFacts]

    public init(
        customerCount: Int, asOf: Int32, traits: SegmentTraitTable? = nil, metrics: SegmentMetricColumns? = nil,
        events: [SegmentEventSource: SegmentEventFacts] = [:]
    ) {
        self.customerCount = customerCount
        self.asOf = asOf
        self.traits = traits ?? SegmentTraitTable(customerCount: customerCount, names: [])
        self.metrics = metrics
        self.events = events
    }

    /// What this population lacks to evaluate segments needing `requirements`.
    public func missing(_ requirements: SegmentRequirements) -> SegmentRequirements {
        var out = SegmentRequirements()
        out.traits = requirements.traits.subtracting(traits.names)
        out.metrics = requirements.metrics.filter { m in
            guard let metrics, metrics.asOf == asOf else { return true }
            return metrics.numbers[m] == nil && metrics.codes[m] == nil && metrics.unavailable[m] == nil
        }
        out.eventSources = requirements.eventSources.filter { events[$0] == nil }
        return out
    }

    /// Bytes held by the traits, metrics and event facts.
    public var memoryFootprint: Int {
        var bytes = metrics?.memoryFootprint ?? 0
        for column in traits.columns.values { bytes += column.codes.count * 4 + column.numbers.count * 8 }
        for facts in events.values { bytes += facts.memoryFootprint }
        return bytes
    }
}
