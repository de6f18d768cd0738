/// Reads a number written as text the way `Double(String)` does, without making a `String` for
/// the common shapes: `-12`, `114.00`, `0.5`. Such a value (at most 19 digits, the digits
/// below 2⁵³, at most 22 after the point) is one exact integer divided by an exact power of
/// ten, and IEEE division rounds that correctly, so the result equals `Double(String)`'s to the
/// bit (Clinger's fast path). Anything else (exponents, long mantissas, `inf`) goes through
/// `Double(String)`.
public enum DecimalText {
    private static let powersOfTen: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { r, _ in r * 10 } }

    public static func parse(_ bytes: UnsafeRawBufferPointer) -> Double? {
        var i = 0
        let count = bytes.count
        var negative = false
        if i < count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0, fraction = 0
        var sawPoint = false
        while i < count {
            let c = bytes[i]
            if c >= 0x30 && c <= 0x39 {
                mantissa = mantissa &* 10 &+ UInt64(c &- 0x30)
                digits += 1
                if sawPoint { fraction += 1 }
            } else if c == UInt8(ascii: ".") && !sawPoint {
                sawPoint = true
            } else {
                return slowPath(bytes)
            }
            i += 1
        }
        // `5.` and `.5` are left to `Double(String)`, whatever it makes of them.
        guard digits > fraction, !sawPoint || fraction > 0, digits <= 19, mantissa < (1 << 53), fraction <= 22 else {
            return slowPath(bytes)
        }
        let value = Double(mantissa) / powersOfTen[fraction]
        return negative ? -value : value
    }

    private static func slowPath(_ bytes: UnsafeRawBufferPointer) -> Double? {
        Double(String(decoding: bytes, as: UTF8.self))
    }
}
