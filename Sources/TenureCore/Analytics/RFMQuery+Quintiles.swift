/// The NTILE(5) cut points of ``RFMQuery``, found from histograms instead of by sorting.
///
/// Customers are ranked by (measure, customer index); group g + 1 starts at rank `starts[g]`.
/// A cut is the (measure, customer) pair at that rank: a customer's score is 1 plus the number of
/// cuts it reaches (its pair is at or after the cut's). Ranks at or beyond the number of customers
/// (fewer than five customers) get a cut no one reaches.
extension RFMQuery {
    /// Sizes of the five NTILE groups of `n` customers: the first `n mod 5` one larger.
    static func groupSizes(_ n: Int) -> [Int] {
        (0..<5).map { n / 5 + ($0 < n % 5 ? 1 : 0) }
    }

    /// The ranks at which groups 2…5 begin.
    static func groupStarts(_ n: Int) -> [Int] {
        var starts: [Int] = []
        var rank = 0
        for size in groupSizes(n).dropLast() {
            rank += size
            starts.append(rank)
        }
        return starts
    }

    /// A cut of an integer measure that no customer reaches (packed keys stay below 2⁵⁰).
    static let unreachedCut: Int64 = 1 << 62

    /// 1 when `key` is at least `cut`, else 0, by arithmetic alone (both below 2⁶²).
    @inline(__always)
    static func reached(_ key: Int64, _ cut: Int64) -> UInt8 {
        UInt8(truncatingIfNeeded: (cut &- 1 &- key) >> 63 & 1)
    }

    /// Cuts of an integer measure as `(value − offset) << 32 | customer`, so a customer reaches a
    /// cut when its own key packed the same way is at least the cut.
    ///
    /// `histogram` counts each part's customers per `value − offset` in `0..<span`; the customer at
    /// a cut rank is found in the one part that holds it, by counting its equal values in order.
    static func integerCuts(
        starts: [Int], span: Int, parts: [RFMPartial],
        histogram: KeyPath<RFMPartial, UnsafeMutablePointer<UInt32>>,
        values: KeyPath<RFMPartial, UnsafeMutablePointer<Int32>>, offset: Int32
    ) -> [Int64] {
        var cuts = [Int64](repeating: unreachedCut, count: starts.count)
        let counts = parts.map { $0[keyPath: histogram] }
        var k = 0, below = 0
        for v in 0..<span where k < starts.count {
            var here = 0
            for h in counts { here += Int(h[v]) }
            while k < starts.count && starts[k] < below + here {
                var j = starts[k] - below
                for (p, part) in parts.enumerated() {
                    let inPart = Int(counts[p][v])
                    if j >= inPart {
                        j -= inPart
                        continue
                    }
                    let column = part[keyPath: values], target = Int32(v) + offset
                    var i = 0
                    while true {
                        if column[i] == target {
                            if j == 0 { break }
                            j -= 1
                        }
                        i += 1
                    }
                    cuts[k] = Int64(v) << 32 | Int64(part.customers[i])
                    break
                }
                k += 1
            }
            below += here
        }
        return cuts
    }

    /// Cuts of the monetary totals, ranked by their order-preserving 64-bit keys
    /// (`RadixSort.key`): a radix selection. The parts' histograms of the top 16 key bits locate
    /// each cut's bucket; one pass histograms the next 16 bits within those buckets (at most four);
    /// a last pass gathers the customers sharing a cut's 32-bit prefix (whole-currency totals below
    /// about a million share a prefix only when equal), and the cut is picked among them.
    static func moneyCuts(starts: [Int], parts: [RFMPartial]) -> [MonetaryCut] {
        let n = parts.reduce(0) { $0 + $1.buyers }
        let wanted = starts.filter { $0 < n }
        var cuts = [MonetaryCut](repeating: .never, count: starts.count)
        if wanted.isEmpty { return cuts }
        var top = [Int](repeating: 0, count: 1 << 16)
        for part in parts {
            for b in 0..<(1 << 16) { top[b] += Int(part.moneyCounts[b]) }
        }
        let (topBuckets, topRanks) = locate(ranks: wanted, in: top)
        // Level 2: the next 16 bits within each wanted top bucket.
        let slotTops = Array(Set(topBuckets)).sorted()
        var slots = [Int8](repeating: -1, count: 1 << 16)
        for (s, b) in slotTops.enumerated() { slots[b] = Int8(s) }
        let slotOf = slots, secondCount = slotTops.count << 16
        // Each worker histograms its own customers; the histograms are then added.
        let secondPerPart = ParallelWork.map(parts.count) { p -> [Int] in
            let part = parts[p]
            var counts = [Int](repeating: 0, count: secondCount)
            counts.withUnsafeMutableBufferPointer { h in
                slotOf.withUnsafeBufferPointer { slot in
                    for i in 0..<part.buyers {
                        let key = RadixSort.key(part.money[i])
                        let s = Int(slot[Int(key >> 48)])
                        if s >= 0 { h[s << 16 | Int((key >> 32) & 0xFFFF)] += 1 }
                    }
                }
            }
            return counts
        }
        var second = secondPerPart[0]
        for other in secondPerPart.dropFirst() {
            for i in 0..<secondCount { second[i] += other[i] }
        }
        var prefixes: [UInt64] = [], prefixRanks: [Int] = []
        for (b, r) in zip(topBuckets, topRanks) {
            let s = slotTops.firstIndex(of: b)!
            let (buckets, ranks) = locate(ranks: [r], in: second[(s << 16)..<((s + 1) << 16)])
            prefixes.append(UInt64(b) << 16 | UInt64(buckets[0]))
            prefixRanks.append(ranks[0])
        }
        // Level 3: everyone sharing a cut's 32-bit prefix, in customer order.
        let distinct = Array(Set(prefixes)).sorted()
        let gatheredPerPart = ParallelWork.map(parts.count) { p -> [[MonetaryCandidate]] in
            let part = parts[p]
            var gathered = [[MonetaryCandidate]](repeating: [], count: distinct.count)
            for i in 0..<part.buyers {
                let key = RadixSort.key(part.money[i])
                if slotOf[Int(key >> 48)] < 0 { continue }
                for (u, prefix) in distinct.enumerated() where key >> 32 == prefix {
                    gathered[u].append(MonetaryCandidate(key: key, customer: part.customers[i]))
                }
            }
            return gathered
        }
        // Parts in order keep every list in customer order.
        let gathered = distinct.indices.map { u in gatheredPerPart.flatMap { $0[u] } }
        for (k, (prefix, rank)) in zip(prefixes, prefixRanks).enumerated() {
            var items = gathered[distinct.firstIndex(of: prefix)!]
            if items.contains(where: { $0.key != items[0].key }) {
                // Already in customer order: a stable sort by key gives (key, customer) order.
                items = items.enumerated().sorted { ($0.element.key, $0.offset) < ($1.element.key, $1.offset) }.map(\.element)
            }
            cuts[k] = MonetaryCut(key: items[rank].key, customer: items[rank].customer)
        }
        return cuts
    }

    /// For each rank (ascending), the bucket of `counts` holding it and the rank within the bucket.
    private static func locate(ranks: [Int], in counts: some Collection<Int>) -> (buckets: [Int], ranks: [Int]) {
        var buckets: [Int] = [], within: [Int] = []
        var k = 0, below = 0
        for (b, here) in counts.enumerated() where k < ranks.count {
            while k < ranks.count && ranks[k] < below + here {
                buckets.append(b)
                within.append(ranks[k] - below)
                k += 1
            }
            below += here
        }
        return (buckets, within)
    }
}

/// A customer whose monetary key shares a cut's 32-bit prefix.
struct MonetaryCandidate: Sendable {
    var key: UInt64
    var customer: Int32
}

/// A monetary NTILE cut: the (key, customer) pair at a group's first rank.
struct MonetaryCut: Sendable {
    var key: UInt64
    var customer: Int32

    /// A cut no customer reaches.
    static let never = MonetaryCut(key: .max, customer: .max)

    /// 1 when `key` is above the cut's key, else 0: the borrow of `cut − key`, by arithmetic
    /// alone (Hacker's Delight 2-13), since a comparison here would become a mispredicted branch.
    @inline(__always)
    func isPassed(by key: UInt64) -> UInt8 {
        let cut = self.key
        return UInt8(truncatingIfNeeded: ((~cut & key) | (~(cut ^ key) & (cut &- key))) >> 63)
    }

    /// 1 when `key` equals the cut's key and `c` is at or after its customer, else 0.
    @inline(__always)
    func isReachedOnTie(by key: UInt64, customer c: Int32) -> UInt8 {
        key == self.key && c >= customer ? 1 : 0
    }
}
