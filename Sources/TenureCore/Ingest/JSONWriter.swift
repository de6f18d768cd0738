import Foundation

/// Compact JSON text for a `JSONValue`: what the store keeps for properties, traits and context,
/// and what event-size limits are measured on (so whitespace a client adds does not count).
public enum JSONWriter {
    /// The writer's text of a value is never more than this many times as long as any valid
    /// JSON text it was read from: whitespace and repeated keys are dropped, a string takes at
    /// most 3 bytes for each byte sent (`\b` becomes `\u0008`), and a number at most 4.5
    /// (`1e15` becomes `1000000000000000.0`). So a text within a fifth of a size limit is within
    /// the limit written too.
    static let maximumExpansion = 5

    public static func string(_ value: JSONValue) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        write(value, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public static func string(_ object: [String: JSONValue]) -> String {
        string(.object(object))
    }

    public static func bytes(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        write(value, into: &out)
        return out
    }

    public static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: writeLiteral("null", into: &out)
        case .bool(let b): writeLiteral(b ? "true" : "false", into: &out)
        case .number(let n): writeNumber(n, into: &out)
        case .string(let s): writeString(s, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(element, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            // Sorted keys: the same value always gives the same text.
            for (i, member) in members.sorted(by: { $0.key < $1.key }).enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(member.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func writeLiteral(_ literal: StaticString, into out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    static func writeNumber(_ n: Double, into out: inout [UInt8]) {
        if n == n.rounded(), abs(n) < 1e15 {
            writeInteger(Int64(n), into: &out)
        } else if n.isFinite {
            if !writeShortDecimal(n, into: &out) { out.append(contentsOf: "\(n)".utf8) }
        } else {
            out.append(contentsOf: "null".utf8)
        }
    }

    /// A non-integer with 0.001 ≤ |n| < 10¹⁵ and at most 15 significant digits, written as Swift's
    /// `description` writes it (the shortest decimal that reads back as `n`) without making a
    /// `String`: the fewest fraction digits `k` for which the integer `m` nearest `n·10ᵏ` gives
    /// `m / 10ᵏ == n` exactly. Both are exact doubles and the division rounds correctly, so that
    /// test is the same as reading the text back. At 15 digits at most no other decimal of the
    /// same length reads back as `n`, and `n·10ᵏ` is within 0.25 of `m`, so `m` is never missed.
    /// Returns false (writing nothing) outside that range.
    static func writeShortDecimal(_ n: Double, into out: inout [UInt8]) -> Bool {
        let a = abs(n)
        guard a >= 1e-3, a < 1e15 else { return false }
        var scale = 1.0, divisor: Int64 = 1
        for k in 1...15 {
            scale *= 10
            divisor *= 10
            let m = (a * scale).rounded()
            guard m < 1e15 else { return false }
            guard m / scale == a else { continue }
            let digits = Int64(m)
            if n < 0 { out.append(UInt8(ascii: "-")) }
            writeInteger(digits / divisor, into: &out)
            out.append(UInt8(ascii: "."))
            var fraction = digits % divisor, place = divisor / 10
            for _ in 0..<k {
                out.append(UInt8(truncatingIfNeeded: fraction / place) + 0x30)
                fraction %= place
                place /= 10
            }
            return true
        }
        return false
    }

    /// The decimal digits of `n`, as `String(n)` writes them.
    static func writeInteger(_ n: Int64, into out: inout [UInt8]) {
        if n < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = n.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes, room for 20 digits
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[23 - count] = UInt8(truncatingIfNeeded: magnitude % 10) + 0x30
                magnitude /= 10
                count += 1
            } while magnitude > 0
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[(24 - count)...]))
        }
    }

    static func writeString(_ s: String, into out: inout [UInt8]) {
        var s = s
        s.withUTF8 { writeString(utf8: $0, into: &out) }
    }

    /// `bytes` (valid UTF-8) as a JSON string.
    static func writeString(utf8 bytes: some Sequence<UInt8>, into out: inout [UInt8]) {
        if bytes.withContiguousStorageIfAvailable({ writeString(utf8: $0, into: &out) }) == nil {
            writeString(utf8: Array(bytes), into: &out)
        }
    }

    /// `bytes` (valid UTF-8) as a JSON string: runs that need no escape are copied in one go.
    static func writeString(utf8 bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var runStart = 0
        for i in bytes.indices {
            let byte = bytes[i]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
            runStart = i + 1
            writeEscape(byte, into: &out)
        }
        if runStart < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        out.append(UInt8(ascii: "\""))
    }

    private static func writeEscape(_ byte: UInt8, into out: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
        case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
        case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        default:
            let hex: StaticString = "0123456789abcdef"
            let digits = hex.utf8Start
            out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
        }
    }
}
