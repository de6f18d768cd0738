/// How an evaluator combines the members of a segment expression's parts: `and` intersects
/// (stopping at the first empty part), `or` unites, `not` complements, a segment reference reads
/// the evaluated segment, and a condition is evaluated once per evaluator (memoised). Shared by
/// the whole-population ``SegmentEvaluator`` and the touched-customers ``SegmentSubsetEvaluator``,
/// which differ only in how many customers a bit set holds and how a condition is measured.
protocol SegmentMembersCombining {
    /// The customers a member set of this evaluator holds.
    var combinedCount: Int { get }
    var memo: [SegmentCondition: SegmentMembers] { get set }
    /// The members of the already evaluated segment `name`, sized to ``combinedCount``.
    func referencedMembers(_ name: String) throws(SegmentEvaluationError) -> SegmentMembers
    /// The members of one condition.
    func conditionMembers(_ condition: SegmentCondition) throws(SegmentEvaluationError) -> SegmentMembers
}

extension SegmentMembersCombining {
    mutating func combinedMembers(of expression: SegmentExpression) throws(SegmentEvaluationError) -> SegmentMembers {
        let n = combinedCount
        switch expression {
        case .and(let items):
            var out = SegmentMembers.all(customerCount: n)
            for item in items {
                out = out.intersection(try combinedMembers(of: item))
                if out.isEmpty { break }
            }
            return out
        case .or(let items):
            var out = SegmentMembers(customerCount: n)
            for item in items { out = out.union(try combinedMembers(of: item)) }
            return out
        case .not(let inner):
            return try combinedMembers(of: inner).complement()
        case .inSegment(let name):
            return try referencedMembers(name)
        case .condition(let c):
            if let m = memo[c] { return m }
            let m = try conditionMembers(c)
            memo[c] = m
            return m
        }
    }
}
