import Foundation

/// Where and why a JSON document could not be read.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset of the problem from the start of the document.
    public var offset: Int
    public var reason: String
    public var description: String { "\(reason) at byte \(offset)" }
}

/// A strict RFC 8259 JSON reader producing `JSONValue`.
///
/// Foundation's `JSONDecoder` needs a static schema and `JSONSerialization` yields untyped `Any`;
/// ingestion needs schema-free values, exact error offsets, a nesting limit and rejection of invalid
/// UTF-8, at several hundred thousand events a second, so it has its own small reader.
public struct JSONParser {
    /// Documents nested deeper than this are refused rather than risking the stack.
    public static let maximumDepth = 64

    public static func parse(_ data: Data) throws(JSONParseError) -> JSONValue {
        do {
            return try data.withUnsafeBytes { raw in
                var parser = JSONParser(bytes: raw)
                return try parser.parseDocument()
            }
        } catch let error as JSONParseError {
            throw error
        } catch {
            throw JSONParseError(offset: 0, reason: "unreadable input")
        }
    }

    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        return try parser.parseDocument()
    }

    let bytes: UnsafeRawBufferPointer
    /// Offset of the next byte to read.
    private(set) var index = 0
    private var depth = 0
    /// How many strings with escapes, and runs of whitespace, were read so far: a value read
    /// while neither changed is its own compact text with no escapes (see `parseValueText`).
    private var escapedStrings = 0
    private var whitespaceRuns = 0

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    private mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        try expectEnd()
        return value
    }

    /// Checks that only whitespace is left.
    mutating func expectEnd() throws(JSONParseError) {
        skipWhitespace()
        if index != bytes.count { throw fail("unexpected data after the JSON value") }
    }

    func fail(_ reason: String) -> JSONParseError {
        JSONParseError(offset: index, reason: reason)
    }

    /// The next byte, after any whitespace; nil at the end.
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return index < bytes.count ? bytes[index] : nil
    }

    @inline(__always) mutating func skipWhitespace() {
        let start = index
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default:
                if index != start { whitespaceRuns += 1 }
                return
            }
        }
        if index != start { whitespaceRuns += 1 }
    }

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw fail("unexpected end of JSON") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw fail("unexpected character")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw fail("unexpected end of JSON") }
        let p = literal.utf8Start
        for i in 0..<count where bytes[index + i] != p[i] {
            throw fail("invalid literal")
        }
        index += count
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        var members: [String: JSONValue] = [:]
        guard try enterObject() else { return .object(members) }
        repeat {
            let key = try parseKey()
            members[key] = try parseValue()
        } while try nextMember()
        return .object(members)
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        var elements: [JSONValue] = []
        guard try enterArray() else { return .array(elements) }
        repeat {
            elements.append(try parseValue())
        } while try nextElement()
        return .array(elements)
    }

    /// Reads the `{` the parser is at; false when the object is empty (its `}` read too).
    /// Otherwise read its members with `parseKey`, a value and `nextMember`.
    mutating func enterObject() throws(JSONParseError) -> Bool {
        depth += 1
        if depth > Self.maximumDepth { throw fail("nesting deeper than \(Self.maximumDepth) levels") }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return false
        }
        return true
    }

    /// A member's key and the `:` after it, leaving the parser at the value.
    mutating func parseKey() throws(JSONParseError) -> String {
        try expectKey()
        let key = try parseString()
        try expectColon()
        return key
    }

    /// A member's key, given to `match` as UTF-8 bytes (without making a `String` when it is
    /// plain ASCII), and the `:` after it, leaving the parser at the value.
    mutating func parseKey<Key>(_ match: (UnsafeRawBufferPointer) -> Key) throws(JSONParseError) -> Key {
        try expectKey()
        var end = index + 1
        while end < bytes.count, bytes[end] >= 0x20, bytes[end] < 0x80, bytes[end] != UInt8(ascii: "\\") {
            if bytes[end] == UInt8(ascii: "\"") {
                let key = match(UnsafeRawBufferPointer(rebasing: bytes[(index + 1)..<end]))
                index = end + 1
                try expectColon()
                return key
            }
            end += 1
        }
        var key = try parseString()
        try expectColon()
        return key.withUTF8 { match(UnsafeRawBufferPointer($0)) }
    }

    private mutating func expectKey() throws(JSONParseError) {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
    }

    private mutating func expectColon() throws(JSONParseError) {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
        index += 1
        skipWhitespace()
    }

    /// After a member's value: true when another member follows, false at the object's end.
    mutating func nextMember() throws(JSONParseError) -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw fail("unexpected end of JSON") }
        if bytes[index] == UInt8(ascii: ",") {
            index += 1
            return true
        } else if bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return false
        }
        throw fail("expected ',' or '}'")
    }

    /// Reads the `[` the parser is at; false when the array is empty (its `]` read too).
    /// Otherwise read its elements with a value and `nextElement`.
    mutating func enterArray() throws(JSONParseError) -> Bool {
        depth += 1
        if depth > Self.maximumDepth { throw fail("nesting deeper than \(Self.maximumDepth) levels") }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return false
        }
        return true
    }

    /// After an element: true when another element follows, false at the array's end.
    mutating func nextElement() throws(JSONParseError) -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw fail("unexpected end of JSON") }
        if bytes[index] == UInt8(ascii: ",") {
            index += 1
            skipWhitespace()
            return true
        } else if bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return false
        }
        throw fail("expected ',' or ']'")
    }

    /// The next value and its compact JSON text: the bytes it was read from, without the
    /// whitespace between tokens. The text is nil when a string in it had escapes, so that
    /// every string in the text is spelled as `JSONWriter` spells it (readers that search the
    /// text for a key find it).
    mutating func parseValueText() throws(JSONParseError) -> (value: JSONValue, text: String?) {
        let start = index
        let (escapes, whitespace) = (escapedStrings, whitespaceRuns)
        let value = try parseValue()
        guard escapes == escapedStrings else { return (value, nil) }
        let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
        if whitespace == whitespaceRuns { return (value, String(decoding: raw, as: UTF8.self)) }
        return (value, Self.compact(raw))
    }

    /// Valid JSON `text` without escapes, less its whitespace outside strings.
    private static func compact(_ text: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: text.count) { out in
            var count = 0
            var inString = false
            for byte in text {
                if byte == UInt8(ascii: "\"") {
                    inString.toggle()
                } else if !inString && (byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09) {
                    continue
                }
                out[count] = byte
                count += 1
            }
            return count
        }
    }

    private mutating func parseNumber() throws(JSONParseError) -> Double {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { throw fail("invalid number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if bytes[index] >= UInt8(ascii: "1") && bytes[index] <= UInt8(ascii: "9") {
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9") { index += 1 }
        } else {
            throw fail("invalid number")
        }
        var isInteger = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            let digits = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9") { index += 1 }
            if index == digits { throw fail("invalid number: digits expected after '.'") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            let digits = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9") { index += 1 }
            if index == digits { throw fail("invalid number: digits expected in exponent") }
        }
        // Fast path for plain integers that a Double holds exactly.
        if isInteger && index - start <= 15 {
            var value: Int64 = 0
            var i = start
            let negative = bytes[i] == UInt8(ascii: "-")
            if negative { i += 1 }
            while i < index {
                value = value * 10 + Int64(bytes[i] &- UInt8(ascii: "0"))
                i += 1
            }
            return Double(negative ? -value : value)
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            index = start
            throw fail("number out of range")
        }
        return value
    }

    mutating func parseString() throws(JSONParseError) -> String {
        index += 1  // opening quote
        let start = index
        // Fast path: no escapes, ASCII or valid UTF-8, no control characters.
        var sawNonASCII = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
                index += 1
                if sawNonASCII {
                    guard let s = String(validating: slice, as: UTF8.self) else {
                        throw JSONParseError(offset: start, reason: "string is not valid UTF-8")
                    }
                    return s
                }
                return String(decoding: slice, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw fail("control character in string") }
            if byte >= 0x80 { sawNonASCII = true }
            index += 1
        }
        guard index < bytes.count else { throw fail("unterminated string") }
        // Slow path with escapes.
        escapedStrings += 1
        var buffer = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                guard let s = String(validating: buffer, as: UTF8.self) else {
                    throw JSONParseError(offset: start, reason: "string is not valid UTF-8")
                }
                return s
            }
            if byte < 0x20 { throw fail("control character in string") }
            if byte != UInt8(ascii: "\\") {
                buffer.append(byte)
                index += 1
                continue
            }
            index += 1
            guard index < bytes.count else { throw fail("unterminated string") }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""): buffer.append(0x22)
            case UInt8(ascii: "\\"): buffer.append(0x5C)
            case UInt8(ascii: "/"): buffer.append(0x2F)
            case UInt8(ascii: "b"): buffer.append(0x08)
            case UInt8(ascii: "f"): buffer.append(0x0C)
            case UInt8(ascii: "n"): buffer.append(0x0A)
            case UInt8(ascii: "r"): buffer.append(0x0D)
            case UInt8(ascii: "t"): buffer.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try parseHex4()
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    // A high surrogate must be followed by an escaped low surrogate.
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                    else { throw fail("unpaired UTF-16 surrogate in \\u escape") }
                    index += 2
                    let low = try parseHex4()
                    guard low >= 0xDC00 && low < 0xE000 else { throw fail("unpaired UTF-16 surrogate in \\u escape") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    throw fail("unpaired UTF-16 surrogate in \\u escape")
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape") }
                buffer.append(contentsOf: Array(String(Character(unicode)).utf8))
            default:
                throw fail("invalid escape sequence")
            }
        }
        throw fail("unterminated string")
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw fail("invalid \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[index]
            let digit: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw fail("invalid \\u escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }
}
