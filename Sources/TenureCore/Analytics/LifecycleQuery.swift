/// Lifecycle per period, with PostHog's definitions: among customers active in a period (did a
/// selected event in it), **new** ones were never active before, **returning** ones were active in
/// the previous period too, **resurrecting** ones were not active in the previous period but were
/// before; **dormant** customers were active in the previous period and not in this one (reported
/// as a negative count, as PostHog draws it below the axis).
public struct LifecycleQuery: Sendable, Hashable, Codable {
    public var activity: EventSelection
    public var unit: PeriodUnit
    public var range: DayRange
    /// The analysis day: later events are ignored, later periods left out.
    public var asOf: Int32?

    public init(activity: EventSelection = .any, unit: PeriodUnit = .month, range: DayRange, asOf: Int32? = nil) {
        self.activity = activity
        self.unit = unit
        self.range = range
        self.asOf = asOf
    }

    public func run(on snapshot: ActivitySnapshot) -> LifecycleReport {
        let grid = PeriodGrid(unit: unit, range: range)
        let asOf = asOf ?? snapshot.reportRange?.upperBound ?? range.last
        let lookup = grid.lookup(covering: snapshot.dayRange)
        let mask = activity.mask()
        let p = grid.count
        let ranges = snapshot.workRanges()
        let partials = ParallelWork.map(ranges.count) { part in
            // new, returning, resurrecting, dormant: 4 counters per period.
            var counts = [Int](repeating: 0, count: 4 * p)
            snapshot.scan(ranges[part]) { _, ev in
                var prev = Int.min
                for i in 0..<ev.count where mask.contains(ev.types[i]) {
                    let d = ev.days[i]
                    if d > asOf { break }
                    let k = lookup.index(of: d)
                    if k == prev { continue }
                    if k >= p { break }
                    if k >= 0 {
                        if prev == Int.min {
                            counts[4 * k] += 1
                        } else if prev == k - 1 {
                            counts[4 * k + 1] += 1
                        } else {
                            counts[4 * k + 2] += 1
                        }
                    }
                    if prev != Int.min && prev != k - 1 && prev + 1 >= 0 { counts[4 * (prev + 1) + 3] += 1 }
                    prev = k
                }
                if prev != Int.min && prev + 1 >= 0 && prev + 1 < p { counts[4 * (prev + 1) + 3] += 1 }
            }
            return counts
        }
        var counts = partials[0]
        for other in partials.dropFirst() { for i in counts.indices { counts[i] += other[i] } }
        let rows = (0..<p).filter { grid.periods[$0].startDay <= asOf }.map { k in
            LifecycleReport.Row(
                period: grid.periods[k], new: counts[4 * k], returning: counts[4 * k + 1],
                resurrecting: counts[4 * k + 2], dormant: -counts[4 * k + 3],
                incomplete: grid.periods[k].endDay > asOf)
        }
        return LifecycleReport(unit: unit, asOf: asOf, rows: rows)
    }
}
