/// Recency, frequency and monetary scores of every purchasing customer at a date, the named
/// segments they fall in (see ``RFMSegment``), and per-segment counts and revenue.
///
/// Measures over the purchases on or before `asOf` (and within `lookbackDays`, when given):
/// recency = days from the last purchase to `asOf`; frequency = number of purchases; monetary =
/// their total value. Customers without a purchase are not scored.
///
/// **Scores** are quintiles like SQL `NTILE(5)`: customers are ranked by the measure, worst first
/// (longest recency, fewest purchases, least revenue), **ties broken by customer index**
/// (lower index first, as pandas `rank(method='first')` does in index order), and the ranked list
/// is cut into 5 groups as equal as possible, the first `n mod 5` groups one customer larger.
/// Score 5 is the best group.
public struct RFMQuery: Sendable, Hashable, Codable {
    public var purchases: EventSelection
    /// The scoring day (days since 1970-01-01 UTC).
    public var asOf: Int32
    /// Only purchases within this many days before `asOf` (inclusive) count; `nil` for all history.
    public var lookbackDays: Int32?

    public init(purchases: EventSelection = .purchases, asOf: Int32, lookbackDays: Int32? = nil) {
        self.purchases = purchases
        self.asOf = asOf
        self.lookbackDays = lookbackDays
    }

    public func run(on snapshot: ActivitySnapshot) -> RFMReport {
        let mask = purchases.mask()
        let asOf = asOf
        let since = lookbackDays.map { asOf - $0 + 1 } ?? Int32.min
        let ranges = snapshot.workRanges()
        struct Part: Sendable {
            var customers: [Int32] = [], last: [Int32] = [], count: [Int32] = [], money: [Double] = []
        }
        // Every worker writes the measures of its own customers into shared per-customer columns
        // (a frequency of 0 marks a customer without purchases), then they are compacted.
        let total = snapshot.customerCount
        let columns = RFMColumns(customers: total)
        defer { columns.release() }
        let buyersPerPart = ParallelWork.map(ranges.count) { part in
            let range = ranges[part]
            let lastOut = columns.last, countOut = columns.count, moneyOut = columns.money
            snapshot.scan(range) { c, ev in
                // Events are sorted by day: trim to the window, then count without branching on
                // the event type (purchases are interleaved unpredictably with other events).
                var hi = ev.count
                while hi > 0 && ev.days[hi - 1] > asOf { hi -= 1 }
                var lo = 0
                while lo < hi && ev.days[lo] < since { lo += 1 }
                var l = Int32.min, n: Int32 = 0, sum = 0.0
                for i in lo..<hi {
                    let hit = mask[ev.types[i]]
                    n &+= Int32(hit)
                    sum += hit != 0 ? Double(ev.values[i]) : 0
                    l = hit != 0 ? ev.days[i] : l
                }
                lastOut[c] = l
                countOut[c] = n
                moneyOut[c] = sum
            }
            var buyers = 0
            for c in range where countOut[c] > 0 { buyers += 1 }
            return buyers
        }
        // Compact the purchasing customers into dense columns, each worker filling its own slice.
        var offsets = [0]
        for b in buyersPerPart { offsets.append(offsets.last! + b) }
        let firstOut = offsets, buyers = offsets.last!
        var all = Part()
        all.customers = [Int32](repeating: 0, count: buyers)
        all.last = [Int32](repeating: 0, count: buyers)
        all.count = [Int32](repeating: 0, count: buyers)
        all.money = [Double](repeating: 0, count: buyers)
        all.customers.withUnsafeMutableBufferPointer { oc in
            all.last.withUnsafeMutableBufferPointer { ol in
                all.count.withUnsafeMutableBufferPointer { on in
                    all.money.withUnsafeMutableBufferPointer { om in
                        let out = RFMOutput(customers: oc, last: ol, count: on, money: om)
                        ParallelWork.run(ranges.count) { part in
                            var j = firstOut[part]
                            for c in ranges[part] where columns.count[c] > 0 {
                                out.customers[j] = Int32(c)
                                out.last[j] = columns.last[c]
                                out.count[j] = columns.count[c]
                                out.money[j] = columns.money[c]
                                j += 1
                            }
                        }
                    }
                }
            }
        }
        let n = all.customers.count
        // Recency (last purchase day) and frequency are small integers: their scores come straight
        // from a counting pass. Monetary totals are doubles: threshold selection, started first
        // as the longest job.
        let last = all.last, count = all.count, money = all.money
        let scores = ParallelWork.map(n > 100_000 ? 3 : 1) { which -> [[UInt8]] in
            let mine = n > 100_000 ? [which] : [0, 1, 2]
            return mine.map { metric in
                switch metric {
                case 0: Self.ntile5(keys: money.map { RadixSort.key($0) })
                case 1: Self.ntile5(smallIntegers: last)
                default: Self.ntile5(smallIntegers: count)
                }
            }
        }.flatMap { $0 }
        return RFMReport(
            asOf: asOf, lookbackDays: lookbackDays, customers: all.customers,
            recencyDays: all.last.map { asOf - $0 }, frequency: all.count, monetary: all.money,
            recencyScores: scores[1], frequencyScores: scores[2], monetaryScores: scores[0])
    }

    /// Score 1…5 per position for integer measures (higher is better), ties by position: the rank
    /// of each value comes from a counting pass over the value range, so reads and writes stay
    /// sequential. Falls back to a radix sort when the values span more than 2¹⁸.
    static func ntile5(smallIntegers values: [Int32]) -> [UInt8] {
        let n = values.count
        guard let lo = values.min(), let hi = values.max() else { return [] }
        let span = Int(hi) - Int(lo)
        if span >= 1 << 18 { return ntile5(order: RadixSort.order(of: values.map { RadixSort.key(Int64($0)) })) }
        // next[v]: the rank the next customer with value lo + v gets.
        var next = [Int](repeating: 0, count: span + 2)
        for v in values { next[Int(v) - Int(lo) + 1] += 1 }
        for d in 0...span { next[d + 1] += next[d] }
        // Ranks at which groups 2…5 begin (NTILE: the first n mod 5 groups one larger).
        let q = n / 5, extra = n % 5
        let b1 = q + (extra > 0 ? 1 : 0), b2 = b1 + q + (extra > 1 ? 1 : 0)
        let b3 = b2 + q + (extra > 2 ? 1 : 0), b4 = b3 + q + (extra > 3 ? 1 : 0)
        var score = [UInt8](repeating: 0, count: n)
        values.withUnsafeBufferPointer { vals in
            next.withUnsafeMutableBufferPointer { nx in
                score.withUnsafeMutableBufferPointer { out in
                    for i in 0..<n {
                        let d = Int(vals[i]) - Int(lo)
                        let rank = nx[d]
                        nx[d] = rank + 1
                        var bucket: UInt8 = 1
                        bucket &+= rank >= b1 ? 1 : 0
                        bucket &+= rank >= b2 ? 1 : 0
                        bucket &+= rank >= b3 ? 1 : 0
                        bucket &+= rank >= b4 ? 1 : 0
                        out[i] = bucket
                    }
                }
            }
        }
        return score
    }

    /// Score 1…5 per position for arbitrary 64-bit keys (higher is better), ties by position,
    /// without sorting everything: NTILE only needs the four customers at which groups 2…5 begin.
    /// A histogram of the top 16 key bits locates them; only their buckets are sorted; every key
    /// is then compared with the four thresholds. Falls back to a full radix sort when those buckets
    /// hold most of the keys (nearly equal keys).
    static func ntile5(keys: [UInt64]) -> [UInt8] {
        let n = keys.count
        if n < 5 { return ntile5(order: RadixSort.order(of: keys)) }
        let q = n / 5, extra = n % 5
        var starts: [Int] = []
        var r = 0
        for g in 0..<4 {
            r += q + (g < extra ? 1 : 0)
            starts.append(r)
        }
        var histogram = [Int](repeating: 0, count: 65_537)
        for k in keys { histogram[Int(k >> 48) + 1] += 1 }
        for b in 0..<65_536 { histogram[b + 1] += histogram[b] }
        // The bucket of each threshold rank: the last bucket starting at or before it.
        var wanted = Set<Int>()
        var bucketOf: [Int] = []
        for rank in starts {
            var lo = 0, hi = 65_536
            while lo < hi {
                let m = (lo + hi + 1) / 2
                if histogram[m] <= rank { lo = m } else { hi = m - 1 }
            }
            bucketOf.append(lo)
            wanted.insert(lo)
        }
        let gathered = wanted.reduce(0) { $0 + histogram[$1 + 1] - histogram[$1] }
        if gathered > n / 2 { return ntile5(order: RadixSort.order(of: keys)) }
        var isWanted = [Bool](repeating: false, count: 65_536)
        for b in wanted { isWanted[b] = true }
        var members: [Int: [(UInt64, UInt32)]] = [:]
        for b in wanted { members[b] = [] }
        for (i, k) in keys.enumerated() where isWanted[Int(k >> 48)] {
            members[Int(k >> 48)]!.append((k, UInt32(i)))
        }
        for b in wanted { members[b]!.sort { $0 < $1 } }
        let thresholds = (0..<4).map { j in members[bucketOf[j]]![starts[j] - histogram[bucketOf[j]]] }
        let t0 = thresholds[0], t1 = thresholds[1], t2 = thresholds[2], t3 = thresholds[3]
        var score = [UInt8](repeating: 0, count: n)
        keys.withUnsafeBufferPointer { k in
            score.withUnsafeMutableBufferPointer { out in
                for i in 0..<n {
                    let key = k[i], idx = UInt32(i)
                    var s: UInt8 = 1
                    s &+= key > t0.0 || (key == t0.0 && idx >= t0.1) ? 1 : 0
                    s &+= key > t1.0 || (key == t1.0 && idx >= t1.1) ? 1 : 0
                    s &+= key > t2.0 || (key == t2.0 && idx >= t2.1) ? 1 : 0
                    s &+= key > t3.0 || (key == t3.0 && idx >= t3.1) ? 1 : 0
                    out[i] = s
                }
            }
        }
        return score
    }

    /// Score 1…5 per position, given positions sorted worst first (SQL `NTILE(5)`).
    static func ntile5(order: [UInt32]) -> [UInt8] {
        let n = order.count
        var score = [UInt8](repeating: 0, count: n)
        let q = n / 5, extra = n % 5
        var rank = 0
        for bucket in 0..<5 {
            let size = q + (bucket < extra ? 1 : 0)
            for _ in 0..<size {
                score[Int(order[rank])] = UInt8(bucket + 1)
                rank += 1
            }
        }
        return score
    }
}

/// Per-customer measures written by the workers of ``RFMQuery/run(on:)``.
///
/// `@unchecked Sendable` is safe: each worker writes only the customers of its own range, the
/// columns are read only after `ParallelWork.map` has returned (which orders the writes before
/// the reads), and `release()` runs after that.
private struct RFMColumns: @unchecked Sendable {
    let last: UnsafeMutablePointer<Int32>
    let count: UnsafeMutablePointer<Int32>
    let money: UnsafeMutablePointer<Double>

    init(customers: Int) {
        // Every customer's slot is written by the scan before it is read.
        last = .allocate(capacity: max(customers, 1))
        count = .allocate(capacity: max(customers, 1))
        money = .allocate(capacity: max(customers, 1))
    }

    func release() {
        last.deallocate()
        count.deallocate()
        money.deallocate()
    }
}

/// The dense output columns of ``RFMQuery/run(on:)``'s compaction.
///
/// `@unchecked Sendable` is safe: worker `p` writes only positions `firstOut[p]..<firstOut[p + 1]`,
/// and the buffers outlive `ParallelWork.run`, which returns after every worker is done.
private struct RFMOutput: @unchecked Sendable {
    let customers: UnsafeMutableBufferPointer<Int32>
    let last: UnsafeMutableBufferPointer<Int32>
    let count: UnsafeMutableBufferPointer<Int32>
    let money: UnsafeMutableBufferPointer<Double>
}
