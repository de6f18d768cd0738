/// The customers of a segment: one bit per customer index `0..<customerCount`, so 1,000,000
/// customers take 125 KB and `and` / `or` / `not` are word-wide operations.
public struct SegmentMembers: Sendable, Hashable {
    /// Customers `0..<customerCount` can be members.
    public private(set) var customerCount: Int
    /// Bit `i % 64` of word `i / 64` is customer `i`; bits past `customerCount` are always 0.
    public private(set) var words: [UInt64]

    /// No members among `customerCount` customers.
    public init(customerCount: Int) {
        self.customerCount = max(0, customerCount)
        words = [UInt64](repeating: 0, count: (self.customerCount + 63) / 64)
    }

    /// Every one of `customerCount` customers.
    public static func all(customerCount: Int) -> SegmentMembers {
        var m = SegmentMembers(customerCount: customerCount)
        for i in m.words.indices { m.words[i] = ~0 }
        m.clearTail()
        return m
    }

    /// The members listed (indices outside `0..<customerCount` are ignored).
    public init(customerCount: Int, members: some Sequence<Int>) {
        self.init(customerCount: customerCount)
        for i in members where i >= 0 && i < self.customerCount { insert(i) }
    }

    /// Members whose bit `test` sets: one call per customer, in order.
    public init(customerCount: Int, where test: (Int) -> Bool) {
        self.init(customerCount: customerCount)
        words.withUnsafeMutableBufferPointer { w in
            var i = 0
            for k in w.indices {
                var word: UInt64 = 0
                let end = min(i + 64, self.customerCount)
                var bit: UInt64 = 1
                while i < end {
                    if test(i) { word |= bit }
                    bit &<<= 1
                    i += 1
                }
                w[k] = word
            }
        }
    }

    /// Whether customer `i` is a member (false outside `0..<customerCount`).
    public func contains(_ i: Int) -> Bool {
        guard i >= 0, i < customerCount else { return false }
        return words[i >> 6] & (1 << UInt64(i & 63)) != 0
    }

    public mutating func insert(_ i: Int) {
        guard i >= 0, i < customerCount else { return }
        words[i >> 6] |= 1 << UInt64(i & 63)
    }

    public mutating func remove(_ i: Int) {
        guard i >= 0, i < customerCount else { return }
        words[i >> 6] &= ~(1 << UInt64(i & 63))
    }

    /// Number of members.
    public var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    public var isEmpty: Bool { !words.contains { $0 != 0 } }

    /// Member indices, ascending.
    public var indices: [Int] {
        var out: [Int] = []
        out.reserveCapacity(count)
        forEach { out.append($0) }
        return out
    }

    /// Calls `body` with each member index, ascending.
    public func forEach(_ body: (Int) throws -> Void) rethrows {
        for (k, w) in words.enumerated() where w != 0 {
            var word = w
            while word != 0 {
                try body(k << 6 + word.trailingZeroBitCount)
                word &= word - 1
            }
        }
    }

    /// Members of both.
    public func intersection(_ other: SegmentMembers) -> SegmentMembers {
        combined(other) { $0 & $1 }
    }

    /// Members of either.
    public func union(_ other: SegmentMembers) -> SegmentMembers {
        combined(other) { $0 | $1 }
    }

    /// Members of this one and not of `other`.
    public func subtracting(_ other: SegmentMembers) -> SegmentMembers {
        combined(other) { $0 & ~$1 }
    }

    /// Every customer that is not a member.
    public func complement() -> SegmentMembers {
        var m = self
        for i in m.words.indices { m.words[i] = ~m.words[i] }
        m.clearTail()
        return m
    }

    /// The same members among more customers (new customers are not members); fewer customers
    /// drop the members past the new count.
    public func resized(to customerCount: Int) -> SegmentMembers {
        var m = SegmentMembers(customerCount: customerCount)
        let n = min(m.words.count, words.count)
        m.words.replaceSubrange(0..<n, with: words[0..<n])
        m.clearTail()
        return m
    }

    /// Bytes held by the bits.
    public var memoryFootprint: Int { words.count * 8 }

    private func combined(_ other: SegmentMembers, _ op: (UInt64, UInt64) -> UInt64) -> SegmentMembers {
        precondition(customerCount == other.customerCount, "members of different populations")
        var m = self
        m.words.withUnsafeMutableBufferPointer { a in
            other.words.withUnsafeBufferPointer { b in
                for i in a.indices { a[i] = op(a[i], b[i]) }
            }
        }
        return m
    }

    private mutating func clearTail() {
        let extra = words.count * 64 - customerCount
        guard extra > 0, !words.isEmpty else { return }
        words[words.count - 1] &= ~UInt64(0) >> UInt64(extra)
    }
}
