/// Monthly recurring revenue per period and its movements: new, expansion, contraction, churned
/// and reactivation MRR, revenue churn and net revenue retention.
///
/// Each customer's MRR (the sum of the monthly amounts of their active spans) is compared between
/// the day before the period and its last day (or `asOf` for the current period):
/// - 0 → positive: **new** if the customer never had a subscription before, else **reactivation**;
/// - up: **expansion** (the increase); down but positive: **contraction** (the decrease);
/// - positive → 0: **churned** (all of the opening MRR).
///
/// Movements inside a period that cancel out (a downgrade undone the same month) do not show.
public struct RecurringRevenueQuery: Sendable, Hashable, Codable {
    public var unit: PeriodUnit
    public var range: DayRange
    /// The analysis day: spans starting later are ignored.
    public var asOf: Int32

    public init(unit: PeriodUnit = .month, range: DayRange, asOf: Int32) {
        self.unit = unit
        self.range = range
        self.asOf = asOf
    }

    public func run(on subscriptions: SubscriptionSpans) -> RecurringRevenueReport {
        let grid = PeriodGrid(unit: unit, range: range)
        let periods = grid.periods.filter { $0.startDay <= asOf }
        let p = periods.count
        // Measurement days: the eve of every period, then the end of each one.
        let points: [Int32] = periods.isEmpty ? [] : [periods[0].startDay - 1] + periods.map { min($0.endDay, asOf) }
        var rows = (0..<p).map { _ in RecurringRevenueReport.Accumulator() }
        var mrr = [Double](repeating: 0, count: points.count)
        subscriptions.forEachCustomer { spans in
            for i in mrr.indices { mrr[i] = 0 }
            var firstStart = Int32.max
            for s in spans where s.startDay <= asOf {
                firstStart = min(firstStart, s.startDay)
                let end = s.endDay ?? Int32.max
                for (i, t) in points.enumerated() where s.startDay <= t && t < end { mrr[i] += s.monthlyAmount }
            }
            if firstStart == Int32.max { return }
            for k in 0..<p {
                let a = mrr[k], b = mrr[k + 1]
                rows[k].add(opening: a, closing: b, hadBefore: firstStart <= points[k])
            }
        }
        return RecurringRevenueReport(
            unit: unit, asOf: asOf,
            rows: (0..<p).map { k in rows[k].row(period: periods[k], incomplete: periods[k].endDay > asOf) })
    }
}
