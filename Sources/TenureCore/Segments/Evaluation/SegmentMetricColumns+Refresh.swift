extension SegmentMetricColumns {
    /// The metrics held (computed, or unavailable).
    var heldMetrics: Set<SegmentMetric> { Set(numbers.keys).union(codes.keys).union(unavailable.keys) }

    /// Brings the columns up to date with `snapshot` on the same day, after new events: the
    /// customers listed in `customers` (ascending: those with new events, and new customers) are
    /// measured again; RFM scores are recomputed for everyone from the kept measures (a new
    /// purchase moves the quintile cuts), and the score metrics are read again from `scores`.
    /// Returns every customer whose value of some metric changed, ascending: `customers` may
    /// not hold them all.
    mutating func refresh(customers: [Int], snapshot: ActivitySnapshot, scores: CustomerScores?) -> [Int] {
        let n = max(customerCount, snapshot.customerCount)
        let held = heldMetrics
        grow(to: n)
        var changed = SegmentMembers(customerCount: n)
        if let lifecycle = codes[.lifecycle] {
            var column = lifecycle
            codes[.lifecycle] = nil  // no copy while it is written
            for c in customers where c < n {
                column[c] = Self.none
                guard c < snapshot.customerCount else { continue }
                snapshot.scan(c..<(c + 1)) { _, ev in column[c] = Self.lifecycleCode(ev, asOf: asOf) }
            }
            codes[.lifecycle] = column
        }
        if var signup = numbers[.daysSinceSignup] {
            numbers[.daysSinceSignup] = nil
            for c in customers where c < n {
                let first = c < snapshot.firstSeenDays.count ? snapshot.firstSeenDays[c] : ActivitySnapshot.noDay
                signup[c] = first == ActivitySnapshot.noDay || first > asOf ? .nan : Double(asOf) - Double(first)
            }
            numbers[.daysSinceSignup] = signup
        }
        if var measures = rfmMeasures {
            rfmMeasures = nil
            measures.remeasure(customers, in: snapshot, purchases: purchases, asOf: asOf)
            refreshRFM(measures, customers: customers, changed: &changed)
            rfmMeasures = measures
        }
        // Lifetime values fitted here: the day's models score the touched customers again.
        var global = held.intersection([.churnRisk, .expectedLoss])
        let lifetimeMetrics = held.intersection([.pAlive, .clv52w])
        if let models = lifetime, scores == nil, !lifetimeMetrics.isEmpty {
            rescoreLifetime(customers, models: models, metrics: lifetimeMetrics, snapshot: snapshot)
        } else {
            global.formUnion(lifetimeMetrics)
        }
        // Churn scores (and lifetime values read from a scoring or not fitted yet) are
        // population-wide: compute them again and keep the differences.
        if !global.isEmpty {
            let fresh = SegmentMetricColumns(snapshot: snapshot, asOf: asOf, metrics: global, scores: scores, purchases: purchases)
            if scores == nil, lifetime == nil { lifetime = fresh.lifetime }
            for m in global {
                unavailable[m] = fresh.unavailable[m]
                let new = fresh.numbers[m]
                if let new, let old = numbers[m], old.count == new.count {
                    for c in 0..<n where old[c].bitPattern != new[c].bitPattern { changed.insert(c) }
                } else if new != nil || numbers[m] != nil {
                    changed = .all(customerCount: n)
                }
                numbers[m] = new
            }
        }
        for c in customers { changed.insert(c) }
        return changed.indices
    }

    /// `p_alive` and `clv_52w` of `customers` from their purchases now, with `models`.
    private mutating func rescoreLifetime(_ customers: [Int], models: LifetimeModels, metrics: Set<SegmentMetric>, snapshot: ActivitySnapshot) {
        let known = customers.filter { $0 < snapshot.customerCount }
        let value = try? CustomerValue(
            models: models, snapshot: snapshot, customers: known, cutoffDay: asOf, purchases: purchases, horizonWeeks: Self.clvHorizonWeeks)
        if metrics.contains(.pAlive), var column = numbers[.pAlive] {
            numbers[.pAlive] = nil  // no copy while it is written
            for c in customers where c < column.count { column[c] = .nan }
            if let value { for c in known { column[c] = value.probabilityAlive(of: c) ?? .nan } }
            numbers[.pAlive] = column
        }
        if metrics.contains(.clv52w), var column = numbers[.clv52w] {
            numbers[.clv52w] = nil
            for c in customers where c < column.count { column[c] = .nan }
            if let value {
                for (c, clv) in zip(known, value.clvs(of: known)) where value.rowOfCustomer[c] >= 0 { column[c] = clv }
            }
            numbers[.clv52w] = column
        }
    }

    /// New scores and segments for everyone; the measures of `customers` written out.
    private mutating func refreshRFM(_ measures: SegmentRFMMeasures, customers: [Int], changed: inout SegmentMembers) {
        let held = heldMetrics
        for c in customers where c < customerCount {
            let scored = measures.counts[c] > 0
            if held.contains(.recency) { numbers[.recency]![c] = scored ? Double(asOf &- measures.lastDays[c]) : .nan }
            if held.contains(.frequency) { numbers[.frequency]![c] = scored ? Double(measures.counts[c]) : .nan }
            if held.contains(.monetary) { numbers[.monetary]![c] = scored ? measures.money[c] : .nan }
        }
        guard !held.isDisjoint(with: [.rScore, .fScore, .mScore, .rfm]) else { return }
        let (r, f, m) = measures.scores()
        func rewrite(_ metric: SegmentMetric, _ scores: [UInt8]) {
            guard var column = numbers[metric] else { return }
            numbers[metric] = nil
            for c in 0..<customerCount {
                let new = scores[c] == 0 ? Double.nan : Double(scores[c])
                if column[c].bitPattern != new.bitPattern {
                    column[c] = new
                    changed.insert(c)
                }
            }
            numbers[metric] = column
        }
        rewrite(.rScore, r)
        rewrite(.fScore, f)
        rewrite(.mScore, m)
        guard var column = codes[.rfm] else { return }
        codes[.rfm] = nil
        let table = RFMSegment.codeTable.map { s in UInt8(RFMSegment.allCases.firstIndex(of: s) ?? Int(Self.none)) }
        for c in 0..<customerCount {
            let new = r[c] == 0 ? Self.none : table[Int(r[c]) * 6 + (Int(f[c]) + Int(m[c]) + 1) / 2]
            if column[c] != new {
                column[c] = new
                changed.insert(c)
            }
        }
        codes[.rfm] = column
    }

    /// More customers: their values missing until measured.
    mutating func grow(to n: Int) {
        guard n > customerCount else { return }
        let extra = n - customerCount
        for m in Array(numbers.keys) { numbers[m]! += [Double](repeating: .nan, count: extra) }
        for m in Array(codes.keys) { codes[m]! += [UInt8](repeating: Self.none, count: extra) }
        rfmMeasures?.grow(to: n)
        customerCount = n
    }

    /// The customers among `customers` whose `metric` passes `predicate`: bit `i` is `customers[i]`.
    public func members(_ metric: SegmentMetric, _ predicate: SegmentPredicate, of customers: [Int]) -> SegmentMembers {
        if let column = codes[metric] {
            let names = metric == .rfm ? SegmentMetric.rfmSegmentNames : SegmentMetric.lifecycleStates
            let pass = names.map { predicate.holds(string: $0) }
            return SegmentMembers(customerCount: customers.count) { i in
                let c = customers[i]
                return c < column.count && column[c] != Self.none && pass[Int(column[c])]
            }
        }
        guard let column = numbers[metric] else { return SegmentMembers(customerCount: customers.count) }
        return SegmentMembers(customerCount: customers.count) { i in
            customers[i] < column.count && predicate.holds(number: column[customers[i]])
        }
    }
}
