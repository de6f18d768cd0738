import Foundation
import TenureCore
import TenureStore

extension IngestBenchmark {
    /// What `tenure bench ingest` is asked to measure.
    public struct Options: Sendable {
        /// Transactions in the generated CSV.
        public var events = 10_000_000
        /// Distinct customers in it.
        public var customers = 1_000_000
        /// Working folder for the generated file and databases.
        public var folder = "./bench-data"
        /// Seconds of HTTP load.
        public var httpSeconds = 10
        /// Concurrent HTTP connections.
        public var connections = 32
        /// Skip the HTTP part.
        public var noHTTP = false
        /// Only the HTTP path's stages apart (``GroupCommitBenchmark``).
        public var stages = false
        /// 100,000 transactions, 10,000 customers, 2 s of HTTP (1,000 batches for the stages).
        public var quick = false
        /// A missing peer (DuckDB, wrk) fails the benchmark instead of being skipped.
        public var requirePeers = false
        /// The write key to send instead of a new one (a wrong one must fail the run).
        public var writeKey: String?
        /// The `tenure` executable that creates the write key and serves HTTP: by default this
        /// process's own.
        public var tenureExecutable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path

        public init() {}
    }

    /// Runs `tenure bench ingest` as `options` say, printing each figure and adding it to
    /// `record`; throws a ``BenchFailure`` (and prints no figure for it) when any work failed.
    public static func measure(_ options: Options, into record: inout BenchRecord) async throws {
        if options.stages { return try await measureStages(options, into: &record) }
        let (events, customers, httpSeconds) =
            options.quick ? (100_000, 10_000, 2) : (options.events, options.customers, options.httpSeconds)
        let folder = options.folder
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let csv = folder + "/transactions-\(events).csv"
        if !FileManager.default.fileExists(atPath: csv) {
            print("generating \(ProgressLine.grouped(events)) transactions into \(csv)…")
            try writeTransactionsCSV(path: csv, events: events, customers: customers, seed: 1)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: csv)[.size] as? Int) ?? 0
        print("\(BenchMachine.summary); file \(size >> 20) MiB")

        let load = BenchMachine.loadAverage()
        let result = try await importCSV(path: csv, database: folder + "/bench-import.sqlite")
        guard result.events == events else {
            throw BenchFailure("tenure import stored \(result.events) of the file's \(events) rows")
        }
        let peakMiB = result.peakMemoryBytes >> 20
        print("tenure import (SQLite):  \(String(format: "%.2f", result.seconds)) s  \(ProgressLine.grouped(Int(result.eventsPerSecond))) events/s  peak memory \(peakMiB) MiB")
        let figures = [
            "rows": Double(events), "seconds": result.seconds, "rows_per_second": result.eventsPerSecond,
            "peak_memory_mib": Double(peakMiB),
        ]
        let command = "tenure bench ingest --events \(events) --customers \(customers) --no-http"
        if BenchPeers.hasPythonModule("duckdb") {
            guard let out = BenchPeers.run(["python3", try BenchPeers.script("bench/duckdb_load.py"), csv]) else {
                throw BenchFailure("scripts/bench/duckdb_load.py failed on \(csv)")
            }
            let parts = out.split(whereSeparator: \.isWhitespace)
            guard parts.count == 2, let seconds = Double(parts[0]), let rows = Int(parts[1]) else {
                throw BenchFailure("scripts/bench/duckdb_load.py printed \"\(out)\", not `seconds rows`")
            }
            guard rows == events else { throw BenchFailure("DuckDB loaded \(rows) of the file's \(events) rows") }
            print("duckdb CSV load:         \(String(format: "%.2f", seconds)) s  \(ProgressLine.grouped(Int(Double(events) / seconds))) rows/s")
            record.add(
                "ingest.import", command: command, loadAverageBefore: load, figures: figures,
                peer: .init(name: "duckdb read_csv", figures: ["rows": Double(rows), "seconds": seconds, "rows_per_second": Double(rows) / seconds]))
        } else {
            print("duckdb CSV load:         " + (try BenchPeers.missing("DuckDB", install: "pip install duckdb", required: options.requirePeers)))
            record.add("ingest.import", command: command, loadAverageBefore: load, figures: figures)
        }
        guard !options.noHTTP else { return }
        try await measureHTTP(options, seconds: httpSeconds, into: &record)
    }

    /// `--stages`: the HTTP path's parse and write stages apart.
    static func measureStages(_ options: Options, into record: inout BenchRecord) async throws {
        let folder = options.folder
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let load = BenchMachine.loadAverage()
        let batches = options.quick ? 1_000 : 10_000
        let result = try await GroupCommitBenchmark.run(database: folder + "/bench-stages.sqlite", batches: batches, batchesPerCommit: 16)
        guard result.events == batches * 100 else {
            throw BenchFailure("the group commits stored \(result.events) of \(batches * 100) events")
        }
        print(
            "stages (\(ProgressLine.grouped(result.events)) events, \(result.commits) commits of 16 batches): "
                + "parse \(String(format: "%.2f", result.parseMicrosPerEvent)) µs/event, "
                + "write \(String(format: "%.2f", result.writeMicrosPerEvent)) µs/event (CPU \(String(format: "%.2f", result.writeCPUMicrosPerEvent))) "
                + "(\(ProgressLine.grouped(Int(Double(result.events) / result.writeSeconds))) events/s on the writer alone)")
        record.add(
            "ingest.stages", command: "tenure bench ingest --stages" + (options.quick ? " --quick" : ""), loadAverageBefore: load,
            figures: [
                "events": Double(result.events), "parse_us_per_event": result.parseMicrosPerEvent,
                "write_us_per_event": result.writeMicrosPerEvent, "write_cpu_us_per_event": result.writeCPUMicrosPerEvent,
            ])
    }
}
