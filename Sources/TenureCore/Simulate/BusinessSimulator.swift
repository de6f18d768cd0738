import Foundation

/// Generates a realistic business — customers signing up, browsing, buying, subscribing, answering
/// surveys, complaining and leaving — as a stream of tracking `Message`s with the ground truth
/// behind them. The same configuration (seed included) always gives the same messages.
///
/// Purchases follow the BTYD story so that BG/NBD, Pareto/NBD and Gamma-Gamma fit it: a latent
/// rate λ ~ Gamma(r, α) per customer, Poisson purchases while alive (a Gamma renewal process around
/// the same rate for replenishers), dropout per the profile's `DropoutModel`, and Gamma-Gamma order
/// values. Engagement, survey scores and complaints change in the weeks before dropout.
///
/// Customers are generated one at a time and never held together, so a run of a million customers
/// uses the memory of one; each customer has its own random stream, so chunks of a run can be
/// generated in parallel with `customer(at:)` or `forEachCustomer(in:_:)` and give the same result.
///
/// ```swift
/// let simulator = try BusinessSimulator(configuration)
/// let summary = try simulator.forEachCustomer { customer in
///     try store.append(customer.messages)
///     truth.append(customer.truth.csvRow)
/// }
/// ```
public struct BusinessSimulator: Sendable, Sequence {
    public let configuration: SimulationConfiguration
    let world: SimulationWorld

    /// Throws `SimulationError.invalid` when the configuration cannot be simulated.
    public init(_ configuration: SimulationConfiguration) throws(SimulationError) {
        try configuration.validate()
        self.configuration = configuration
        self.world = SimulationWorld(configuration: configuration)
    }

    /// The first moment of the simulated period; `configuration.end` is the last (exclusive).
    public var start: Date { configuration.start }

    /// Customer number `index` (0-based, in signup order), generated on its own.
    public func customer(at index: Int) -> SimulatedCustomer {
        precondition(index >= 0 && index < configuration.customers, "customer index \(index) is outside 0..<\(configuration.customers)")
        var generator = CustomerGenerator(world: world)
        let truth = generator.generate(index: index)
        return SimulatedCustomer(truth: truth, messages: generator.messages, tally: generator.tally)
    }

    /// Generates the customers in `range` (all of them by default) in signup order, hands each to
    /// `body`, and returns the counts of what was generated. Memory stays at one customer's worth
    /// unless `body` keeps them.
    @discardableResult
    public func forEachCustomer<E: Error>(
        in range: Range<Int>? = nil, _ body: (SimulatedCustomer) throws(E) -> Void
    ) throws(E) -> SimulationSummary {
        let range = range ?? 0..<configuration.customers
        precondition(range.lowerBound >= 0 && range.upperBound <= configuration.customers, "customer range \(range) is outside 0..<\(configuration.customers)")
        var generator = CustomerGenerator(world: world)
        var summary = SimulationSummary()
        for index in range {
            let truth = generator.generate(index: index)
            let customer = SimulatedCustomer(truth: truth, messages: generator.messages, tally: generator.tally)
            summary.add(customer)
            try body(customer)
        }
        return summary
    }

    public func makeIterator() -> Iterator { Iterator(generator: CustomerGenerator(world: world), count: configuration.customers) }

    public var underestimatedCount: Int { configuration.customers }

    /// Yields the customers in signup order.
    public struct Iterator: IteratorProtocol {
        var generator: CustomerGenerator
        let count: Int
        var position = 0

        public mutating func next() -> SimulatedCustomer? {
            guard position < count else { return nil }
            let truth = generator.generate(index: position)
            position += 1
            return SimulatedCustomer(truth: truth, messages: generator.messages, tally: generator.tally)
        }
    }
}
