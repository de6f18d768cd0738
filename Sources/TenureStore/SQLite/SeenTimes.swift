/// Customers' first and last event times seen in one write transaction, by store customer id.
/// A small transaction keeps them in a dictionary; once many customers are marked (a bulk
/// import), they move to one array indexed by the dense row id, of (first, last) pairs: one cache
/// line a mark and nothing hashed on the import's hot path. Ids too large for the array (a store
/// whose ids were made elsewhere) stay in the dictionary.
struct SeenTimes {
    private static let arrayLimit = 1 << 24
    /// Marked customers in a dictionary before the array is worth its size.
    private static let denseThreshold = 4096
    private struct Range {
        var first: Int64
        var last: Int64
        static let none = Range(first: .max, last: .min)
        func with(_ time: Int64) -> Range { Range(first: min(first, time), last: max(last, time)) }
    }
    private var ranges: [Range] = []
    private var sparse: [Int64: Range] = [:]

    mutating func mark(_ customer: Int64, _ time: Int64) {
        guard !ranges.isEmpty, customer >= 0, customer < Self.arrayLimit else {
            sparse[customer] = (sparse[customer] ?? .none).with(time)
            if ranges.isEmpty, sparse.count > Self.denseThreshold { makeDense() }
            return
        }
        let i = Int(customer)
        if i >= ranges.count { grow(to: i + 1) }
        ranges.withUnsafeMutableBufferPointer { $0[i] = $0[i].with(time) }
    }

    private mutating func grow(to count: Int) {
        let size = min(Self.arrayLimit, max(count, ranges.count * 2, 1024))
        ranges += repeatElement(.none, count: size - ranges.count)
    }

    private mutating func makeDense() {
        let dense = sparse.filter { $0.key >= 0 && $0.key < Self.arrayLimit }
        grow(to: Int(dense.keys.max() ?? 0) + 1)
        for (customer, range) in dense {
            ranges[Int(customer)] = range
            sparse[customer] = nil
        }
    }

    /// Loads the customer's entry (to bring it into the cache before `mark`); returns part of it.
    func touch(_ customer: Int64) -> Int64 {
        guard customer >= 0, customer < ranges.count else { return 0 }
        return ranges.withUnsafeBufferPointer { $0[Int(customer)].first }
    }

    /// Forgets the customer (merged into another) and returns what was seen of them.
    mutating func remove(_ customer: Int64) -> (first: Int64, last: Int64)? {
        guard !ranges.isEmpty, customer >= 0, customer < Self.arrayLimit else {
            return sparse.removeValue(forKey: customer).map { ($0.first, $0.last) }
        }
        let i = Int(customer)
        guard i < ranges.count, ranges[i].first != .max else { return nil }
        defer { ranges[i] = .none }
        return (ranges[i].first, ranges[i].last)
    }

    /// Every customer still marked with their range, in id order (so a store writes them
    /// front to back).
    func forEach(_ body: (Int64, Int64, Int64) throws -> Void) rethrows {
        for (i, range) in ranges.enumerated() where range.first != .max {
            try body(Int64(i), range.first, range.last)
        }
        for (customer, range) in sparse.sorted(by: { $0.key < $1.key }) { try body(customer, range.first, range.last) }
    }
}
