/// Stable least-significant-digit radix sort of 64-bit keys, a byte per pass, with every pass's
/// histogram counted in one read of the keys and passes skipped where all keys share the byte
/// (day numbers and counts sort in one to three passes). Keys move together with their positions,
/// so each pass reads and writes sequentially.
enum RadixSort {
    /// Positions `0..<keys.count` ordered by key; equal keys keep ascending position order.
    static func order(of keys: [UInt64]) -> [UInt32] {
        let n = keys.count
        if n < 2 { return (0..<n).map { UInt32($0) } }
        var lowest = UInt64.max, highest = UInt64.min
        for k in keys {
            lowest = min(lowest, k)
            highest = max(highest, k)
        }
        let span = highest - lowest
        if span < 1 << 18 { return countingOrder(of: keys, lowest: lowest, span: Int(span)) }
        // Only the bytes that differ between the smallest and largest key (after subtracting the
        // smallest) need passes.
        let bytes = (64 - span.leadingZeroBitCount + 7) / 8
        var counts = [Int](repeating: 0, count: 8 * 256)
        keys.withUnsafeBufferPointer { k in
            counts.withUnsafeMutableBufferPointer { c in
                for i in 0..<n {
                    let key = k[i] &- lowest
                    for b in 0..<bytes { c[b * 256 + Int((key >> UInt64(8 * b)) & 0xFF)] += 1 }
                }
            }
        }
        var srcKeys = keys.map { $0 &- lowest }, dstKeys = [UInt64](repeating: 0, count: n)
        var srcPos = [UInt32](unsafeUninitializedCapacity: n) { buf, count in
            for i in 0..<n { buf[i] = UInt32(i) }
            count = n
        }
        var dstPos = [UInt32](repeating: 0, count: n)
        for b in 0..<bytes {
            let base = b * 256
            if counts[base..<(base + 256)].contains(n) { continue }  // one byte value for all keys
            var offsets = [Int](repeating: 0, count: 256)
            var sum = 0
            for d in 0..<256 {
                offsets[d] = sum
                sum += counts[base + d]
            }
            let shift = UInt64(8 * b)
            srcKeys.withUnsafeBufferPointer { sk in
                srcPos.withUnsafeBufferPointer { sp in
                    dstKeys.withUnsafeMutableBufferPointer { dk in
                        dstPos.withUnsafeMutableBufferPointer { dp in
                            offsets.withUnsafeMutableBufferPointer { o in
                                for i in 0..<n {
                                    let key = sk[i]
                                    let d = Int((key >> shift) & 0xFF)
                                    let at = o[d]
                                    o[d] = at + 1
                                    dk[at] = key
                                    dp[at] = sp[i]
                                }
                            }
                        }
                    }
                }
            }
            swap(&srcKeys, &dstKeys)
            swap(&srcPos, &dstPos)
        }
        return srcPos
    }

    /// One stable counting-sort pass for keys within `lowest … lowest + span` (days, counts).
    static func countingOrder(of keys: [UInt64], lowest: UInt64, span: Int) -> [UInt32] {
        let n = keys.count
        var offsets = [Int](repeating: 0, count: span + 2)
        for k in keys { offsets[Int(k - lowest) + 1] += 1 }
        for d in 0...span { offsets[d + 1] += offsets[d] }
        var order = [UInt32](repeating: 0, count: n)
        keys.withUnsafeBufferPointer { k in
            order.withUnsafeMutableBufferPointer { o in
                offsets.withUnsafeMutableBufferPointer { off in
                    for i in 0..<n {
                        let d = Int(k[i] - lowest)
                        o[off[d]] = UInt32(i)
                        off[d] += 1
                    }
                }
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
