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
        var end = record.count
        while end > 0, record[end - 1] == 0x0A || record[end - 1] == 0x0D { end -= 1 }
        var fields: [String] = []
        switch delimiter {
        case .whitespace:
            var i = 0
            while i < end {
                while i < end, record[i] == 0x20 || record[i] == 0x09 { i += 1 }
                let start = i
                while i < end, record[i] != 0x20 && record[i] != 0x09 { i += 1 }
                if i > start {
                    guard let s = String(validating: UnsafeRawBufferPointer(rebasing: record[start..<i]), as: UTF8.self) else {
                        return .failure(CSVFieldError(field: fields.count, reason: "not valid UTF-8"))
                    }
                    fields.append(s)
                }
            }
        case .character(let separator):
            var i = 0
            while true {
                if i < end, record[i] == 0x22 {
                    var bytes: [UInt8] = []
                    i += 1
                    var closed = false
                    while i < end {
                        if record[i] == 0x22 {
                            if i + 1 < end, record[i + 1] == 0x22 {
                                bytes.append(0x22)
                                i += 2
                                continue
                            }
                            closed = true
                            i += 1
                            break
                        }
                        bytes.append(record[i])
                        i += 1
                    }
                    guard closed else { return .failure(CSVFieldError(field: fields.count, reason: "unterminated quoted field")) }
                    guard let s = String(validating: bytes, as: UTF8.self) else {
                        return .failure(CSVFieldError(field: fields.count, reason: "not valid UTF-8"))
                    }
                    fields.append(s)
                    while i < end, record[i] != separator { i += 1 }  // tolerate spaces after a closing quote
                } else {
                    let start = i
                    while i < end, record[i] != separator { i += 1 }
                    guard let s = String(validating: UnsafeRawBufferPointer(rebasing: record[start..<i]), as: UTF8.self) else {
                        return .failure(CSVFieldError(field: fields.count, reason: "not valid UTF-8"))
                    }
                    fields.append(s)
                }
                if i >= end { break }
                i += 1  // separator
                if i == end {
                    fields.append("")
                    break
                }
            }
        }
        return .success(fields)
    }
}

/// A field of a delimited record could not be read.
public struct CSVFieldError: Error, Sendable, Equatable {
    /// 0-based field position.
    public var field: Int
    public var reason: String
}
