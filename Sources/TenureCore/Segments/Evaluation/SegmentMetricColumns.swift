/// The computed metrics segments test, one column per metric over every snapshot customer, computed
/// once per evaluation day and shared by every segment evaluated that day. Numeric columns hold NaN
/// for a customer lacking the metric; RFM segments and lifecycle states are codes (``none`` when
/// lacking).
public struct SegmentMetricColumns: Sendable {
    public internal(set) var asOf: Int32
    public internal(set) var customerCount: Int
    /// Numeric metrics computed.
    public internal(set) var numbers: [SegmentMetric: [Double]] = [:]
    /// `rfm`: the index in ``SegmentMetric/rfmSegmentNames``; `lifecycle`: in ``SegmentMetric/lifecycleStates``.
    public internal(set) var codes: [SegmentMetric: [UInt8]] = [:]
    /// Metrics that could not be computed for anyone, with the reason (no churn scores yet, a
    /// lifetime model that did not fit): every condition on them is false.
    public internal(set) var unavailable: [SegmentMetric: String] = [:]

    public static let none: UInt8 = .max
    /// The horizon of `clv_52w`.
    static let clvHorizonWeeks = 52.0
    /// What counts as a purchase for the RFM metrics.
    let purchases: EventSelection
    /// Every customer's RFM measures, when an RFM metric was computed (for refreshes).
    var rfmMeasures: SegmentRFMMeasures?
    /// The lifetime models `p_alive` and `clv_52w` were computed with, when fitted here rather
    /// than read from scores: a refresh scores the customers with new events with them again.
    var lifetime: LifetimeModels?

    /// Days of one lifecycle period: states compare the 30 days ending on the evaluation day with
    /// the 30 before (rolling, so a month's first days do not make everyone dormant).
    public static let lifecyclePeriodDays: Int32 = 30

    /// Computes `metrics` for the snapshot's customers on day `asOf`.
    ///
    /// - RFM measures, scores and segments: ``RFMQuery`` over every purchase up to `asOf`, as the
    ///   dashboard's RFM grid shows them.
    /// - `lifecycle`: PostHog's states (see ``LifecycleQuery``) over periods of
    ///   ``lifecyclePeriodDays`` ending on `asOf`, any event counting as activity.
    /// - `churn_risk`, `expected_loss`: from `scores` (the latest churn scoring); unavailable without.
    /// - `p_alive`, `clv_52w`: from `scores` when given, else BG/NBD + Gamma-Gamma fitted on the
    ///   purchases up to `asOf`; refreshes after new events keep this fit and score only the
    ///   customers the events touched (the next full evaluation fits again).
    public init(
        snapshot: ActivitySnapshot, asOf: Int32, metrics: Set<SegmentMetric>, scores: CustomerScores? = nil,
        purchases: EventSelection = .purchases
    ) {
        self.asOf = asOf
        self.purchases = purchases
        customerCount = snapshot.customerCount
        let n = customerCount
        let rfmMetrics: Set<SegmentMetric> = [.recency, .frequency, .monetary, .rfm, .rScore, .fScore, .mScore]
        if !metrics.isDisjoint(with: rfmMetrics) {
            let report = RFMQuery(purchases: purchases, asOf: asOf).run(on: snapshot)
            rfmMeasures = SegmentRFMMeasures(report: report, asOf: asOf, customerCount: n)
            func column<T>(_ metric: SegmentMetric, _ values: [T], _ read: (T) -> Double) {
                guard metrics.contains(metric) else { return }
                var out = [Double](repeating: .nan, count: n)
                for (i, c) in report.customers.enumerated() { out[Int(c)] = read(values[i]) }
                numbers[metric] = out
            }
            column(.recency, report.recencyDays) { Double($0) }
            column(.frequency, report.frequency) { Double($0) }
            column(.monetary, report.monetary) { $0 }
            column(.rScore, report.recencyScores) { Double($0) }
            column(.fScore, report.frequencyScores) { Double($0) }
            column(.mScore, report.monetaryScores) { Double($0) }
            if metrics.contains(.rfm) {
                let order = Dictionary(uniqueKeysWithValues: RFMSegment.allCases.enumerated().map { ($1, UInt8($0)) })
                var out = [UInt8](repeating: Self.none, count: n)
                for (i, c) in report.customers.enumerated() { out[Int(c)] = order[report.segments[i]] ?? Self.none }
                codes[.rfm] = out
            }
        }
        if metrics.contains(.lifecycle) { codes[.lifecycle] = Self.lifecycle(snapshot, asOf: asOf) }
        if metrics.contains(.daysSinceSignup) {
            // A customer first seen after the evaluation day had not signed up yet: no value.
            numbers[.daysSinceSignup] = snapshot.firstSeenDays.map { $0 == ActivitySnapshot.noDay || $0 > asOf ? .nan : Double(asOf) - Double($0) }
        }
        let scoreMetrics: [(SegmentMetric, KeyPath<CustomerScores, [Double]>)] = [
            (.churnRisk, \.churnRisk), (.expectedLoss, \.expectedLoss), (.pAlive, \.probabilityAlive), (.clv52w, \.clv),
        ]
        for (metric, path) in scoreMetrics where metrics.contains(metric) {
            if let scores {
                var out = scores[keyPath: path]
                if out.count < n { out += [Double](repeating: .nan, count: n - out.count) }
                numbers[metric] = Array(out.prefix(n))
            } else if metric == .churnRisk || metric == .expectedLoss {
                unavailable[metric] = "no churn scores yet"
            }
        }
        let fitted = metrics.intersection([.pAlive, .clv52w]).filter { numbers[$0] == nil }
        if !fitted.isEmpty {
            do {
                let value = try CustomerValue(snapshot: snapshot, cutoffDay: asOf, purchases: purchases, horizonWeeks: Self.clvHorizonWeeks)
                lifetime = value.models
                if fitted.contains(.pAlive) { numbers[.pAlive] = (0..<n).map { value.probabilityAlive(of: $0) ?? .nan } }
                if fitted.contains(.clv52w) {
                    let clvs = value.clvs(of: Array(0..<n))
                    numbers[.clv52w] = (0..<n).map { value.rowOfCustomer[$0] >= 0 ? clvs[$0] : .nan }
                }
            } catch {
                for m in fitted { unavailable[m] = "the lifetime model could not be fitted: \(error)" }
            }
        }
        for m in metrics where numbers[m] == nil && codes[m] == nil && unavailable[m] == nil {
            unavailable[m] = "not computed"
        }
    }

    /// Per customer: 0 new, 1 returning, 2 resurrecting, 3 dormant, ``none`` otherwise.
    static func lifecycle(_ snapshot: ActivitySnapshot, asOf: Int32) -> [UInt8] {
        var out = [UInt8](repeating: none, count: snapshot.customerCount)
        snapshot.scan(0..<snapshot.customerCount) { c, ev in out[c] = lifecycleCode(ev, asOf: asOf) }
        return out
    }

    /// One customer's lifecycle code (see ``lifecycle(_:asOf:)``).
    static func lifecycleCode(_ ev: CustomerEvents, asOf: Int32) -> UInt8 {
        let p = lifecyclePeriodDays
        let currentStart = asOf - p + 1, previousStart = asOf - 2 * p + 1
        var before = false, previous = false, current = false
        for i in 0..<ev.count {
            let d = ev.days[i]
            if d > asOf { break }
            if d >= currentStart { current = true } else if d >= previousStart { previous = true } else { before = true }
        }
        switch (before, previous, current) {
        case (false, false, true): return 0
        case (_, true, true): return 1
        case (true, false, true): return 2
        case (_, true, false): return 3
        default: return none
        }
    }

    /// The customers whose `metric` passes `predicate`.
    public func members(_ metric: SegmentMetric, _ predicate: SegmentPredicate) -> SegmentMembers {
        if let column = codes[metric] {
            let names = metric == .rfm ? SegmentMetric.rfmSegmentNames : SegmentMetric.lifecycleStates
            let pass = names.map { predicate.holds(string: $0) }
            return column.withUnsafeBufferPointer { col in
                SegmentMembers(customerCount: customerCount) { i in col[i] != Self.none && pass[Int(col[i])] }
            }
        }
        guard let column = numbers[metric] else { return SegmentMembers(customerCount: customerCount) }
        return column.withUnsafeBufferPointer { col in
            SegmentMembers(customerCount: customerCount) { i in predicate.holds(number: col[i]) }
        }
    }

    /// Customer `customer`'s value of `metric` as JSON (`nil` when lacking), for member listings.
    public func value(_ metric: SegmentMetric, of customer: Int) -> JSONValue? {
        guard customer >= 0, customer < customerCount else { return nil }
        if let column = codes[metric] {
            let c = column[customer]
            guard c != Self.none else { return nil }
            return .string(metric == .rfm ? SegmentMetric.rfmSegmentNames[Int(c)] : SegmentMetric.lifecycleStates[Int(c)])
        }
        guard let x = numbers[metric]?[customer], !x.isNaN else { return nil }
        return .number(x)
    }

    /// Bytes held.
    public var memoryFootprint: Int { numbers.values.reduce(0) { $0 + $1.count * 8 } + codes.values.reduce(0) { $0 + $1.count } }
}
