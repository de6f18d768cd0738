/// Splits delimited text into records and fields: RFC 4180 quoting (a quoted field may hold the
/// delimiter, doubled quotes and line breaks) for comma, tab and semicolon files, or runs of
/// spaces and tabs for whitespace-aligned logs such as CDNOW's.
public struct CSVRecordReader: Sendable {
    public enum Delimiter: Sendable, Hashable {
        case character(UInt8)
        case whitespace

        public static let comma = Delimiter.character(UInt8(ascii: ","))
        public static let tab = Delimiter.character(UInt8(ascii: "\t"))
        public static let semicolon = Delimiter.character(UInt8(ascii: ";"))

        /// A delimiter guessed from a file's first line: tab, semicolon or comma when present,
        /// else whitespace.
        public static func guess(firstLine: some Collection<UInt8>) -> Delimiter {
            var counts: [UInt8: Int] = [:]
            for byte in firstLine where byte == 0x09 || byte == 0x3B || byte == 0x2C { counts[byte, default: 0] += 1 }
            if let best = counts.max(by: { $0.value < $1.value }) { return .character(best.key) }
            return .whitespace
        }
    }

    public var delimiter: Delimiter

    public init(delimiter: Delimiter) {
        self.delimiter = delimiter
    }

    /// The end of the first complete record in `bytes` (the index just past its line break), or
    /// nil when the record is not complete yet. Quote-aware, so a quoted line break does not end it.
    public func recordEnd(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var i = start
        var quoted = false
        let quoting = delimiter != .whitespace
        while i < bytes.count {
            let byte = bytes[i]
            if quoting && byte == 0x22 {
                quoted.toggle()
            } else if byte == 0x0A && !quoted {
                return i + 1
            }
            i += 1
        }
        return nil
    }

    /// The fields of one record (its line break, if any, excluded). Fails on an unterminated quote
    /// or invalid UTF-8, naming the problem.
    public func fields(of record: UnsafeRawBufferPointer) -> Result<[String], CSVFieldError> {
        var fields = CSVFields()
        if let error = split(record, into: &fields) { return .failure(error) }
        return .success((0..<fields.count).map { fields.string($0) })
    }

    /// Splits one record (its line break, if any, excluded) into `fields` without making strings:
    /// the bulk importer's way. Returns the problem on an unterminated quote or invalid UTF-8.
    public func split(_ record: UnsafeRawBufferPointer, into fields: inout CSVFields) -> CSVFieldError? {
        fields.removeAll()
        var end = record.count
        while end > 0, record[end - 1] == 0x0A || record[end - 1] == 0x0D { end -= 1 }
        var i = 0
        switch delimiter {
        case .whitespace:
            while i < end {
                while i < end, record[i] == 0x20 || record[i] == 0x09 { i += 1 }
                let start = i
                while i < end, record[i] != 0x20 && record[i] != 0x09 { i += 1 }
                if i > start { fields.append(UnsafeRawBufferPointer(rebasing: record[start..<i])) }
            }
        case .character(let separator):
            while true {
                if i < end, record[i] == 0x22 {
                    i += 1
                    var closed = false
                    while i < end {
                        if record[i] == 0x22 {
                            if i + 1 < end, record[i + 1] == 0x22 {
                                fields.appendByte(0x22)
                                i += 2
                                continue
                            }
                            closed = true
                            i += 1
                            break
                        }
                        fields.appendByte(record[i])
                        i += 1
                    }
                    fields.endField()
                    guard closed else { return CSVFieldError(field: fields.count - 1, reason: "unterminated quoted field") }
                    while i < end, record[i] != separator { i += 1 }  // tolerate spaces after a closing quote
                } else {
                    let start = i
                    while i < end, record[i] != separator { i += 1 }
                    fields.append(UnsafeRawBufferPointer(rebasing: record[start..<i]))
                }
                if i >= end { break }
                i += 1  // separator
                if i == end {
                    fields.append(UnsafeRawBufferPointer(start: nil, count: 0))
                    break
                }
            }
        }
        return fields.validateUTF8()
    }
}

/// The fields of one record, unquoted, back to back in one buffer: reused from record to record
/// so splitting allocates nothing once the buffer has grown.
public struct CSVFields: Sendable {
    public private(set) var bytes: [UInt8] = []
    /// Field `i` is `bytes[starts[i]..<starts[i + 1]]`.
    private var starts: [Int] = [0]

    public init() {}

    /// Fields from strings (the general path's input).
    public init(_ strings: [String]) {
        for string in strings {
            bytes.append(contentsOf: string.utf8)
            starts.append(bytes.count)
        }
    }

    public var count: Int { starts.count - 1 }

    public func range(_ i: Int) -> Range<Int> { starts[i]..<starts[i + 1] }

    /// Field `i` without leading and trailing spaces and tabs.
    public func trimmedRange(_ i: Int) -> Range<Int> {
        var lower = starts[i], upper = starts[i + 1]
        while lower < upper, bytes[lower] == 0x20 || bytes[lower] == 0x09 { lower += 1 }
        while upper > lower, bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09 { upper -= 1 }
        return lower..<upper
    }

    public func string(_ i: Int) -> String { string(range(i)) }

    public func string(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    /// Calls `body` with the bytes of `range`.
    public func withBytes<T>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        starts.append(0)
    }

    mutating func append(_ field: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: field)
        starts.append(bytes.count)
    }

    mutating func appendByte(_ byte: UInt8) { bytes.append(byte) }

    mutating func endField() { starts.append(bytes.count) }

    /// The first field that is not valid UTF-8, if any (ASCII, the common case, is checked in one pass).
    func validateUTF8() -> CSVFieldError? {
        guard bytes.contains(where: { $0 >= 0x80 }) else { return nil }
        for i in 0..<count where String(validating: bytes[range(i)], as: UTF8.self) == nil {
            return CSVFieldError(field: i, reason: "not valid UTF-8")
        }
        return nil
    }
}

/// A field of a delimited record could not be read.
public struct CSVFieldError: Error, Sendable, Equatable {
    /// 0-based field position.
    public var field: Int
    public var reason: String
}
