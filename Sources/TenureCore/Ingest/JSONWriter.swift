import Foundation

/// Compact JSON text for a `JSONValue`: what the store keeps for properties, traits and context,
/// and what event-size limits are measured on (so whitespace a client adds does not count).
public enum JSONWriter {
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
        case .null: out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(let b): out.append(contentsOf: b ? Array("true".utf8) : Array("false".utf8))
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
            for (i, key) in members.keys.sorted().enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(members[key]!, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
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
        writeString(utf8: s.utf8, into: &out)
    }

    /// `bytes` (valid UTF-8) as a JSON string.
    static func writeString(utf8 bytes: some Sequence<UInt8>, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
