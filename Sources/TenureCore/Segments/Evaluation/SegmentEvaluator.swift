/// Why segments could not be evaluated.
public enum SegmentEvaluationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The population was built without something an expression reads (a bug in the caller).
    case missingData(String)
    /// `in segment` names a segment that is not among the definitions.
    case unknownSegment(String)
    /// Segments that refer to each other in a circle.
    case cycle([String])

    public var description: String {
        switch self {
        case .missingData(let what): "the segment data lacks \(what)"
        case .unknownSegment(let name): "unknown segment \(SegmentTextForm.quoted(name))"
        case .cycle(let names): "segments refer to each other in a circle: \(names.map(SegmentTextForm.quoted).joined(separator: " → "))"
        }
    }
}

/// Evaluates segment expressions over a ``SegmentPopulation``, column by column: each condition
/// becomes a bitset of the customers passing it (a loop over one column, or one pass over one
/// source's events), and `and` / `or` / `not` combine bitsets a word at a time. Conditions
/// repeated across segments are computed once per evaluator.
public struct SegmentEvaluator: Sendable {
    public let population: SegmentPopulation
    var memo: [SegmentCondition: SegmentMembers] = [:]
    /// Members of the segments evaluated so far (and any given), by name.
    public private(set) var segments: [String: SegmentMembers]

    /// An evaluator over `population`; `segments` gives members of segments that expressions may
    /// refer to without being evaluated here.
    public init(population: SegmentPopulation, segments: [String: SegmentMembers] = [:]) {
        self.population = population
        self.segments = segments
    }

    /// The members of `expression`.
    public mutating func members(of expression: SegmentExpression) throws(SegmentEvaluationError) -> SegmentMembers {
        try combinedMembers(of: expression)
    }

    /// Evaluates every definition, each after the segments it refers to, and returns all members
    /// by name (the given ones too).
    public mutating func evaluateAll(_ definitions: [String: SegmentExpression]) throws(SegmentEvaluationError) -> [String: SegmentMembers] {
        var state: [String: Bool] = [:]  // false: in progress, true: done
        var path: [String] = []
        func visit(_ name: String) throws(SegmentEvaluationError) {
            if state[name] == true { return }
            guard let expression = definitions[name] else {
                if segments[name] != nil { return }
                throw .unknownSegment(name)
            }
            if state[name] == false { throw .cycle(path.drop { $0 != name } + [name]) }
            state[name] = false
            path.append(name)
            for dependency in SegmentRequirements(expression).segments.sorted() { try visit(dependency) }
            segments[name] = try members(of: expression)
            path.removeLast()
            state[name] = true
        }
        for name in definitions.keys.sorted() { try visit(name) }
        return segments
    }

    func conditionMembers(_ condition: SegmentCondition) throws(SegmentEvaluationError) -> SegmentMembers {
        let p = population, n = p.customerCount
        switch condition.operand {
        case .trait(let name):
            guard let column = p.traits.columns[name] else { throw .missingData("trait \(SegmentTextForm.quoted(name))") }
            let m = column.members(condition.predicate, asOf: p.asOf)
            return m.customerCount == n ? m : m.resized(to: n)
        case .metric(let metric):
            guard let metrics = p.metrics, metrics.asOf == p.asOf,
                metrics.numbers[metric] != nil || metrics.codes[metric] != nil || metrics.unavailable[metric] != nil
            else { throw .missingData("metric \(metric.name)") }
            let m = metrics.members(metric, condition.predicate)
            return m.customerCount == n ? m : m.resized(to: n)
        case .event(let aggregate):
            let source = SegmentEventSource(aggregate)
            guard let facts = p.events[source] else { throw .missingData("events \(source)") }
            return Self.members(of: aggregate, facts: facts, predicate: condition.predicate, customerCount: n, asOf: p.asOf)
        }
    }

    /// One pass over the source's events inside the window, gathering each customer's aggregate,
    /// then one pass over the customers testing it.
    static func members(
        of aggregate: SegmentEventAggregate, facts: SegmentEventFacts, predicate: SegmentPredicate, customerCount n: Int, asOf: Int32
    ) -> SegmentMembers {
        guard let window = aggregate.window.dayRange(asOf: asOf) else {
            // An empty window: counts and sums are 0, first/last times missing.
            switch aggregate.function {
            case .count, .sum: return predicate.holds(number: 0) ? .all(customerCount: n) : SegmentMembers(customerCount: n)
            case .firstTime, .lastTime: return SegmentMembers(customerCount: n)
            }
        }
        let lo = window.lowerBound, hi = window.upperBound
        return facts.customers.withUnsafeBufferPointer { customers in
            facts.days.withUnsafeBufferPointer { days in
                facts.values.withUnsafeBufferPointer { values in
                    switch aggregate.function {
                    case .count:
                        var counts = [Int32](repeating: 0, count: n)
                        counts.withUnsafeMutableBufferPointer { counts in
                            for i in 0..<customers.count where days[i] >= lo && days[i] <= hi {
                                let c = Int(customers[i])
                                if c < n { counts[c] &+= 1 }
                            }
                        }
                        // Numbers 0…N pass or fail the same way for every customer: test each count once.
                        var verdicts: [Int32: Bool] = [:]
                        return SegmentMembers(customerCount: n) { c in
                            let k = counts[c]
                            if let v = verdicts[k] { return v }
                            let v = predicate.holds(number: Double(k))
                            verdicts[k] = v
                            return v
                        }
                    case .sum:
                        var sums = [Double](repeating: 0, count: n)
                        sums.withUnsafeMutableBufferPointer { sums in
                            for i in 0..<customers.count where days[i] >= lo && days[i] <= hi && !values[i].isNaN {
                                let c = Int(customers[i])
                                if c < n { sums[c] += values[i] }
                            }
                        }
                        return SegmentMembers(customerCount: n) { predicate.holds(number: sums[$0]) }
                    case .firstTime, .lastTime:
                        let first = aggregate.function == .firstTime
                        var found = [Int32](repeating: first ? .max : .min, count: n)
                        found.withUnsafeMutableBufferPointer { found in
                            for i in 0..<customers.count where days[i] >= lo && days[i] <= hi {
                                let c = Int(customers[i])
                                guard c < n else { continue }
                                found[c] = first ? min(found[c], days[i]) : max(found[c], days[i])
                            }
                        }
                        let none: Int32 = first ? .max : .min
                        return SegmentMembers(customerCount: n) { c in found[c] != none && predicate.holds(day: found[c], asOf: asOf) }
                    }
                }
            }
        }
    }
}

extension SegmentEvaluator: SegmentMembersCombining {
    var combinedCount: Int { population.customerCount }

    func referencedMembers(_ name: String) throws(SegmentEvaluationError) -> SegmentMembers {
        guard let m = segments[name] else { throw .unknownSegment(name) }
        return m.customerCount == combinedCount ? m : m.resized(to: combinedCount)
    }
}
