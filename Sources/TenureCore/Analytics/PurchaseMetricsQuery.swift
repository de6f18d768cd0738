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
        let asOf = asOf ?? snapshot.reportRange?.upperBound ?? range.last
        let lookup = grid.lookup(covering: snapshot.dayRange)
        let mask = purchases.mask()
        let p = grid.count
        let lastDay = min(asOf, range.last)
        let ranges = snapshot.workRanges()
        let partials = ParallelWork.map(ranges.count) { part in
            let orders = WorkBuffer<Int>(repeating: 0, count: p), revenue = WorkBuffer<Double>(repeating: 0, count: p)
            let purchasers = WorkBuffer<Int>(repeating: 0, count: p), repeaters = WorkBuffer<Int>(repeating: 0, count: p)
            let returning = WorkBuffer<Int>(repeating: 0, count: p)
            var rangePurchasers = 0, rangeRepeaters = 0, everPurchased = 0, everRepeated = 0
            snapshot.scan(ranges[part]) { _, ev in
                var hi = ev.count
                while hi > 0 && ev.days[hi - 1] > lastDay { hi -= 1 }
                var i = 0, ever = 0, inRange = 0
                // Purchases before the range only count towards "ever" and "bought before".
                while i < hi && ev.days[i] < range.first {
                    ever += Int(mask[ev.types[i]])
                    i += 1
                }
                while i < hi {
                    let k = lookup.index(of: ev.days[i])
                    let end = lookup.nextStart(ofIndex: k)
                    var n = 0, money = 0.0
                    repeat {
                        let hit = mask[ev.types[i]]
                        n += Int(hit)
                        money += hit != 0 ? Double(ev.values[i]) : 0
                        i += 1
                    } while i < hi && ev.days[i] < end
                    if n > 0 && k >= 0 && k < p {
                        orders[k] += n
                        revenue[k] += money
                        purchasers[k] += 1
                        if n >= 2 { repeaters[k] += 1 }
                        if ever > 0 { returning[k] += 1 }
                    }
                    ever += n
                    inRange += n
                }
                if inRange > 0 { rangePurchasers += 1 }
                if inRange >= 2 { rangeRepeaters += 1 }
                if ever > 0 { everPurchased += 1 }
                if ever >= 2 { everRepeated += 1 }
            }
            var acc = PurchaseMetricsReport.Accumulator(periods: p)
            acc.orders = orders.array
            acc.revenue = revenue.array
            acc.purchasers = purchasers.array
            acc.repeaters = repeaters.array
            acc.returning = returning.array
            acc.rangePurchasers = rangePurchasers
            acc.rangeRepeaters = rangeRepeaters
            acc.everPurchased = everPurchased
            acc.everRepeated = everRepeated
            return acc
        }
        var total = partials[0]
        for other in partials.dropFirst() { total.merge(other) }
        return total.report(grid: grid, asOf: asOf)
    }
}
