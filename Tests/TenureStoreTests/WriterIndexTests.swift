import Testing

@testable import TenureStore

/// The writer's in-memory hash tables against the standard library's `Set` and `Dictionary`.
@Suite struct WriterIndexTests {
    /// Keys whose slots collide a lot: the low bits (the home slot) take few values.
    private func key(_ n: Int, homes: Int = 509) -> MessageKey {
        MessageKey(high: UInt64(n) &* 0x9E37_79B9_7F4A_7C15 | 1, low: UInt64(n) << 40 | UInt64(n % homes))
    }

    @Test func customerIdIndexActsLikeADictionary() {
        var index = CustomerIdIndex()
        var reference: [Int: Int64] = [:]
        var random = SystemRandomNumberGenerator()
        for step in 0..<20_000 {
            let n = Int.random(in: 0..<3_000, using: &random)
            switch Int.random(in: 0..<3, using: &random) {
            case 0, 1:
                index[key: key(n)] = Int64(step)
                reference[n] = Int64(step)
            default:
                index[key: key(n)] = nil
                reference[n] = nil
            }
            if step % 1_999 == 0 {
                #expect((0..<3_000).filter { index[key: key($0)] != reference[$0] } == [], "after step \(step)")
            }
        }
        #expect(index.count == reference.count)
        #expect((0..<3_000).filter { index[key: key($0)] != reference[$0] } == [])
    }

    @Test func customerIdIndexFindsIdsByTheirText() {
        var index = CustomerIdIndex()
        for i in 0..<10_000 { index["user-\(i)"] = Int64(i) }
        #expect(index.count == 10_000)
        #expect((0..<10_000).allSatisfy { index["user-\($0)"] == Int64($0) })
        #expect(index["user-10000"] == nil)
        var text = "user-7"
        #expect(text.withUTF8 { index[key: CustomerIdIndex.key(utf8: UnsafeRawBufferPointer($0))] } == 7)
    }

    @Test func messageKeySetActsLikeASet() {
        var set = MessageKeySet()
        var reference = Set<Int>()
        set.reserve(10)
        let disagreements = (0..<5_000).map { ($0 * 7_919) % 5_003 }.filter { set.insert(key($0, homes: 2_039)) != reference.insert($0).inserted }
        #expect(disagreements == [])
        #expect(set.count == reference.count)
        #expect((0..<5_003).allSatisfy { set.contains(key($0, homes: 2_039)) == reference.contains($0) })
    }

    /// First/last seen times: a dictionary while few customers are marked, an array once many
    /// are, ids past the array's reach in the dictionary throughout.
    @Test func seenTimesKeepEachCustomersFirstAndLastTime() {
        var seen = SeenTimes()
        var reference: [Int64: (first: Int64, last: Int64)] = [:]
        var random = SystemRandomNumberGenerator()
        for step in 0..<60_000 {
            let customer = step % 5 == 0 ? Int64(1 << 30) + Int64.random(in: 0..<50, using: &random) : Int64.random(in: 0..<(step < 3_000 ? 3_000 : 40_000), using: &random)
            if step % 97 == 0 {
                #expect(seen.remove(customer).map { [$0.first, $0.last] } == reference.removeValue(forKey: customer).map { [$0.first, $0.last] })
                continue
            }
            let time = Int64.random(in: -1_000...1_000_000, using: &random)
            seen.mark(customer, time)
            let old = reference[customer] ?? (.max, .min)
            reference[customer] = (min(old.first, time), max(old.last, time))
        }
        var listed: [(Int64, Int64, Int64)] = []
        seen.forEach { listed.append(($0, $1, $2)) }
        #expect(listed.map(\.0) == reference.keys.sorted())
        #expect(listed.allSatisfy { reference[$0.0]! == ($0.1, $0.2) })
    }
}
