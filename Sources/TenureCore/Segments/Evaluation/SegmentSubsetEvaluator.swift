import Dispatch
import Synchronization

/// Evaluates segment expressions over some customers of a ``SegmentPopulation`` only, with
/// ``SegmentEvaluator``'s semantics: bit `i` of every result is customer `customers[i]`. Each
/// event source's facts are filtered to those customers in one pass, shared by every window and
/// function that reads the source; conditions repeated across segments are computed once.
struct SegmentSubsetEvaluator: Sendable {
    let population: SegmentPopulation
    /// Snapshot indices, ascending, without repeats.
    let customers: [Int]
    /// Per source, the facts of ``customers``, customer numbers local (positions in ``customers``).
    private let facts: [SegmentEventSource: SegmentEventFacts]
    var memo: [SegmentCondition: SegmentMembers] = [:]
    /// Local members of the segments evaluated so far.
    private(set) var segments: [String: SegmentMembers] = [:]

    /// An evaluator of `customers` (ascending snapshot indices), gathering the facts of `sources`
    /// on up to `threads` cores.
    init(population: SegmentPopulation, customers: [Int], sources: Set<SegmentEventSource>, threads: Int) {
        self.population = population
        self.customers = customers
        let n = population.customerCount
        var local = [Int32](repeating: -1, count: n)
        for (i, c) in customers.enumerated() where c >= 0 && c < n { local[c] = Int32(i) }
        let wanted = sources.filter { population.events[$0] != nil }.sorted { $0.description < $1.description }
        let gathered = Mutex<[SegmentEventSource: SegmentEventFacts]>([:])
        let lookup = local
        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, wanted.count))) { part in
            var mine: [SegmentEventSource: SegmentEventFacts] = [:]
            for (k, source) in wanted.enumerated() where k % max(1, min(threads, wanted.count)) == part {
                let all = population.events[source]!
                var out = SegmentEventFacts(asOf: all.asOf)
                all.customers.withUnsafeBufferPointer { cs in
                    lookup.withUnsafeBufferPointer { lookup in
                        for i in 0..<cs.count {
                            let c = Int(cs[i])
                            guard c >= 0, c < lookup.count else { continue }
                            let l = lookup[c]
                            if l >= 0 { out.append(customer: l, day: all.days[i], value: all.values[i]) }
                        }
                    }
                }
                mine[source] = out
            }
            gathered.withLock { $0.merge(mine) { a, _ in a } }
        }
        facts = gathered.withLock { $0 }
    }

    /// The local members of `expression`.
    mutating func members(of expression: SegmentExpression) throws(SegmentEvaluationError) -> SegmentMembers {
        try combinedMembers(of: expression)
    }

    /// Evaluates the segment `name` (its references already evaluated) and keeps its members.
    mutating func evaluate(_ name: String, _ expression: SegmentExpression) throws(SegmentEvaluationError) -> SegmentMembers {
        let m = try members(of: expression)
        segments[name] = m
        return m
    }

    func conditionMembers(_ condition: SegmentCondition) throws(SegmentEvaluationError) -> SegmentMembers {
        let p = population, k = customers.count
        switch condition.operand {
        case .trait(let name):
            guard let column = p.traits.columns[name] else { throw .missingData("trait \(SegmentTextForm.quoted(name))") }
            return column.members(condition.predicate, asOf: p.asOf, of: customers)
        case .metric(let metric):
            guard let metrics = p.metrics, metrics.asOf == p.asOf,
                metrics.numbers[metric] != nil || metrics.codes[metric] != nil || metrics.unavailable[metric] != nil
            else { throw .missingData("metric \(metric.name)") }
            return metrics.members(metric, condition.predicate, of: customers)
        case .event(let aggregate):
            let source = SegmentEventSource(aggregate)
            guard let facts = facts[source] else { throw .missingData("events \(source)") }
            return SegmentEvaluator.members(of: aggregate, facts: facts, predicate: condition.predicate, customerCount: k, asOf: p.asOf)
        }
    }
}

extension SegmentSubsetEvaluator: SegmentMembersCombining {
    var combinedCount: Int { customers.count }

    func referencedMembers(_ name: String) throws(SegmentEvaluationError) -> SegmentMembers {
        guard let m = segments[name] else { throw .unknownSegment(name) }
        return m
    }
}
