import Dispatch
import Synchronization

extension SegmentEvaluator {
    /// ``evaluateAll(_:)`` on several cores: the segments that refer to no other segment are
    /// split across `threads` evaluators run at once (each with its own memo), then the rest are
    /// evaluated in dependency order over their results. The members are the same as
    /// ``evaluateAll(_:)``'s; only the time differs.
    public static func evaluateAll(
        _ definitions: [String: SegmentExpression], population: SegmentPopulation, threads: Int
    ) throws(SegmentEvaluationError) -> [String: SegmentMembers] {
        let independent = definitions.keys.filter { SegmentRequirements(definitions[$0]!).segments.isEmpty }.sorted()
        let threads = max(1, min(threads, independent.count))
        guard threads > 1 else {
            var evaluator = SegmentEvaluator(population: population)
            return try evaluator.evaluateAll(definitions)
        }
        let results = Mutex<[String: SegmentMembers]>([:])
        let failure = Mutex<SegmentEvaluationError?>(nil)
        DispatchQueue.concurrentPerform(iterations: threads) { part in
            var evaluator = SegmentEvaluator(population: population)
            var mine: [String: SegmentMembers] = [:]
            for (i, name) in independent.enumerated() where i % threads == part {
                switch Result(catching: { () throws(SegmentEvaluationError) in try evaluator.members(of: definitions[name]!) }) {
                case .success(let members): mine[name] = members
                case .failure(let error):
                    failure.withLock { $0 = $0 ?? error }
                    return
                }
            }
            results.withLock { $0.merge(mine) { a, _ in a } }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        var rest = SegmentEvaluator(population: population, segments: results.withLock { $0 })
        return try rest.evaluateAll(definitions.filter { !independent.contains($0.key) })
    }
}
