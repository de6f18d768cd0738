/// Customer lifetime, from the start of a customer's first active spell to the day they were first
/// lost, as Kaplan–Meier survival curves (overall and per group) with mean and median lifetimes.
/// Customers still active at `asOf` are right-censored, so lifetimes are not understated.
///
/// Non-contractual: the spell starts at the first qualifying activity and ends when the inactivity
/// window runs out (see ``NonContractualChurnQuery``). Contractual: it starts at the first
/// subscription and ends when the customer has no subscription left (see
/// ``ContractualChurnQuery``; the `end` basis).
public struct CustomerLifetimeQuery: Sendable, Hashable, Codable {
    /// How customers are grouped into curves besides the overall one.
    public enum Grouping: Sendable, Hashable, Codable {
        case none
        /// By the period of the lifetime's start (acquisition cohort).
        case cohort(PeriodUnit)
        /// By the plan of the first subscription (contractual only; `none` otherwise).
        case plan
    }

    public var grouping: Grouping
    /// The analysis day.
    public var asOf: Int32
    public var confidenceLevel: Double

    public init(grouping: Grouping = .none, asOf: Int32, confidenceLevel: Double = 0.95) {
        self.grouping = grouping
        self.asOf = asOf
        self.confidenceLevel = confidenceLevel
    }

    /// Non-contractual lifetimes (`windowDays` nil: derived as in ``NonContractualChurnQuery``).
    public func run(
        on snapshot: ActivitySnapshot, activity: EventSelection = .purchases, windowDays: Int32? = nil
    ) -> CustomerLifetimeReport {
        let asOf = asOf
        let window = windowDays.map { InactivityWindow.fixed(days: $0) }
            ?? InactivityWindow.derived(from: snapshot, activity: activity, asOf: asOf)
        let w = window.days
        let mask = activity.mask()
        let ranges = snapshot.workRanges()
        let parts = ParallelWork.map(ranges.count) { part in
            var starts: [Int32] = [], ends: [Int32] = []
            snapshot.scan(ranges[part]) { _, ev in
                var first = Int32.min, last = Int32.min, loss = Int32.max
                for i in 0..<ev.count where mask.contains(ev.types[i]) {
                    let d = ev.days[i]
                    if d > asOf { break }
                    if first == Int32.min {
                        first = d
                    } else if d > last + w {
                        loss = last + w
                        break
                    }
                    last = d
                }
                if first == Int32.min { return }
                if loss == Int32.max { loss = last + w }
                starts.append(first)
                ends.append(loss)
            }
            return (starts, ends)
        }
        var starts: [Int32] = [], ends: [Int32] = []
        for p in parts {
            starts += p.0
            ends += p.1
        }
        return report(
            definition: .nonContractual, window: window, starts: starts, ends: ends,
            plans: nil, planNames: [])
    }

    /// Contractual lifetimes from subscription spans.
    public func run(on subscriptions: SubscriptionSpans) -> CustomerLifetimeReport {
        var starts: [Int32] = [], ends: [Int32] = [], plans: [UInt16] = []
        subscriptions.forEachCustomer { spans in
            var start = Int32.max, end = Int32.min, plan: UInt16 = 0
            for s in spans where s.startDay <= asOf {
                if start == Int32.max {
                    start = s.startDay
                    end = s.endDay ?? Int32.max
                    plan = s.plan
                } else if s.startDay <= end {
                    end = max(end, s.endDay ?? Int32.max)
                } else {
                    break
                }
            }
            if start == Int32.max { return }
            starts.append(start)
            ends.append(end)
            plans.append(plan)
        }
        return report(
            definition: .contractual, window: nil, starts: starts, ends: ends, plans: plans,
            planNames: subscriptions.plans)
    }

    func report(
        definition: ChurnDefinition, window: InactivityWindow?, starts: [Int32], ends: [Int32], plans: [UInt16]?,
        planNames: [String]
    ) -> CustomerLifetimeReport {
        let n = starts.count
        var durations = [Int32](repeating: 0, count: n), observed = [Bool](repeating: false, count: n)
        for i in 0..<n {
            if ends[i] <= asOf {
                durations[i] = ends[i] - starts[i]
                observed[i] = true
            } else {
                durations[i] = asOf - starts[i] + 1
            }
        }
        // Group by an integer key (cohort ordinal or plan id): per-group day histograms, no
        // per-customer dictionaries.
        var keyOf: ((Int) -> Int)?
        var labelOf: (Int) -> String = { String($0) }
        switch grouping {
        case .none: break
        case .cohort(let unit):
            keyOf = { unit.ordinal(of: starts[$0]) }
            labelOf = { unit.label(startDay: unit.startDay(ofOrdinal: $0)) }
        case .plan:
            if let plans {
                keyOf = { Int(plans[$0]) }
                labelOf = { $0 < planNames.count ? planNames[$0] : "plan \($0)" }
            }
        }
        var groups: [CustomerLifetimeReport.Group] = []
        if let keyOf, n > 0 {
            let keys = (0..<n).map(keyOf)
            let lo = keys.min()!, hi = keys.max()!
            let maxT = Int(durations.max() ?? 0)
            var deaths = [[Int]](repeating: [], count: hi - lo + 1)
            var censored = deaths
            for i in 0..<n {
                let g = keys[i] - lo
                if deaths[g].isEmpty {
                    deaths[g] = [Int](repeating: 0, count: maxT + 1)
                    censored[g] = deaths[g]
                }
                if observed[i] { deaths[g][Int(durations[i])] += 1 } else { censored[g][Int(durations[i])] += 1 }
            }
            for g in deaths.indices where !deaths[g].isEmpty {
                groups.append(
                    CustomerLifetimeReport.Group(
                        label: labelOf(g + lo),
                        curve: SurvivalCurve(deaths: deaths[g], censored: censored[g], confidenceLevel: confidenceLevel)))
            }
            groups.sort { $0.label < $1.label }
        }
        return CustomerLifetimeReport(
            definition: definition, inactivityWindow: window, asOf: asOf,
            overall: SurvivalCurve(durations: durations, observed: observed, confidenceLevel: confidenceLevel),
            groups: groups)
    }
}
