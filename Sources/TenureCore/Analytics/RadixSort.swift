/// Stable least-significant-digit radix sort of 64-bit keys, 16 bits per pass, skipping passes in
/// which every key has the same digit (day numbers and counts sort in one or two passes).
enum RadixSort {
    /// Positions `0..<keys.count` ordered by key; equal keys keep ascending position order.
    static func order(of keys: [UInt64]) -> [UInt32] {
        let n = keys.count
        var order = [UInt32](unsafeUninitializedCapacity: n) { buf, count in
            for i in 0..<n { buf[i] = UInt32(i) }
            count = n
        }
        if n < 2 { return order }
        var scratch = [UInt32](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: 65_537)
        keys.withUnsafeBufferPointer { k in
            for shift in stride(from: 0, to: 64, by: 16) {
                for i in counts.indices { counts[i] = 0 }
                for i in 0..<n { counts[Int((k[i] >> UInt64(shift)) & 0xFFFF) + 1] += 1 }
                if counts.contains(n) { continue }  // one digit value for all keys
                for i in 1..<counts.count { counts[i] += counts[i - 1] }
                order.withUnsafeBufferPointer { src in
                    scratch.withUnsafeMutableBufferPointer { dst in
                        for i in 0..<n {
                            let p = src[i]
                            let digit = Int((k[Int(p)] >> UInt64(shift)) & 0xFFFF)
                            dst[counts[digit]] = p
                            counts[digit] += 1
                        }
                    }
                }
                swap(&order, &scratch)
            }
        }
        return order
    }

    /// A key that orders doubles as `<` does (−0 before +0; NaN is not expected).
    @inline(__always)
    static func key(_ x: Double) -> UInt64 {
        let b = x.bitPattern
        return b & (1 << 63) != 0 ? ~b : b | (1 << 63)
    }

    /// A key that orders signed integers as `<` does.
    @inline(__always)
    static func key(_ x: Int64) -> UInt64 { UInt64(bitPattern: x) ^ (1 << 63) }
}
