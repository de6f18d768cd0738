import Foundation
import TenureCore
import TenureStore

/// `tenure bench ingest`: bulk import of a large transactions CSV into SQLite, beside DuckDB
/// loading the same file, and HTTP ingestion of Segment batches measured with wrk.
public enum IngestBenchmark {
    /// Writes `events` transactions (`customer_id,date,amount`) for `customers` customers.
    public static func writeTransactionsCSV(path: String, events: Int, customers: Int, seed: UInt64) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteNoPermission)
        }
        defer { try? handle.close() }
        var generator = SeededGenerator(seed: seed)
        var buffer: [UInt8] = Array("customer_id,date,amount\n".utf8)
        buffer.reserveCapacity(1 << 22)
        let startDay = ISO8601Timestamp.daysFromCivil(year: 2024, month: 1, day: 1)
        for _ in 0..<events {
            let customer = Int(generator.next() % UInt64(customers))
            let (y, m, d) = ISO8601Timestamp.civilFromDays(startDay + Int(generator.next() % 730))
            let cents = 500 + Int(generator.next() % 20_000)
            buffer.append(contentsOf: "c\(customer),\(y)-\(m < 10 ? "0" : "")\(m)-\(d < 10 ? "0" : "")\(d),\(cents / 100).\(cents % 100 < 10 ? "0" : "")\(cents % 100)\n".utf8)
            if buffer.count > 1 << 22 {
                try handle.write(contentsOf: buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: buffer)
    }

    public struct ImportResult: Sendable {
        public var events: Int
        public var seconds: Double
        public var peakMemoryBytes: Int
        public var eventsPerSecond: Double { Double(events) / seconds }
    }

    /// Imports the CSV into a fresh SQLite database and reports throughput and peak memory.
    public static func importCSV(path: String, database: String) async throws -> ImportResult {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        let store = try SQLiteStore(path: database)
        let options = ImportOptions(
            format: .csv, mapping: TransactionMapping(customerColumn: "customer_id", dateColumn: "date", amountColumn: "amount", dateFormat: .iso8601))
        let report = try await FileImporter(options: options).run(path: path, into: store)
        return ImportResult(events: report.stored, seconds: report.seconds, peakMemoryBytes: peakResidentBytes())
    }

    /// The process's peak resident memory so far.
    public static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Int(usage.ru_maxrss) * 1024  // kilobytes on Linux
    }
}
