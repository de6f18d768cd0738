/// What arrived since a ``SegmentPopulation`` was gathered, on the same evaluation day: the new
/// events (the facts of each source the population holds), the customers they belong to, new
/// customers, and the traits of those customers read again. ``SegmentLiveMembership`` takes it in
/// and re-evaluates only the customers it touches.
public struct SegmentPopulationChange: Sendable {
    /// The customer count now; customers past the previous count are new.
    public var customerCount: Int
    /// Snapshot indices of the customers with new events (any event, in any order; repeats allowed).
    public var customers: [Int]
    /// Per event source, the facts of the new events only, in arrival order.
    public var events: [SegmentEventSource: SegmentEventFacts]
    /// The traits of customers read again (an `identify` may have changed them), keyed by snapshot
    /// index; held names absent from a customer's dictionary become unset.
    public var traits: [Int: [String: JSONValue]]

    public init(
        customerCount: Int, customers: [Int] = [], events: [SegmentEventSource: SegmentEventFacts] = [:],
        traits: [Int: [String: JSONValue]] = [:]
    ) {
        self.customerCount = customerCount
        self.customers = customers
        self.events = events
        self.traits = traits
    }
}
