/// Turns per-customer activity spells (first active day, first day no longer active) into the
/// per-period counts of a ``ChurnReport``. Shared by both churn definitions.
struct ActivitySpellCounter: Sendable {
    let grid: PeriodGrid
    let lookup: PeriodLookup
    let asOf: Int32
    var atStartDiff: [Int]
    var lost: [Int]
    var acquired: [Int]
    var reactivated: [Int]
    /// Spells covering `asOf`.
    var activeOnAsOf = 0

    init(grid: PeriodGrid, lookup: PeriodLookup, asOf: Int32) {
        self.grid = grid
        self.lookup = lookup
        self.asOf = asOf
        let p = grid.count
        atStartDiff = [Int](repeating: 0, count: p + 2)
        lost = [Int](repeating: 0, count: p)
        acquired = [Int](repeating: 0, count: p)
        reactivated = [Int](repeating: 0, count: p)
    }

    /// One spell: active from `start` through `lossDay − 1`; `lossDay` may lie after `asOf` (still
    /// active). `isFirst`: the customer's first spell.
    @inline(__always)
    mutating func add(start: Int32, lossDay: Int32, isFirst: Bool) {
        let p = grid.count
        let startPeriod = lookup.index(of: start)
        if startPeriod >= 0 && startPeriod < p {
            if isFirst { acquired[startPeriod] += 1 } else { reactivated[startPeriod] += 1 }
        }
        if start <= asOf && lossDay > asOf { activeOnAsOf += 1 }
        // Active at the start of period k ⇔ active on its eve ⇔ start < startDay(k) ≤ lossDay.
        // Counted for one period past the grid, to give the last period's end count.
        let first = max(startPeriod + 1, 0)
        let lossPeriod = lookup.index(of: lossDay)
        let last = min(lossPeriod, p)
        if first <= last {
            atStartDiff[first] += 1
            atStartDiff[last + 1] -= 1
            if lossDay <= asOf && lossPeriod <= p - 1 { lost[lossPeriod] += 1 }
        }
    }

    mutating func merge(_ o: ActivitySpellCounter) {
        for i in atStartDiff.indices { atStartDiff[i] += o.atStartDiff[i] }
        activeOnAsOf += o.activeOnAsOf
        for i in lost.indices {
            lost[i] += o.lost[i]
            acquired[i] += o.acquired[i]
            reactivated[i] += o.reactivated[i]
        }
    }

    func report(definition: ChurnDefinition, window: InactivityWindow?) -> ChurnReport {
        var atStart: [Int] = []
        var running = 0
        for k in 0...grid.count {
            running += atStartDiff[k]
            atStart.append(running)
        }
        var rows: [ChurnReport.Row] = []
        for k in 0..<grid.count where grid.periods[k].startDay <= asOf {
            let a = atStart[k], l = lost[k]
            let incomplete = grid.periods[k].endDay > asOf
            let rate = a == 0 ? 0 : Double(l) / Double(a)
            rows.append(
                ChurnReport.Row(
                    period: grid.periods[k], activeAtStart: a, lost: l,
                    activeAtEnd: incomplete ? activeOnAsOf : atStart[k + 1],
                    acquired: acquired[k], reactivated: reactivated[k], churnRate: rate,
                    retentionRate: 1 - rate, incomplete: incomplete))
        }
        return ChurnReport(definition: definition, inactivityWindow: window, unit: grid.unit, asOf: asOf, rows: rows)
    }
}
