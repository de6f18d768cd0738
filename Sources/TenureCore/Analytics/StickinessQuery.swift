/// Stickiness: how many customers were active in 1, 2, … of the periods of a range (PostHog's
/// stickiness, e.g. "active on how many days of the last 30").
public struct StickinessQuery: Sendable, Hashable, Codable {
    public var activity: EventSelection
    public var unit: PeriodUnit
    public var range: DayRange
    /// The analysis day: later events are ignored.
    public var asOf: Int32?

    public init(activity: EventSelection = .any, unit: PeriodUnit = .day, range: DayRange, asOf: Int32? = nil) {
        self.activity = activity
        self.unit = unit
        self.range = range
        self.asOf = asOf
    }

    public func run(on snapshot: ActivitySnapshot) -> StickinessReport {
        let grid = PeriodGrid(unit: unit, range: range)
        let asOf = asOf ?? snapshot.reportRange?.upperBound ?? range.last
        let lookup = grid.lookup(covering: snapshot.dayRange)
        let mask = activity.mask()
        let p = grid.count
        // Only days inside the range count, even when the grid's periods stick out of it.
        let lastDay = min(range.last, asOf)
        let ranges = snapshot.workRanges()
        let partials = ParallelWork.map(ranges.count) { part in
            var histogram = [Int](repeating: 0, count: p + 1)
            snapshot.scan(ranges[part]) { _, ev in
                var prev = -1, n = 0
                for i in 0..<ev.count where mask.contains(ev.types[i]) {
                    let d = ev.days[i]
                    if d < range.first { continue }
                    if d > lastDay { break }
                    let k = lookup.index(of: d)
                    if k != prev {
                        n += 1
                        prev = k
                    }
                }
                histogram[n] += 1
            }
            return histogram
        }
        var h = partials[0]
        for other in partials.dropFirst() { for i in h.indices { h[i] += other[i] } }
        let active = h.dropFirst().reduce(0, +)
        return StickinessReport(
            unit: unit, periodCount: p, activeCustomers: active,
            rows: (1...max(p, 1)).map { k in
                StickinessReport.Row(
                    periodsActive: k, customers: k <= p ? h[k] : 0,
                    share: active == 0 || k > p ? 0 : Double(h[k]) / Double(active))
            })
    }
}
