/// Churn for businesses without contracts (shops, apps): a customer is active while their last
/// qualifying activity (a purchase, by default) is within the inactivity window, and lost on the
/// day the window runs out.
///
/// With a window of `W` days, activity on day `d` keeps the customer active through `d + W − 1`;
/// if their next activity comes after `d + W` they are lost on day `d + W`, and become
/// "reactivated" when they come back.
public struct NonContractualChurnQuery: Sendable, Hashable, Codable {
    /// The events that keep a customer active (default: purchases).
    public var activity: EventSelection
    /// The inactivity window in days; `nil` derives it from the data (the 90th percentile of the
    /// gaps between consecutive activity days, see ``InactivityWindow/derived(from:activity:percentile:asOf:)``).
    public var windowDays: Int32?
    public var unit: PeriodUnit
    public var range: DayRange
    /// The analysis day: later events are ignored. Defaults to the last event day.
    public var asOf: Int32?

    public init(
        activity: EventSelection = .purchases, windowDays: Int32? = nil, unit: PeriodUnit = .month,
        range: DayRange, asOf: Int32? = nil
    ) {
        self.activity = activity
        self.windowDays = windowDays
        self.unit = unit
        self.range = range
        self.asOf = asOf
    }

    public func run(on snapshot: ActivitySnapshot) -> ChurnReport {
        let asOf = asOf ?? snapshot.reportRange?.upperBound ?? range.last
        let window = windowDays.map { InactivityWindow.fixed(days: $0) }
            ?? InactivityWindow.derived(from: snapshot, activity: activity, asOf: asOf)
        let grid = PeriodGrid(unit: unit, range: range)
        let lookup = grid.lookup(covering: snapshot.dayRange)
        let mask = activity.mask()
        let w = window.days
        let ranges = snapshot.workRanges()
        let partials = ParallelWork.map(ranges.count) { part in
            var counter = ActivitySpellCounter(grid: grid, lookup: lookup, asOf: asOf)
            snapshot.scan(ranges[part]) { _, ev in
                var spellStart = Int32.min, last = Int32.min, isFirst = true
                for i in 0..<ev.count where mask.contains(ev.types[i]) {
                    let d = ev.days[i]
                    if d > asOf { break }
                    if spellStart == Int32.min {
                        spellStart = d
                    } else if d > last + w {
                        counter.add(start: spellStart, lossDay: last + w, isFirst: isFirst)
                        isFirst = false
                        spellStart = d
                    }
                    last = d
                }
                if spellStart != Int32.min { counter.add(start: spellStart, lossDay: last + w, isFirst: isFirst) }
            }
            return counter
        }
        var total = partials[0]
        for other in partials.dropFirst() { total.merge(other) }
        return total.report(definition: .nonContractual, window: window)
    }
}
