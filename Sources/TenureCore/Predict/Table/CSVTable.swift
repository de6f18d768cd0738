import Foundation

/// A comma-separated table parsed per RFC 4180: the first record is the header; fields may be
/// quoted with `"`, a quoted field may contain commas, line breaks and doubled quotes (`""`);
/// records end with CRLF or LF. A UTF-8 byte-order mark is ignored, as is a final empty line.
public struct CSVTable: Sendable, Equatable {
    public var header: [String]
    /// Records after the header, each with exactly `header.count` fields.
    public var rows: [[String]]

    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    /// Parses UTF-8 text.
    public init(parsing text: String) throws(TableError) {
        try self.init(parsing: Data(text.utf8))
    }

    /// Parses UTF-8 bytes.
    public init(parsing data: Data) throws(TableError) {
        var records: [[String]] = []
        var recordLines: [Int] = []
        var record: [String] = []
        var field: [UInt8] = []
        var line = 1, recordLine = 1
        var inQuotes = false, fieldWasQuoted = false
        let bytes = [UInt8](data)
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        func finishField() {
            record.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            fieldWasQuoted = false
        }
        while i < bytes.count {
            let c = bytes[i]
            if inQuotes {
                if c == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(c)
                        i += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if c == UInt8(ascii: "\n") { line += 1 }
                    field.append(c)
                }
            } else {
                switch c {
                case UInt8(ascii: "\""):
                    guard field.isEmpty && !fieldWasQuoted else {
                        throw .malformedCSV(line: line, reason: "a quote inside an unquoted field; quote the whole field and double inner quotes")
                    }
                    inQuotes = true
                    fieldWasQuoted = true
                case UInt8(ascii: ","):
                    finishField()
                case UInt8(ascii: "\r") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\n"):
                    break
                case UInt8(ascii: "\n"):
                    finishField()
                    records.append(record)
                    recordLines.append(recordLine)
                    record = []
                    line += 1
                    recordLine = line
                default:
                    guard !fieldWasQuoted else {
                        throw .malformedCSV(line: line, reason: "text after a closing quote; quote the whole field")
                    }
                    field.append(c)
                }
            }
            i += 1
        }
        if inQuotes { throw .malformedCSV(line: recordLine, reason: "a quoted field is never closed") }
        if !field.isEmpty || !record.isEmpty || fieldWasQuoted {
            finishField()
            records.append(record)
            recordLines.append(recordLine)
        }
        // Blank lines (a lone empty field) carry no record.
        let kept = records.indices.filter { !(records[$0].count == 1 && records[$0][0].isEmpty) }
        records = kept.map { records[$0] }
        recordLines = kept.map { recordLines[$0] }
        guard let header = records.first else { throw .emptyTable }
        for (k, r) in records.enumerated() where r.count != header.count {
            throw .malformedCSV(line: recordLines[k], reason: "the record has \(r.count) fields but the header has \(header.count)")
        }
        self.header = header
        self.rows = Array(records.dropFirst())
    }

    /// Index of the column called `name` (exact match after trimming spaces).
    public func columnIndex(_ name: String) -> Int? {
        let target = name.trimmingCharacters(in: .whitespaces)
        return header.firstIndex { $0.trimmingCharacters(in: .whitespaces) == target }
    }
}
