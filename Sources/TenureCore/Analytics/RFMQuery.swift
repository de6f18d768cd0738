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

    /// Scores the snapshot in three steps, none of which sorts the customers:
    /// 1. each worker scans its customers once, keeping the purchasing ones' measures in dense
    ///    columns and counting them into histograms (last purchase day, purchase count, and the
    ///    top 16 bits of the monetary total's order-preserving key);
    /// 2. the four NTILE cut points of each measure come from the merged histograms (see
    ///    `RFMQuery+Quintiles.swift`);
    /// 3. each worker scores its customers against the cut points, classifies them and copies its
    ///    columns into the report.
    public func run(on snapshot: ActivitySnapshot) -> RFMReport {
        let mask = purchases.mask()
        let asOf = asOf
        let since = lookbackDays.map { asOf - $0 + 1 } ?? Int32.min
        let ranges = snapshot.workRanges()
        // Last purchase days lie within the snapshot's days and the window.
        let firstDay = max(since, snapshot.dayRange?.lowerBound ?? asOf)
        let lastDay = min(asOf, snapshot.dayRange?.upperBound ?? asOf)
        let daySpan = lastDay >= firstDay ? Int(lastDay) - Int(firstDay) + 1 : 1
        let dayHistogram = daySpan <= RFMPartial.maximumDaySpan
        let parts = ParallelWork.map(ranges.count) { part -> RFMPartial in
            let range = ranges[part]
            let out = RFMPartial(capacity: range.count, daySpan: dayHistogram ? daySpan : 0)
            var j = 0
            var ranged = dayHistogram, countable = true
            snapshot.scan(range) { c, ev in
                // Events are sorted by day: trim to the window, then count without branching on
                // the event type (purchases are interleaved unpredictably with other events).
                var hi = ev.count
                while hi > 0 && ev.days[hi - 1] > asOf { hi -= 1 }
                var lo = 0
                while lo < hi && ev.days[lo] < since { lo += 1 }
                var n: Int32 = 0, sum = 0.0
                for i in lo..<hi {
                    let hit = mask[ev.types[i]]
                    n &+= Int32(hit)
                    // The value or +0, selected by masking its bits: a branch here would be
                    // mispredicted at every other purchase, and multiplying by 0 or 1 would
                    // turn an infinite non-purchase value into NaN.
                    let keep = 0 &- UInt64(hit)
                    sum += Double(bitPattern: Double(ev.values[i]).bitPattern & keep)
                }
                if n == 0 { return }
                // The last purchase: a short walk back instead of a day read per event.
                var k = hi - 1
                while mask[ev.types[k]] == 0 { k -= 1 }
                let l = ev.days[k]
                out.customers[j] = Int32(c)
                out.last[j] = l
                out.count[j] = n
                out.money[j] = sum
                j += 1
                let d = Int(l) - Int(firstDay)
                if ranged && d >= 0 && d < daySpan { out.dayCounts[d] &+= 1 } else { ranged = false }
                if n < RFMPartial.countBuckets { out.countCounts[Int(n)] &+= 1 } else { countable = false }
                out.moneyCounts[Int(RadixSort.key(sum) >> 48)] &+= 1
            }
            out.buyers = j
            out.dayCountsValid = ranged
            out.countCountsValid = countable
            return out
        }
        let n = parts.reduce(0) { $0 + $1.buyers }
        guard parts.allSatisfy({ $0.dayCountsValid && $0.countCountsValid }) else {
            return Self.scoredBySorting(parts, asOf: asOf, lookbackDays: lookbackDays)
        }
        let starts = Self.groupStarts(n)
        // The recency and frequency cuts are found side by side; the monetary ones split by part.
        let integerCuts = ParallelWork.map(2) { measure in
            measure == 0
                ? Self.integerCuts(starts: starts, span: daySpan, parts: parts, histogram: \.dayCounts, values: \.last, offset: firstDay)
                : Self.integerCuts(
                    starts: starts, span: RFMPartial.countBuckets, parts: parts, histogram: \.countCounts, values: \.count, offset: 0)
        }
        let recencyCuts = integerCuts[0], countCuts = integerCuts[1]
        let moneyCuts = Self.moneyCuts(starts: starts, parts: parts)
        return Self.report(
            parts, asOf: asOf, lookbackDays: lookbackDays, firstDay: firstDay,
            recencyCuts: recencyCuts, countCuts: countCuts, moneyCuts: moneyCuts)
    }

    /// Step 3: scores, segments and the report's columns, each worker filling its own slice.
    private static func report(
        _ parts: [RFMPartial], asOf: Int32, lookbackDays: Int32?, firstDay: Int32,
        recencyCuts: [Int64], countCuts: [Int64], moneyCuts: [MonetaryCut]
    ) -> RFMReport {
        var offsets = [0]
        for p in parts { offsets.append(offsets.last! + p.buyers) }
        let outStart = offsets, n = offsets.last!
        let segmentTable = RFMSegment.codeTable
        let r0 = recencyCuts[0], r1 = recencyCuts[1], r2 = recencyCuts[2], r3 = recencyCuts[3]
        let f0 = countCuts[0], f1 = countCuts[1], f2 = countCuts[2], f3 = countCuts[3]
        let m0 = moneyCuts[0], m1 = moneyCuts[1], m2 = moneyCuts[2], m3 = moneyCuts[3]
        var columns = RFMReportColumns(count: n)
        let cellsPerPart = columns.fill { out in
            ParallelWork.map(parts.count) { p -> [Int] in
                let part = parts[p], at = outStart[p]
                // Four interleaved sets of cell counters, so consecutive customers in the same
                // cell do not wait on each other's increments.
                var cells = [Int](repeating: 0, count: 4 * 36)
                cells.withUnsafeMutableBufferPointer { cell in
                    for i in 0..<part.buyers {
                        let c = part.customers[i], last = part.last[i], count = part.count[i], money = part.money[i]
                        // Scores are counted with arithmetic, not branches: whether a customer
                        // reaches a cut is a coin flip the branch predictor cannot learn.
                        let customer = Int64(c)
                        let rKey = Int64(last &- firstDay) << 32 | customer
                        let fKey = Int64(count) << 32 | customer
                        let r = 1 &+ reached(rKey, r0) &+ reached(rKey, r1) &+ reached(rKey, r2) &+ reached(rKey, r3)
                        let f = 1 &+ reached(fKey, f0) &+ reached(fKey, f1) &+ reached(fKey, f2) &+ reached(fKey, f3)
                        let mKey = RadixSort.key(money)
                        var m = 1 &+ m0.isPassed(by: mKey) &+ m1.isPassed(by: mKey) &+ m2.isPassed(by: mKey) &+ m3.isPassed(by: mKey)
                        // Totals equal to a cut's are few, so this branch is well predicted.
                        if mKey == m0.key || mKey == m1.key || mKey == m2.key || mKey == m3.key {
                            m &+= m0.isReachedOnTie(by: mKey, customer: c) &+ m1.isReachedOnTie(by: mKey, customer: c)
                            m &+= m2.isReachedOnTie(by: mKey, customer: c) &+ m3.isReachedOnTie(by: mKey, customer: c)
                        }
                        let cellIndex = Int(r) * 6 + (Int(f) + Int(m) + 1) / 2
                        cell[(i & 3) * 36 + cellIndex] += 1
                        let k = at + i
                        out.customers[k] = c
                        out.recencyDays[k] = asOf &- last
                        out.frequency[k] = count
                        out.monetary[k] = money
                        out.recencyScores[k] = r
                        out.frequencyScores[k] = f
                        out.monetaryScores[k] = m
                        out.segments[k] = segmentTable[cellIndex]
                    }
                }
                return cells
            }
        }
        var cells = [Int](repeating: 0, count: 36)
        for partCells in cellsPerPart {
            for i in 0..<(4 * 36) { cells[i % 36] += partCells[i] }
        }
        return RFMReport(asOf: asOf, lookbackDays: lookbackDays, columns: columns, cells: cells)
    }

    /// The slow path for data beyond the histograms (a customer with 65,536 or more purchases):
    /// scores by sorting every measure.
    private static func scoredBySorting(_ parts: [RFMPartial], asOf: Int32, lookbackDays: Int32?) -> RFMReport {
        var customers: [Int32] = [], last: [Int32] = [], count: [Int32] = [], money: [Double] = []
        for p in parts {
            customers += UnsafeBufferPointer(start: p.customers, count: p.buyers)
            last += UnsafeBufferPointer(start: p.last, count: p.buyers)
            count += UnsafeBufferPointer(start: p.count, count: p.buyers)
            money += UnsafeBufferPointer(start: p.money, count: p.buyers)
        }
        return RFMReport(
            asOf: asOf, lookbackDays: lookbackDays, customers: customers,
            recencyDays: last.map { asOf - $0 }, frequency: count, monetary: money,
            recencyScores: ntile5(order: RadixSort.order(of: last.map { RadixSort.key(Int64($0)) })),
            frequencyScores: ntile5(order: RadixSort.order(of: count.map { RadixSort.key(Int64($0)) })),
            monetaryScores: ntile5(order: RadixSort.order(of: money.map { RadixSort.key($0) })))
    }

    /// Score 1…5 per position, given positions sorted worst first (SQL `NTILE(5)`).
    static func ntile5(order: [UInt32]) -> [UInt8] {
        let n = order.count
        var score = [UInt8](repeating: 0, count: n)
        var rank = 0
        for (bucket, size) in groupSizes(n).enumerated() {
            for _ in 0..<size {
                score[Int(order[rank])] = UInt8(bucket + 1)
                rank += 1
            }
        }
        return score
    }
}

/// One worker's purchasing customers (dense, in customer order) and its histograms of their
/// measures.
///
/// `@unchecked Sendable` is safe: a partial is written only by the worker that created it, read
/// only after `ParallelWork.map` has returned it (which orders the writes before the reads), and
/// never written again.
final class RFMPartial: @unchecked Sendable {
    /// Purchase counts below this are histogrammed; a larger one sends the query to the slow path.
    static let countBuckets = 1 << 16
    /// Day spans up to this (about 700 years) are histogrammed.
    static let maximumDaySpan = 1 << 18

    let customers: UnsafeMutablePointer<Int32>
    let last: UnsafeMutablePointer<Int32>
    let count: UnsafeMutablePointer<Int32>
    let money: UnsafeMutablePointer<Double>
    /// Customers per last purchase day (from the query's first possible day).
    let dayCounts: UnsafeMutablePointer<UInt32>
    /// Customers per purchase count.
    let countCounts: UnsafeMutablePointer<UInt32>
    /// Customers per top 16 bits of `RadixSort.key(money)`.
    let moneyCounts: UnsafeMutablePointer<UInt32>
    private let daySpan: Int
    var buyers = 0
    var dayCountsValid = true
    var countCountsValid = true

    init(capacity: Int, daySpan: Int) {
        // The column pages a worker never reaches (customers without purchases) are never touched.
        customers = .allocate(capacity: max(capacity, 1))
        last = .allocate(capacity: max(capacity, 1))
        count = .allocate(capacity: max(capacity, 1))
        money = .allocate(capacity: max(capacity, 1))
        self.daySpan = max(daySpan, 1)
        dayCounts = .allocate(capacity: self.daySpan)
        dayCounts.initialize(repeating: 0, count: self.daySpan)
        countCounts = .allocate(capacity: Self.countBuckets)
        countCounts.initialize(repeating: 0, count: Self.countBuckets)
        moneyCounts = .allocate(capacity: 1 << 16)
        moneyCounts.initialize(repeating: 0, count: 1 << 16)
    }

    deinit {
        customers.deallocate()
        last.deallocate()
        count.deallocate()
        money.deallocate()
        dayCounts.deallocate()
        countCounts.deallocate()
        moneyCounts.deallocate()
    }
}
