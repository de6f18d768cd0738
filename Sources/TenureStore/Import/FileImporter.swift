import Foundation
import TenureCore

/// What `tenure import` reads.
public struct ImportOptions: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        /// One Segment-shaped message per line (`type`, `userId`, `event`, `timestamp`, …).
        case jsonl
        /// Transactions, one per record, mapped by `mapping`.
        case csv
    }

    public var format: Format
    /// For CSV: how columns become events.
    public var mapping: TransactionMapping?
    /// For CSV: the field delimiter; nil guesses it from the first line.
    public var delimiter: CSVRecordReader.Delimiter?
    /// For CSV: whether the first record names the columns.
    public var hasHeader: Bool
    /// Skip malformed records (reporting them) instead of stopping with nothing committed.
    public var skipBadRows: Bool
    /// How many bad records the report lists in full.
    public var maxReportedBadRows: Int
    /// The bounds of amounts and times; a record outside them is a bad record (`ValuePolicy`).
    public var values: ValuePolicy
    /// Where to write every bad record (`line<TAB>reason`, one a line), besides the report's first ones.
    public var rejectedPath: String?

    public init(
        format: Format, mapping: TransactionMapping? = nil, delimiter: CSVRecordReader.Delimiter? = nil, hasHeader: Bool = true,
        skipBadRows: Bool = false, maxReportedBadRows: Int = 20, values: ValuePolicy = .live, rejectedPath: String? = nil
    ) {
        self.values = values
        self.rejectedPath = rejectedPath
        self.format = format
        self.mapping = mapping
        self.delimiter = delimiter
        self.hasHeader = hasHeader
        self.skipBadRows = skipBadRows
        self.maxReportedBadRows = maxReportedBadRows
    }
}

/// A record that could not be imported.
public struct BadRow: Sendable, Hashable, Codable, CustomStringConvertible {
    /// 1-based line number in the file where the record starts.
    public var line: Int
    public var reason: String
    public var description: String { "line \(line): \(reason)" }
}

/// The outcome of an import.
public struct ImportReport: Sendable, Codable {
    /// Records read (header excluded).
    public var records: Int
    public var stored: Int
    /// Records whose message was already stored (a re-import).
    public var duplicates: Int
    /// Bad records skipped (only with `skipBadRows`).
    public var skipped: Int
    /// The first bad records, up to `maxReportedBadRows`.
    public var badRows: [BadRow]
    public var seconds: Double
}

/// How far an import has got, for a progress bar.
public struct ImportProgress: Sendable {
    public var bytesRead: Int
    public var totalBytes: Int
    public var records: Int
}

/// The import failed and nothing was committed.
public enum ImportFailure: Error, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case mapping(String)
    case badRow(BadRow, recordsBefore: Int)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        case .mapping(let message): return message
        case .badRow(let row, _):
            return "\(row); nothing was imported (fix the record, or pass --skip-bad-rows to import the rest)"
        }
    }
}

/// Streams a JSONL or CSV file into the store in one transaction: everything or nothing.
/// Each record's message id is derived from its line number and bytes when it has none, so
/// importing the same file again stores nothing new.
public struct FileImporter: Sendable {
    public let options: ImportOptions

    public init(options: ImportOptions) {
        self.options = options
    }

    public func run(
        path: String, into store: any EventStore, progress: @escaping @Sendable (ImportProgress) -> Void = { _ in }
    ) async throws -> ImportReport {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ImportFailure.unreadable(path: path, reason: "no such file or no permission")
        }
        defer { try? handle.close() }
        let totalBytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let started = ContinuousClock.now
        let options = self.options
        if options.format == .csv {
            guard let mapping = options.mapping else {
                throw ImportFailure.mapping("a CSV import needs --customer-column and --date-column")
            }
            var report = try await CSVFileImport(options: options, mapping: mapping, path: path).run(
                store: store, totalBytes: totalBytes, progress: progress)
            report.seconds = Self.seconds(since: started)
            return report
        }
        var report = try await JSONLFileImport(options: options, path: path).run(store: store, totalBytes: totalBytes, progress: progress)
        report.seconds = Self.seconds(since: started)
        return report
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        (ContinuousClock.now - start).inSeconds
    }

    /// A record of only spaces, tabs and line breaks: not a record at all (both formats skip it).
    static func isBlank(_ record: UnsafeRawBufferPointer) -> Bool {
        record.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
    }

    /// Line breaks in `bytes`: how far a record moves the line count.
    static func countNewlines(_ bytes: UnsafeRawBufferPointer) -> Int {
        var n = 0
        for byte in bytes where byte == 0x0A { n += 1 }
        return n
    }

    /// A stable id for a record without one: `imp-` and 128 bits of MurmurHash3 over its bytes,
    /// seeded with its line number, in hex. The same record at the same line of a file imported
    /// again gets the same id, so it is found as a duplicate.
    static func messageId(_ record: UnsafeRawBufferPointer, line: Int) -> String {
        var bytes = [UInt8](repeating: 0, count: 36)
        writeMessageId(record, line: line, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `messageId(_:line:)`'s 36 bytes into `out` (which must hold 36).
    static func writeMessageId(_ record: UnsafeRawBufferPointer, line: Int, into out: inout [UInt8]) {
        let hash = MessageKey.murmur3(record, seed: UInt64(truncatingIfNeeded: line) << 8 | UInt64(MessageKey.Domain.importedRecord.rawValue))
        let hex: StaticString = "0123456789abcdef"
        out.withUnsafeMutableBufferPointer { out in
            out[0] = UInt8(ascii: "i")
            out[1] = UInt8(ascii: "m")
            out[2] = UInt8(ascii: "p")
            out[3] = UInt8(ascii: "-")
            hex.withUTF8Buffer { hex in
                for nibble in 0..<16 {
                    let shift = UInt64(60 - 4 * nibble)
                    out[4 + nibble] = hex[Int(truncatingIfNeeded: hash.high >> shift) & 0xF]
                    out[20 + nibble] = hex[Int(truncatingIfNeeded: hash.low >> shift) & 0xF]
                }
            }
        }
    }
}
