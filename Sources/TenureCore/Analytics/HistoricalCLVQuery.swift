/// Historical customer lifetime value: what each customer has spent so far, and per acquisition
/// cohort (period of the first purchase) the cumulative revenue per customer by periods since
/// that first purchase.
public struct HistoricalCLVQuery: Sendable, Hashable, Codable {
    public var purchases: EventSelection
    /// Cohort and age unit (month: "revenue per customer after 0, 1, 2 … months").
    public var unit: PeriodUnit
    /// Cohorts whose first purchase falls in this range.
    public var range: DayRange
    /// The analysis day: later purchases are ignored.
    public var asOf: Int32?

    public init(purchases: EventSelection = .purchases, unit: PeriodUnit = .month, range: DayRange, asOf: Int32? = nil) {
        self.purchases = purchases
        self.unit = unit
        self.range = range
        self.asOf = asOf
    }

    public func run(on snapshot: ActivitySnapshot) -> HistoricalCLVReport {
        let grid = PeriodGrid(unit: unit, range: range)
        let asOf = asOf ?? snapshot.reportRange?.upperBound ?? range.last
        let lookup = grid.lookup(covering: snapshot.dayRange)
        let mask = purchases.mask()
        let p = grid.count
        let ranges = snapshot.workRanges()
        struct Part: Sendable {
            var customers: [Int32] = [], first: [Int32] = [], orders: [Int32] = [], revenue: [Double] = []
            var sizes: [Int], cells: [Double]
        }
        let parts = ParallelWork.map(ranges.count) { part in
            var out = Part(sizes: [Int](repeating: 0, count: p), cells: [Double](repeating: 0, count: p * p))
            snapshot.scan(ranges[part]) { c, ev in
                var first = Int32.min, cohort = -1, n: Int32 = 0, total = 0.0
                for i in 0..<ev.count where mask.contains(ev.types[i]) {
                    let d = ev.days[i]
                    if d > asOf { break }
                    let v = Double(ev.values[i])
                    if first == Int32.min {
                        first = d
                        let s = lookup.index(of: d)
                        if s >= 0 && s < p {
                            cohort = s
                            out.sizes[s] += 1
                        }
                    }
                    n += 1
                    total += v
                    if cohort >= 0 {
                        let k = lookup.index(of: d)
                        if k < p { out.cells[cohort * p + k - cohort] += v }
                    }
                }
                if n > 0 {
                    out.customers.append(Int32(c))
                    out.first.append(first)
                    out.orders.append(n)
                    out.revenue.append(total)
                }
            }
            return out
        }
        var all = parts[0]
        for o in parts.dropFirst() {
            all.customers += o.customers
            all.first += o.first
            all.orders += o.orders
            all.revenue += o.revenue
            for i in all.sizes.indices { all.sizes[i] += o.sizes[i] }
            for i in all.cells.indices { all.cells[i] += o.cells[i] }
        }
        var cohorts: [HistoricalCLVReport.Cohort] = []
        for s in 0..<p where grid.periods[s].startDay <= asOf {
            var cumulative: [Double] = [], incomplete: [Bool] = []
            var running = 0.0
            var k = 0
            while s + k < p && grid.periods[s + k].startDay <= asOf {
                running += all.cells[s * p + k]
                cumulative.append(all.sizes[s] == 0 ? 0 : running / Double(all.sizes[s]))
                incomplete.append(grid.periods[s + k].endDay > asOf)
                k += 1
            }
            cohorts.append(
                HistoricalCLVReport.Cohort(
                    period: grid.periods[s], customers: all.sizes[s], cumulativeRevenuePerCustomer: cumulative,
                    incomplete: incomplete))
        }
        let totalRevenue = all.revenue.reduce(0, +)
        return HistoricalCLVReport(
            unit: unit, asOf: asOf, customers: all.customers, firstPurchaseDays: all.first, orders: all.orders,
            revenue: all.revenue,
            averageRevenuePerCustomer: all.customers.isEmpty ? 0 : totalRevenue / Double(all.customers.count),
            cohorts: cohorts)
    }
}
