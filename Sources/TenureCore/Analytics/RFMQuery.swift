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
        let parts = ParallelWork.map(ranges.count) { part in
            var out = Part()
            snapshot.scan(ranges[part]) { c, ev in
                var last = Int32.min, n: Int32 = 0, sum = 0.0
                for i in 0..<ev.count where mask.contains(ev.types[i]) {
                    let d = ev.days[i]
                    if d > asOf { break }
                    if d < since { continue }
                    last = d
                    n += 1
                    sum += Double(ev.values[i])
                }
                if n > 0 {
                    out.customers.append(Int32(c))
                    out.last.append(last)
                    out.count.append(n)
                    out.money.append(sum)
                }
            }
            return out
        }
        var all = Part()
        for p in parts {
            all.customers += p.customers
            all.last += p.last
            all.count += p.count
            all.money += p.money
        }
        let n = all.customers.count
        let keys: [[UInt64]] = [
            all.last.map { RadixSort.key(Int64($0)) },
            all.count.map { UInt64($0) },
            all.money.map { RadixSort.key($0) },
        ]
        let scores = ParallelWork.map(n > 100_000 ? 3 : 1) { which -> [[UInt8]] in
            let mine = n > 100_000 ? [which] : [0, 1, 2]
            return mine.map { Self.ntile5(order: RadixSort.order(of: keys[$0])) }
        }.flatMap { $0 }
        return RFMReport(
            asOf: asOf, lookbackDays: lookbackDays, customers: all.customers,
            recencyDays: all.last.map { asOf - $0 }, frequency: all.count, monetary: all.money,
            recencyScores: scores[0], frequencyScores: scores[1], monetaryScores: scores[2])
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
