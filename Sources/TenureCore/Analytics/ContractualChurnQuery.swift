/// Churn for subscription businesses: a customer is active while at least one of their
/// subscriptions is, and lost on the first day none is (switching plans on the same day is not a
/// loss).
public struct ContractualChurnQuery: Sendable, Hashable, Codable {
    /// When a cancelled subscription counts as lost.
    public enum LossBasis: String, Sendable, Hashable, Codable {
        /// When it ends (the paid interval runs out): revenue-accurate.
        case end
        /// When the customer asks to cancel: the earliest signal.
        case cancellation
    }

    public var basis: LossBasis
    public var unit: PeriodUnit
    public var range: DayRange
    /// The analysis day: later starts are ignored and later ends not yet counted as losses.
    public var asOf: Int32

    public init(basis: LossBasis = .end, unit: PeriodUnit = .month, range: DayRange, asOf: Int32) {
        self.basis = basis
        self.unit = unit
        self.range = range
        self.asOf = asOf
    }

    public func run(on subscriptions: SubscriptionSpans) -> ChurnReport {
        let grid = PeriodGrid(unit: unit, range: range)
        let days = subscriptions.spans.map(\.startDay).min().map { first in min(first, range.first)...max(asOf, range.last, first) }
        var counter = ActivitySpellCounter(grid: grid, lookup: grid.lookup(covering: days), asOf: asOf)
        var coverage: [(Int32, Int32)] = []
        subscriptions.forEachCustomer { spans in
            coverage.removeAll(keepingCapacity: true)
            for s in spans where s.startDay <= asOf {
                coverage.append((s.startDay, effectiveEnd(s)))
            }
            // Spans are sorted by start: merge overlapping or touching ones into spells.
            var isFirst = true
            var i = 0
            while i < coverage.count {
                let start = coverage[i].0
                var end = coverage[i].1
                var j = i + 1
                while j < coverage.count && coverage[j].0 <= end {
                    end = max(end, coverage[j].1)
                    j += 1
                }
                if end > start { counter.add(start: start, lossDay: end, isFirst: isFirst) }
                isFirst = false
                i = j
            }
        }
        return counter.report(definition: .contractual, window: nil)
    }

    func effectiveEnd(_ s: SubscriptionSpan) -> Int32 {
        let end = s.endDay ?? Int32.max
        switch basis {
        case .end: return end
        case .cancellation: return min(end, s.cancelledDay ?? Int32.max)
        }
    }
}
