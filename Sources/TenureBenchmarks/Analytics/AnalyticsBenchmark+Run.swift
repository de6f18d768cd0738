import Foundation
import TenureCore
import TenureStore

extension AnalyticsBenchmark {
    /// What `tenure bench analytics` is asked to measure.
    public struct Options: Sendable {
        /// Synthetic events.
        public var events = 10_000_000
        /// Synthetic customers.
        public var customers = 1_000_000
        /// Runs per measurement (best and median reported).
        public var runs = 3
        /// An existing Tenure database to time the snapshot build on.
        public var database: String?
        /// Working folder for the CSV handed to DuckDB.
        public var folder = "./bench-data"

        public init() {}
    }

    /// Runs `tenure bench analytics`: the snapshot build, attributes and refresh from `database`
    /// when given, then every metric on a synthetic snapshot beside DuckDB's SQL on the same rows;
    /// prints each figure.
    public static func report(_ options: Options) async throws {
        let runs = options.runs
        if let database = options.database {
            try await reportStore(database, runs: runs)
        }
        let (events, customers) = (options.events, options.customers)
        print("building a synthetic snapshot: \(ProgressLine.grouped(events)) events, \(ProgressLine.grouped(customers)) customers, two years…")
        let snapshot = SyntheticActivity.makeSnapshot(customers: customers, events: events, seed: 1)
        print("snapshot memory: \(String(format: "%.1f", Double(snapshot.memoryFootprint) / Double(max(snapshot.eventCount, 1)))) bytes/event")
        print("load average before: \(BenchMachine.loadAverages())")
        for m in run(on: snapshot, runs: runs) {
            print(m.name.padding(toLength: 64, withPad: " ", startingAt: 0)
                + String(format: " best %8.1f ms  median %8.1f ms  cpu %8.1f ms", m.bestSeconds * 1000, m.medianSeconds * 1000, m.bestCPUSeconds * 1000))
        }
        print("load average after: \(BenchMachine.loadAverages())")
        try FileManager.default.createDirectory(atPath: options.folder, withIntermediateDirectories: true)
        let csv = options.folder + "/analytics-events-\(events).csv"
        guard FileManager.default.createFile(atPath: csv, contents: nil), let handle = FileHandle(forWritingAtPath: csv) else {
            throw BenchFailure("cannot write \(csv)")
        }
        try snapshot.forEachCSVChunk { try handle.write(contentsOf: $0) }
        try handle.close()
        let asOf = range(of: snapshot).last
        if let out = BenchPeers.run([
            "python3", try BenchPeers.script("crosscheck/analytics_duckdb.py"), "bench", "--events", csv, "--as-of", "\(asOf)",
            "--window", "\(benchmarkWindowDays)", "--runs", "\(runs)", "--threads", "2",
        ]) {
            print("duckdb (same rows, 2 threads):")
            print(out)
            print("load average after duckdb: \(BenchMachine.loadAverages())")
        } else {
            print("duckdb: skipped (pip install duckdb)")
        }
    }

    /// The store's part: the snapshot build, the customer attributes the churn models read, and
    /// the incremental refresh after 10,000 new events through the ingestion path.
    static func reportStore(_ database: String, runs: Int) async throws {
        let store = try SQLiteStore(path: database)
        var best = 0.0
        var latest: StoreSnapshot?
        for _ in 0..<max(runs, 1) {
            let snapshot = try await store.activitySnapshot()
            best = max(best, snapshot.eventsPerSecond)
            latest = snapshot
        }
        guard let snapshot = latest else { return }
        print("snapshot from SQLite (\(ProgressLine.grouped(snapshot.activity.eventCount)) events): \(ProgressLine.grouped(Int(best))) events/s")
        // What the churn models read beside the snapshot: survey scores, discounted orders, traits.
        var fastest = Double.infinity
        var attributes: CustomerAttributes?
        for _ in 0..<max(runs, 1) {
            let elapsed = try await ContinuousClock().measure { attributes = try await store.customerAttributes(of: snapshot) }
            fastest = min(fastest, elapsed.inSeconds)
        }
        if let attributes {
            print(
                "customer attributes from SQLite (\(ProgressLine.grouped(attributes.customerCount)) customers): best \(String(format: "%.2f", fastest)) s; "
                    + "\(ProgressLine.grouped(attributes.surveyScores.count)) survey scores, \(ProgressLine.grouped(attributes.discountedOrders.count)) discounted orders, "
                    + "traits: \(attributes.traits.map(\.name).joined(separator: ", "))")
        }
        // 10,000 new events through the ingestion path, then the incremental refresh the API does.
        let stamp = Int(Date().timeIntervalSince1970 * 1000)
        let now = Date()
        let messages = (0..<10_000).map { i in
            Message(
                kind: .track, messageId: "bench-refresh-\(stamp)-\(i)", userId: "bench-refresh-\(i % 2_000)", name: "Page Viewed",
                timestamp: now)
        }
        _ = try await store.ingest([messages])
        let clock = ContinuousClock()
        var refreshed: StoreSnapshot?
        let elapsed = try await clock.measure { refreshed = try await store.refreshed(snapshot) }
        print(
            "incremental refresh from SQLite after 10,000 new events: \(String(format: "%.1f", elapsed.inSeconds * 1000)) ms (\(ProgressLine.grouped(refreshed?.activity.eventCount ?? 0)) events now)")
    }
}
