/// Orders, revenue, average order value, purchase frequency and repeat-purchase rates, per period
/// and over the whole range.
public struct PurchaseMetricsQuery: Sendable, Hashable, Codable {
    public var purchases: EventSelection
    public var unit: PeriodUnit
    public var range: DayRange
    /// The analysis day: later events are ignored.
    public var asOf: Int32?

    public init(purchases: EventSelection = .purchases, unit: PeriodUnit = .month, range: DayRange, asOf: Int32? = nil) {
        self.purchases = purchases
        self.unit = unit
        self.range = range
        self.asOf = asOf
    }

    public func run(on snapshot: ActivitySnapshot) -> PurchaseMetricsReport {
        let grid = PeriodGrid(unit: unit, range: range)
        let asOf = asOf ?? snapshot.dayRange?.upperBound ?? range.last
        let lookup = grid.lookup(covering: snapshot.dayRange)
        let mask = purchases.mask()
        let p = grid.count
        let lastDay = min(asOf, range.last)
        let ranges = snapshot.workRanges()
        let partials = ParallelWork.map(ranges.count) { part in
            var acc = PurchaseMetricsReport.Accumulator(periods: p)
            snapshot.scan(ranges[part]) { _, ev in
                var period = Int.min, inPeriod = 0, inRange = 0, ever = 0
                var boughtBefore = false
                func flush() {
                    if period >= 0 && period < p && inPeriod > 0 {
                        acc.purchasers[period] += 1
                        if inPeriod >= 2 { acc.repeaters[period] += 1 }
                        if boughtBefore { acc.returning[period] += 1 }
                    }
                }
                for i in 0..<ev.count where mask.contains(ev.types[i]) {
                    let d = ev.days[i]
                    if d > lastDay { break }
                    ever += 1
                    if d < range.first { continue }
                    let k = lookup.index(of: d)
                    if k != period {
                        flush()
                        boughtBefore = ever > 1
                        period = k
                        inPeriod = 0
                    }
                    inPeriod += 1
                    inRange += 1
                    if k >= 0 && k < p {
                        acc.orders[k] += 1
                        acc.revenue[k] += Double(ev.values[i])
                    }
                }
                flush()
                if inRange > 0 { acc.rangePurchasers += 1 }
                if inRange >= 2 { acc.rangeRepeaters += 1 }
                if ever > 0 { acc.everPurchased += 1 }
                if ever >= 2 { acc.everRepeated += 1 }
            }
            return acc
        }
        var total = partials[0]
        for other in partials.dropFirst() { total.merge(other) }
        return total.report(grid: grid, asOf: asOf)
    }
}
