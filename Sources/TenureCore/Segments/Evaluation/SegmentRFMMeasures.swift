/// Every customer's RFM measures, kept beside ``SegmentMetricColumns`` so a refresh can rescan only
/// the customers with new events: the last purchase day, the number of purchases and their total
/// value, over the purchases on or before the evaluation day (as ``RFMQuery`` measures them).
/// Scores are then recomputed for everyone from these columns alone, since one customer's new
/// purchase can move the quintile cuts of all the others.
struct SegmentRFMMeasures: Sendable {
    /// Per customer: the last purchase day (meaningful only when ``counts`` is above 0).
    var lastDays: [Int32]
    /// Per customer: purchases on or before the evaluation day; 0 for a customer not scored.
    var counts: [Int32]
    /// Per customer: their summed value.
    var money: [Double]

    /// The measures of ``RFMQuery``'s report, for `customerCount` customers.
    init(report: RFMReport, asOf: Int32, customerCount n: Int) {
        lastDays = [Int32](repeating: 0, count: n)
        counts = [Int32](repeating: 0, count: n)
        money = [Double](repeating: 0, count: n)
        for (i, c) in report.customers.enumerated() where Int(c) < n {
            lastDays[Int(c)] = asOf &- report.recencyDays[i]
            counts[Int(c)] = report.frequency[i]
            money[Int(c)] = report.monetary[i]
        }
    }

    mutating func grow(to n: Int) {
        guard n > counts.count else { return }
        let extra = n - counts.count
        lastDays += [Int32](repeating: 0, count: extra)
        counts += [Int32](repeating: 0, count: extra)
        money += [Double](repeating: 0, count: extra)
    }

    /// Measures `customers` again from the snapshot, with ``RFMQuery``'s arithmetic (the same
    /// additions in the same order, so totals are equal to the bit).
    mutating func remeasure(_ customers: [Int], in snapshot: ActivitySnapshot, purchases: EventSelection, asOf: Int32) {
        let mask = purchases.mask()
        for c in customers where c >= 0 && c < counts.count {
            var n: Int32 = 0, sum = 0.0, last: Int32 = 0
            if c < snapshot.customerCount { snapshot.scan(c..<(c + 1)) { _, ev in
                for i in 0..<ev.count where ev.days[i] <= asOf {
                    let hit = mask[ev.types[i]]
                    n &+= Int32(hit)
                    let keep = 0 &- UInt64(hit)
                    sum += Double(bitPattern: Double(ev.values[i]).bitPattern & keep)
                    if hit != 0 { last = ev.days[i] }
                }
            } }
            counts[c] = n
            money[c] = n == 0 ? 0 : sum
            lastDays[c] = n == 0 ? 0 : last
        }
    }

    /// Recency, frequency and monetary scores (1…5, 0 for a customer not scored) of every
    /// customer: SQL `NTILE(5)` over the scored customers, ties broken by customer index, exactly
    /// as ``RFMQuery`` scores them.
    func scores() -> (recency: [UInt8], frequency: [UInt8], monetary: [UInt8]) {
        var buyers: [Int32] = []
        buyers.reserveCapacity(counts.count / 2)
        for c in counts.indices where counts[c] > 0 { buyers.append(Int32(c)) }
        let r = Self.ntile(buyers: buyers, customerCount: counts.count) { RadixSort.key(Int64(lastDays[Int($0)])) }
        let f = Self.ntile(buyers: buyers, customerCount: counts.count) { UInt64(UInt32(bitPattern: counts[Int($0)])) }
        let m = Self.ntile(buyers: buyers, customerCount: counts.count) { RadixSort.key(money[Int($0)]) }
        return (r, f, m)
    }

    /// Scores 1…5 by `key` (ascending, ties by customer index) for `buyers` (ascending indices).
    static func ntile(buyers: [Int32], customerCount: Int, key: (Int32) -> UInt64) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: customerCount)
        let n = buyers.count
        guard n > 0 else { return out }
        let keys = buyers.map(key)
        let lo = keys.min()!, hi = keys.max()!
        let span = hi - lo
        // Buckets of equal key width, at most 65,536; the cut's bucket is then searched alone.
        let shift = max(0, (UInt64.bitWidth - span.leadingZeroBitCount) - 16)
        var histogram = [Int](repeating: 0, count: Int(span >> UInt64(shift)) + 1)
        for k in keys { histogram[Int((k - lo) >> UInt64(shift))] += 1 }
        // The (key, customer) at each group start: a customer reaches a cut when at or above it.
        var cuts: [(key: UInt64, customer: Int32)] = []
        for start in RFMQuery.groupStarts(n) where start < n {
            var bucket = 0, before = 0
            while before + histogram[bucket] <= start {
                before += histogram[bucket]
                bucket += 1
            }
            var inBucket: [(key: UInt64, customer: Int32)] = []
            for i in 0..<n where Int((keys[i] - lo) >> UInt64(shift)) == bucket { inBucket.append((keys[i], buyers[i])) }
            // Within one bucket of width 1 every key is equal and buyers are in index order already.
            if shift > 0 { inBucket.sort { $0.key != $1.key ? $0.key < $1.key : $0.customer < $1.customer } }
            cuts.append(inBucket[start - before])
        }
        for i in 0..<n {
            var score: UInt8 = 1
            for cut in cuts where keys[i] > cut.key || (keys[i] == cut.key && buyers[i] >= cut.customer) { score += 1 }
            out[Int(buyers[i])] = score
        }
        return out
    }
}
