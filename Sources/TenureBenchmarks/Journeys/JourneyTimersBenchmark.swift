import Foundation
import GRDB
import Logging
import TenureCore
import TenureServer
import TenureStore
#if canImport(Glibc)
import Glibc
#endif

/// `tenure bench journeys --timers`: 1,000,000 customers waiting in a journey at once, through
/// the real scheduler and SQLite store on the system clock. Every customer has today as their
/// birthday; a journey `{"date": {"trait": "birthday", "anniversary": true}}` whose first step
/// waits `--wait-seconds` (120) enrols them all (the scheduled trigger's evaluation and the
/// store's entry rules, not timed), and its first pass starts each wait, so due times spread
/// over the time that pass takes. Then the scheduler runs as `tenure serve` runs it (a pass,
/// then 250 ms of sleep when nothing was left) until every wait has fired.
///
/// Figures: the memory the waiting customers cost (the process's resident set, after
/// `malloc_trim`, while they all wait minus before they were enrolled), the store's size for
/// them (the pages of `journey_enrolment` and its indexes, and the growth of the database file
/// and its WAL), and the lateness of each
/// fired wait: the end of the commit that ran it minus its due time (its wait's start plus the
/// wait), max and 99th percentile, and the span the due times covered.
public enum JourneyTimersBenchmark {
    public struct Options: Sendable {
        public var customers = 1_000_000
        /// 10,000 customers and a 10 s wait.
        public var quick = false
        public var waitSeconds = 120
        public init() {}
    }

    public static func measure(_ options: Options, into record: inout BenchRecord) async throws {
        let n = options.quick ? 10_000 : options.customers
        let wait = options.quick ? 10 : options.waitSeconds
        print(BenchMachine.summary)
        let load = BenchMachine.loadAverage()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tenure-bench-timers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("bench.sqlite").path
        let logger = Logger(label: "bench")
        let store = try SQLiteStore(path: path, logger: logger)
        let zone = TimeZone(identifier: "UTC")!
        let today = DayNumber.civil(ScheduledTriggerEvaluator.localDay(of: Date(), in: zone))
        let birthday = DayNumber.isoString(DayNumber.day(year: 1990, month: today.month, day: today.day == 29 && today.month == 2 ? 28 : today.day))
        print("ingesting \(ProgressLine.grouped(n)) customers with today as their birthday…")
        for start in stride(from: 0, to: n, by: 10_000) {
            let batch = (start..<min(start + 10_000, n)).map {
                Message(kind: .identify, messageId: "bench-\($0)", userId: "c\($0)", timestamp: Date(), traits: ["birthday": .string(birthday)])
            }
            _ = try await store.ingest([batch])
        }
        let cache = SnapshotCache(store: store)
        let configuration = JourneyScheduler.Configuration(defaultTimeZone: zone)
        let scheduler = JourneyScheduler(configuration: configuration, store: store, cache: cache, logger: logger)
        _ = try await cache.current()  // the snapshot exists before: its memory is not the waits'
        let sizeBefore = storeBytes(path)
        let rssBefore = residentBytes()

        _ = try await store.saveJourney(
            try JourneyDefinition(jsonData: Data(#"""
                {"name": "Bench timers", "holdout": 0, "trigger": {"date": {"trait": "birthday", "anniversary": true}},
                 "steps": [{"id": "wait", "wait": {"seconds": \#(wait)}}, {"id": "done", "exit": true}]}
                """#.utf8)), by: "bench")
        print("enrolling them and starting their waits…")
        let enrolStarted = ContinuousClock.now
        // Only counts are kept of the first pass (its lateness list is not the waits' memory).
        let (enrolled, started) = try await { let p = try await scheduler.runOnce(); return (p.scheduled.entered, p.runs) }()
        guard enrolled == n, started == n else { throw BenchFailure("\(enrolled) enrolled and \(started) waits started of \(n) customers") }
        let enrolTime = ContinuousClock.now - enrolStarted
        let sizeWaiting = storeBytes(path)
        let rssWaiting = residentBytes()
        let enrolmentBytes = try enrolmentTableBytes(path)
        print(String(format: "%@ customers waiting (enrolled and their waits started in %.1f s): the process's resident memory grew by %.1f MiB; the enrolment table and its indexes hold %.1f MiB (%.0f bytes a wait), the database and its WAL grew by %.1f MiB",
                     ProgressLine.grouped(n), enrolTime.milliseconds / 1000, Double(rssWaiting - rssBefore) / 1_048_576, Double(enrolmentBytes) / 1_048_576,
                     Double(enrolmentBytes) / Double(n), Double(sizeWaiting - sizeBefore) / 1_048_576))

        // Fire them as `tenure serve` would (its `ServiceLoop`): another pass at once after a full
        // batch, else 250 ms of sleep.
        var lateness: [Double] = []
        lateness.reserveCapacity(n)
        let deadline = ContinuousClock.now + .seconds(Double(wait) + 600)
        while lateness.count < n, ContinuousClock.now < deadline {
            let pass = try await scheduler.runOnce()
            lateness += pass.lateness
            if !(pass.events.more || pass.runs >= configuration.stepBatch) { try await Task.sleep(for: configuration.interval) }
        }
        guard lateness.count == n else { throw BenchFailure("\(lateness.count) of \(n) waits fired within \(wait + 600) s") }
        lateness.sort()
        let maxLate = lateness.last!, p99 = lateness[min(n - 1, Int(Double(n) * 0.99))], median = lateness[n / 2]
        let rssPeak = peakResidentBytes()
        print(String(format: "%@ waits fired: lateness (commit end minus due time) max %.3f s, p99 %.3f s, median %.3f s",
                     ProgressLine.grouped(n), maxLate, p99, median))
        print(String(format: "  waits started over %.1f s (the first pass), so due times spread over about as long; peak resident memory %.0f MiB",
                     enrolTime.milliseconds / 1000, Double(rssPeak) / 1_048_576))
        record.add(
            "journeys.timers", command: options.quick ? "tenure bench journeys --timers --quick" : "tenure bench journeys --timers --customers \(n)",
            loadAverageBefore: load,
            figures: [
                "customers": Double(n), "wait_seconds": Double(wait), "enrol_and_start_seconds": enrolTime.milliseconds / 1000,
                "store_growth_mib": Double(sizeWaiting - sizeBefore) / 1_048_576, "enrolment_table_mib": Double(enrolmentBytes) / 1_048_576, "rss_growth_mib": Double(rssWaiting - rssBefore) / 1_048_576,
                "lateness_max_seconds": maxLate, "lateness_p99_seconds": p99, "lateness_median_seconds": median,
                "peak_memory_mib": Double(rssPeak) / 1_048_576,
            ])
    }

    /// The pages of `journey_enrolment` and its indexes (SQLite's `dbstat`, read through a
    /// second, read-only connection: it sees the WAL).
    static func enrolmentTableBytes(_ path: String) throws -> Int64 {
        var configuration = GRDB.Configuration()
        configuration.readonly = true
        let reader = try DatabaseQueue(path: path, configuration: configuration)
        return try reader.read { db in
            try Int64.fetchOne(
                db, sql: "SELECT sum(s.pgsize) FROM dbstat s JOIN sqlite_master m ON m.name = s.name WHERE m.tbl_name = 'journey_enrolment'") ?? 0
        }
    }

    /// The database file and its WAL, in bytes.
    static func storeBytes(_ path: String) -> Int64 {
        ["", "-wal"].reduce(0) { total, suffix in
            total + ((try? FileManager.default.attributesOfItem(atPath: path + suffix)[.size] as? NSNumber)?.int64Value ?? 0)
        }
    }

    /// The resident set now (VmRSS), after returning freed heap pages to the system.
    static func residentBytes() -> Int64 {
        #if canImport(Glibc)
        // glibc's malloc_trim, which the Glibc module does not export.
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {
            _ = unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)(0)
        }
        #endif
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kib = Int64(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kib * 1024
    }

    static func peakResidentBytes() -> Int64 {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Int64(usage.ru_maxrss) * 1024
    }
}
