/// Saved segments' members kept up to date as events arrive, without evaluating everyone again.
///
/// A customer's membership depends only on that customer's own traits, metrics and events, and
/// on their membership of the segments referred to; windows do not move within a day. So after
/// new events on the same day (same churn scores, no merges, same definitions) only the customers
/// whose data changed can change membership: those with new events, new customers, and those
/// whose metric values moved (an RFM quintile cut moves with a new purchase). A refresh patches
/// the population for them (``patchColumns(_:snapshot:scores:)``), evaluates every segment over
/// them alone, in dependency order (``evaluate(customers:threads:)``), and patches the previous
/// members (``patchMembers(_:)``). The result equals a full evaluation of the patched population
/// exactly; a new day, new scores, a merge or changed definitions need a new value instead
/// (``init(definitions:population:threads:)``).
public struct SegmentLiveMembership: Sendable {
    /// The segments, by name.
    public let definitions: [String: SegmentExpression]
    /// Everything the segments read, as of the last refresh.
    public private(set) var population: SegmentPopulation
    /// Members (snapshot indices) of every segment, by name.
    public private(set) var members: [String: SegmentMembers]
    /// Names in dependency order: each after the segments it refers to.
    private let order: [String]
    private let requirements: SegmentRequirements

    /// Evaluates every definition over `population` on up to `threads` cores.
    public init(definitions: [String: SegmentExpression], population: SegmentPopulation, threads: Int) throws(SegmentEvaluationError) {
        self.definitions = definitions
        self.population = population
        order = try Self.dependencyOrder(definitions)
        requirements = SegmentRequirements(definitions.values)
        members = try SegmentEvaluator.evaluateAll(definitions, population: population, threads: threads)
    }

    /// What one refresh did.
    public struct Refresh: Sendable {
        /// Customers evaluated again.
        public var customersEvaluated: Int
        /// Entries and exits per segment name (every segment is listed).
        public var changes: [String: SegmentMembershipChanges]
    }

    /// Takes `change` in and brings the members up to date: the three steps in one.
    public mutating func refresh(
        _ change: SegmentPopulationChange, snapshot: ActivitySnapshot, scores: CustomerScores?, threads: Int
    ) throws(SegmentEvaluationError) -> Refresh {
        let customers = patchColumns(change, snapshot: snapshot, scores: scores)
        let evaluated = try evaluate(customers: customers, threads: threads)
        return Refresh(customersEvaluated: customers.count, changes: patchMembers(evaluated))
    }

    /// Step 1: takes the new events' facts, the customers' traits and the snapshot's metrics in;
    /// returns the customers to evaluate again, ascending (see the type's note).
    public mutating func patchColumns(_ change: SegmentPopulationChange, snapshot: ActivitySnapshot, scores: CustomerScores?) -> [Int] {
        let old = population.customerCount
        let n = max(old, change.customerCount)
        var dirty = SegmentMembers(customerCount: n)
        for c in change.customers { dirty.insert(c) }
        for c in old..<n { dirty.insert(c) }
        population.customerCount = n
        population.traits.grow(to: n)
        for (c, traits) in change.traits where c >= 0 && c < n {
            population.traits.set(customer: c, traits: traits)
            dirty.insert(c)
        }
        for (source, facts) in change.events where population.events[source] != nil {
            population.events[source]!.append(contentsOf: facts)
        }
        if var metrics = population.metrics {
            population.metrics = nil  // no copy while it is written
            for c in metrics.refresh(customers: dirty.indices, snapshot: snapshot, scores: scores) { dirty.insert(c) }
            population.metrics = metrics
        }
        return dirty.indices
    }

    /// Step 2: every segment's members among `customers` (ascending), in dependency order.
    public func evaluate(customers: [Int], threads: Int) throws(SegmentEvaluationError) -> SegmentSubsetMembers {
        var evaluator = SegmentSubsetEvaluator(population: population, customers: customers, sources: requirements.eventSources, threads: threads)
        for name in order { _ = try evaluator.evaluate(name, definitions[name]!) }
        return SegmentSubsetMembers(customers: customers, members: evaluator.segments)
    }

    /// Step 3: writes `evaluated` into the members and returns who entered and who left.
    public mutating func patchMembers(_ evaluated: SegmentSubsetMembers) -> [String: SegmentMembershipChanges] {
        let n = population.customerCount
        var out: [String: SegmentMembershipChanges] = [:]
        for name in order {
            guard let local = evaluated.members[name] else { continue }
            var full = members[name] ?? SegmentMembers(customerCount: n)
            members[name] = nil  // no copy while it is written
            if full.customerCount != n { full = full.resized(to: n) }
            var changes = SegmentMembershipChanges()
            for (i, c) in evaluated.customers.enumerated() {
                let now = local.contains(i)
                guard now != full.contains(c) else { continue }
                if now {
                    full.insert(c)
                    changes.entered.append(c)
                } else {
                    full.remove(c)
                    changes.exited.append(c)
                }
            }
            members[name] = full
            out[name] = changes
        }
        return out
    }

    /// The definitions' names, each after the segments it refers to (alphabetical otherwise).
    static func dependencyOrder(_ definitions: [String: SegmentExpression]) throws(SegmentEvaluationError) -> [String] {
        var state: [String: Bool] = [:]  // false: in progress, true: done
        var path: [String] = [], order: [String] = []
        func visit(_ name: String) throws(SegmentEvaluationError) {
            if state[name] == true { return }
            guard let expression = definitions[name] else { throw .unknownSegment(name) }
            if state[name] == false { throw .cycle(path.drop { $0 != name } + [name]) }
            state[name] = false
            path.append(name)
            for dependency in SegmentRequirements(expression).segments.sorted() { try visit(dependency) }
            order.append(name)
            path.removeLast()
            state[name] = true
        }
        for name in definitions.keys.sorted() { try visit(name) }
        return order
    }
}
