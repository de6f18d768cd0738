/// A cohort retention table, with PostHog's semantics: customers are grouped by the period in which
/// they performed a start event, and each cell counts how many of them performed a return event
/// `k` periods later.
public struct CohortRetentionQuery: Sendable, Hashable, Codable {
    /// How a start event puts a customer in a cohort.
    public enum CohortType: String, Sendable, Hashable, Codable {
        /// The customer's first ever start event (even one before the range) defines their single
        /// cohort; customers whose first start event lies outside the range are left out.
        case firstTime
        /// Every period with a start event makes the customer a member of that period's cohort.
        case recurring
    }

    /// How returns are counted in the cells after the first.
    public enum ReturnMode: String, Sendable, Hashable, Codable {
        /// Cell `k` counts customers who performed the return event in period `k` exactly.
        case exact
        /// Cell `k` counts customers who performed it in period `k` or any later one (PostHog's
        /// "on or after"): a non-increasing curve.
        case onOrAfter
    }

    public var startEvent: EventSelection
    public var returnEvent: EventSelection
    public var cohortType: CohortType
    public var mode: ReturnMode
    public var unit: PeriodUnit
    /// Cohorts are the periods of this range; returns are counted up to its last period.
    public var range: DayRange
    /// The analysis day: later events are ignored, periods starting after it are left out and
    /// periods ending after it are flagged incomplete. Defaults to the last event day.
    public var asOf: Int32?

    public init(
        startEvent: EventSelection = .any, returnEvent: EventSelection = .any,
        cohortType: CohortType = .firstTime, mode: ReturnMode = .exact,
        unit: PeriodUnit = .month, range: DayRange, asOf: Int32? = nil
    ) {
        self.startEvent = startEvent
        self.returnEvent = returnEvent
        self.cohortType = cohortType
        self.mode = mode
        self.unit = unit
        self.range = range
        self.asOf = asOf
    }

    /// Computes the table: one pass over the events, split over the cores.
    public func run(on snapshot: ActivitySnapshot) -> CohortRetentionMatrix {
        let grid = PeriodGrid(unit: unit, range: range)
        let asOf = asOf ?? snapshot.reportRange?.upperBound ?? range.last
        let lookup = grid.lookup(covering: snapshot.dayRange)
        let p = grid.count
        let startMask = startEvent.mask(), returnMask = returnEvent.mask()
        let query = self
        let ranges = snapshot.workRanges()
        let partials = ParallelWork.map(ranges.count) { part in
            let acc = CohortAccumulator(periods: p)
            let runs = PeriodRuns(capacity: p)
            snapshot.scan(ranges[part]) { _, ev in
                acc.add(
                    ev, query: query, lookup: lookup, asOf: asOf, startMask: startMask, returnMask: returnMask,
                    runs: runs)
            }
            return acc.totals()
        }
        var total = partials[0]
        for other in partials.dropFirst() { total.merge(other) }
        return total.matrix(query: self, grid: grid, asOf: asOf)
    }
}

/// Counts of a cohort table, flat `cohort × offset` arrays: one worker's share, or the merged total.
struct CohortTotals: Sendable {
    let periods: Int
    var sizes: [Int]
    var counts: [Int]
    /// Difference array of the on-or-after counts, `cohort × (offset + 1)`.
    var reachDiff: [Int]
    var revenue: [Double]

    mutating func merge(_ o: CohortTotals) {
        for i in sizes.indices { sizes[i] += o.sizes[i] }
        for i in counts.indices { counts[i] += o.counts[i] }
        for i in reachDiff.indices { reachDiff[i] += o.reachDiff[i] }
        for i in revenue.indices { revenue[i] += o.revenue[i] }
    }

    func matrix(query: CohortRetentionQuery, grid: PeriodGrid, asOf: Int32) -> CohortRetentionMatrix {
        let p = periods
        var cohorts: [CohortRetentionMatrix.Cohort] = []
        for s in 0..<p where grid.periods[s].startDay <= asOf {
            var lastOffset = 0
            while s + lastOffset + 1 < p && grid.periods[s + lastOffset + 1].startDay <= asOf { lastOffset += 1 }
            var cells: [Int] = [], money: [Double] = [], incomplete: [Bool] = []
            var running = 0
            for k in 0...lastOffset {
                running += reachDiff[s * (p + 1) + k]
                switch (k, query.mode) {
                case (0, _): cells.append(sizes[s])
                case (_, .exact): cells.append(counts[s * p + k])
                case (_, .onOrAfter): cells.append(running)
                }
                money.append(revenue[s * p + k])
                incomplete.append(grid.periods[s + k].endDay > asOf)
            }
            let size = sizes[s]
            cohorts.append(
                CohortRetentionMatrix.Cohort(
                    period: grid.periods[s], size: size, counts: cells,
                    percentages: cells.map { size == 0 ? 0 : 100 * Double($0) / Double(size) },
                    revenue: money, incomplete: incomplete))
        }
        return CohortRetentionMatrix(query: query, unit: grid.unit, asOf: asOf, cohorts: cohorts)
    }
}

/// One worker's cohort counts while it scans.
final class CohortAccumulator {
    let periods: Int
    let sizes: WorkBuffer<Int>
    let counts: WorkBuffer<Int>
    let reachDiff: WorkBuffer<Int>
    let revenue: WorkBuffer<Double>

    init(periods p: Int) {
        periods = p
        sizes = WorkBuffer(repeating: 0, count: p)
        counts = WorkBuffer(repeating: 0, count: p * p)
        reachDiff = WorkBuffer(repeating: 0, count: p * (p + 1))
        revenue = WorkBuffer(repeating: 0, count: p * p)
    }

    func totals() -> CohortTotals {
        CohortTotals(
            periods: periods, sizes: sizes.array, counts: counts.array, reachDiff: reachDiff.array,
            revenue: revenue.array)
    }

    func add(
        _ ev: CustomerEvents, query: CohortRetentionQuery, lookup: PeriodLookup, asOf: Int32,
        startMask: EventTypeMask, returnMask: EventTypeMask, runs: PeriodRuns
    ) {
        let p = periods
        var firstStartPeriod = Int.min
        if query.cohortType == .firstTime {
            // The first ever start event, even before the grid, defines the cohort.
            for i in 0..<ev.count where startMask.contains(ev.types[i]) {
                if ev.days[i] <= asOf { firstStartPeriod = lookup.index(of: ev.days[i]) }
                break
            }
            if firstStartPeriod < 0 || firstStartPeriod >= p { return }
        }
        runs.collect(ev, lookup: lookup, periods: p, asOf: asOf, startMask: startMask, returnMask: returnMask)
        let n = runs.count
        if n == 0 { return }
        var r = 0
        while r < n {
            let s: Int
            if query.cohortType == .firstTime {
                if r > 0 { break }
                s = firstStartPeriod
                while r < n && runs.period[r] < s { r += 1 }
            } else {
                if !runs.hasStart[r] {
                    r += 1
                    continue
                }
                s = runs.period[r]
            }
            sizes[s] += 1
            let row = s * p
            var reach = s
            for j in r..<n {
                let k = runs.period[j]
                revenue[row + k - s] += runs.revenue[j]
                if k > s && runs.hasReturn[j] {
                    counts[row + k - s] += 1
                    reach = k
                }
            }
            if reach > s {
                reachDiff[s * (p + 1) + 1] += 1
                reachDiff[s * (p + 1) + reach - s + 1] -= 1
            }
            r += 1
        }
    }

}

/// One customer's events summarized per grid period (only periods with events, in order): the
/// revenue in the period and whether it holds a start or a return event. Built with one tight
/// pass over the events (a period lookup only when the period changes); reused across customers.
final class PeriodRuns {
    let period: WorkBuffer<Int>
    let revenue: WorkBuffer<Double>
    let hasStart: WorkBuffer<Bool>
    let hasReturn: WorkBuffer<Bool>
    private(set) var count = 0

    /// Room for `capacity` periods (the grid size: runs are distinct grid periods).
    init(capacity: Int) {
        period = WorkBuffer(repeating: 0, count: capacity)
        revenue = WorkBuffer(repeating: 0, count: capacity)
        hasStart = WorkBuffer(repeating: false, count: capacity)
        hasReturn = WorkBuffer(repeating: false, count: capacity)
    }

    func collect(
        _ ev: CustomerEvents, lookup: PeriodLookup, periods p: Int, asOf: Int32, startMask: EventTypeMask,
        returnMask: EventTypeMask
    ) {
        count = 0
        let n = ev.count
        let days = ev.days, types = ev.types, values = ev.values
        let periodBase = period.base, revenueBase = revenue.base
        let startBase = hasStart.base, returnBase = hasReturn.base
        let gridStart = lookup.grid.periods[0].startDay
        var i = 0
        while i < n && days[i] < gridStart { i += 1 }
        while i < n {
            let d = days[i]
            if d > asOf { break }
            let k = lookup.index(of: d)
            if k >= p { break }
            let end = min(lookup.nextStart(ofIndex: k), asOf &+ 1)
            var money = 0.0
            var flags: UInt8 = 0
            repeat {
                money += Double(values[i])
                flags |= startMask[types[i]] | returnMask[types[i]] << 1
                i += 1
            } while i < n && days[i] < end
            periodBase[count] = k
            revenueBase[count] = money
            startBase[count] = flags & 1 != 0
            returnBase[count] = flags & 2 != 0
            count += 1
        }
    }
}
