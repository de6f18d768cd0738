import Foundation

/// Least-significant-digit radix sort of non-NaN floats (three 11-bit passes over an order-preserving
/// integer key), several times faster than a comparison sort for the binning samples.
enum FloatRadixSort {
    static func sort(_ values: inout [Float]) {
        let n = values.count
        guard n > 64 else {
            values.sort()
            return
        }
        // Map float bits to unsigned keys ordered like the floats: flip all bits of negatives,
        // the sign bit of positives.
        var keys = values.map { v -> UInt32 in
            let b = v.bitPattern
            return b & 0x8000_0000 != 0 ? ~b : b | 0x8000_0000
        }
        var scratch = [UInt32](repeating: 0, count: n)
        for shift in [UInt32(0), 11, 22] {
            var counts = [Int](repeating: 0, count: 2049)
            for k in keys { counts[Int((k >> shift) & 0x7FF) + 1] += 1 }
            for d in 1..<2049 { counts[d] += counts[d - 1] }
            for k in keys {
                let d = Int((k >> shift) & 0x7FF)
                scratch[counts[d]] = k
                counts[d] += 1
            }
            swap(&keys, &scratch)
        }
        for i in 0..<n {
            let k = keys[i]
            values[i] = Float(bitPattern: k & 0x8000_0000 != 0 ? k & 0x7FFF_FFFF : ~k)
        }
    }
}
