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
        let asOf = asOf ?? snapshot.dayRange?.upperBound ?? range.last
        let lookup = grid.lookup(covering: snapshot.dayRange)
        let p = grid.count
        let startMask = startEvent.mask(), returnMask = returnEvent.mask()
        let query = self
        let ranges = snapshot.workRanges()
        let partials = ParallelWork.map(ranges.count) { part in
            var acc = CohortAccumulator(periods: p)
            var startPeriods: [Int] = [], returnPeriods: [Int] = []
            snapshot.scan(ranges[part]) { _, ev in
                acc.add(
                    ev, query: query, lookup: lookup, asOf: asOf, startMask: startMask,
                    returnMask: returnMask, startPeriods: &startPeriods, returnPeriods: &returnPeriods)
            }
            return acc
        }
        var total = partials[0]
        for other in partials.dropFirst() { total.merge(other) }
        return total.matrix(query: self, grid: grid, asOf: asOf)
    }
}

/// Per-worker counts of a cohort table, flat `cohort × offset` arrays.
struct CohortAccumulator: Sendable {
    let periods: Int
    var sizes: [Int]
    var counts: [Int]
    /// Difference array of the on-or-after counts, `cohort × (offset + 1)`.
    var reachDiff: [Int]
    var revenue: [Double]

    init(periods p: Int) {
        periods = p
        sizes = [Int](repeating: 0, count: p)
        counts = [Int](repeating: 0, count: p * p)
        reachDiff = [Int](repeating: 0, count: p * (p + 1))
        revenue = [Double](repeating: 0, count: p * p)
    }

    mutating func add(
        _ ev: CustomerEvents, query: CohortRetentionQuery, lookup: PeriodLookup, asOf: Int32,
        startMask: EventTypeMask, returnMask: EventTypeMask,
        startPeriods: inout [Int], returnPeriods: inout [Int]
    ) {
        let p = periods
        switch query.cohortType {
        case .firstTime:
            var first = -1
            for i in 0..<ev.count where startMask.contains(ev.types[i]) {
                first = i
                break
            }
            if first < 0 || ev.days[first] > asOf { return }
            let s = lookup.index(of: ev.days[first])
            if s < 0 || s >= p { return }
            sizes[s] += 1
            var last = s, reach = s
            let row = s * p
            for i in 0..<ev.count {
                let d = ev.days[i]
                if d > asOf { break }
                let k = lookup.index(of: d)
                if k < s { continue }
                if k >= p { break }
                let v = ev.values[i]
                if v != 0 { revenue[row + k - s] += Double(v) }
                if k > last && returnMask.contains(ev.types[i]) {
                    counts[row + k - s] += 1
                    last = k
                    reach = k
                }
            }
            if reach > s {
                reachDiff[s * (p + 1) + 1] += 1
                reachDiff[s * (p + 1) + reach - s + 1] -= 1
            }
        case .recurring:
            startPeriods.removeAll(keepingCapacity: true)
            returnPeriods.removeAll(keepingCapacity: true)
            for i in 0..<ev.count {
                let d = ev.days[i]
                if d > asOf { break }
                let k = lookup.index(of: d)
                if k < 0 { continue }
                if k >= p { break }
                let t = ev.types[i]
                if startMask.contains(t) && startPeriods.last != k { startPeriods.append(k) }
                if returnMask.contains(t) && returnPeriods.last != k { returnPeriods.append(k) }
            }
            if startPeriods.isEmpty { return }
            let reach = returnPeriods.last ?? -1
            for s in startPeriods {
                sizes[s] += 1
                let row = s * p
                for k in returnPeriods where k > s { counts[row + k - s] += 1 }
                if reach > s {
                    reachDiff[s * (p + 1) + 1] += 1
                    reachDiff[s * (p + 1) + reach - s + 1] -= 1
                }
                for i in 0..<ev.count where ev.values[i] != 0 {
                    let d = ev.days[i]
                    if d > asOf { break }
                    let k = lookup.index(of: d)
                    if k >= p { break }
                    if k >= s { revenue[row + k - s] += Double(ev.values[i]) }
                }
            }
        }
    }

    mutating func merge(_ o: CohortAccumulator) {
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
