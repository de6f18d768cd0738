/// Customers' first and last event times seen in one write transaction, by store customer id.
/// Ids are dense row ids, so they index two arrays and the import's hot path hashes nothing;
/// an id too large for that (a store whose ids were made elsewhere) goes in a dictionary.
struct SeenTimes {
    private static let arrayLimit = 1 << 24
    private var first: [Int64] = [], last: [Int64] = []
    private var sparse: [Int64: (first: Int64, last: Int64)] = [:]
    /// Ids marked, in first-marked order (possibly removed since).
    private var marked: [Int64] = []

    mutating func mark(_ customer: Int64, _ time: Int64) {
        guard customer >= 0, customer < Self.arrayLimit else {
            if let range = sparse[customer] {
                sparse[customer] = (min(range.first, time), max(range.last, time))
            } else {
                sparse[customer] = (time, time)
            }
            return
        }
        let i = Int(customer)
        if i >= first.count {
            let size = min(Self.arrayLimit, max(i + 1, first.count * 2, 1024))
            first += repeatElement(.max, count: size - first.count)
            last += repeatElement(.min, count: size - last.count)
        }
        if first[i] == .max { marked.append(customer) }
        first[i] = min(first[i], time)
        last[i] = max(last[i], time)
    }

    /// Forgets the customer (merged into another) and returns what was seen of them.
    mutating func remove(_ customer: Int64) -> (first: Int64, last: Int64)? {
        guard customer >= 0, customer < Self.arrayLimit else { return sparse.removeValue(forKey: customer) }
        let i = Int(customer)
        guard i < first.count, first[i] != .max else { return nil }
        defer { (first[i], last[i]) = (.max, .min) }
        return (first[i], last[i])
    }

    /// Every customer still marked with their range.
    func forEach(_ body: (Int64, Int64, Int64) throws -> Void) rethrows {
        for customer in marked where first[Int(customer)] != .max {
            try body(customer, first[Int(customer)], last[Int(customer)])
        }
        for (customer, range) in sparse { try body(customer, range.first, range.last) }
    }
}
