import Foundation
import Logging
import Synchronization
import TenureChannels
import TenureCore
import TenureServer
import TenureStore
#if canImport(Glibc)
import Glibc
#endif

/// `tenure bench journeys`: a campaign to every customer of a store (1,000,000 by default),
/// from the triggering events to the last message accepted by a webhook sink on loopback
/// (`scripts/e2e/webhook_sink.py`, batches of 100), counted by the sink: every customer outside
/// the 10% holdout must get exactly one message id, no held-out customer any. Figures: the event
/// pass (triggers of the journey over every new event), the step runs with their outbox rows,
/// the hand-over to the sink, the total, and the peak memory.
public enum JourneysBenchmark {
    public struct Options: Sendable {
        public var customers = 1_000_000
        /// 50,000 customers.
        public var quick = false
        public init() {}
    }

    public static func measure(_ options: Options, into record: inout BenchRecord) async throws {
        let n = options.quick ? 50_000 : options.customers
        print(BenchMachine.summary)
        let load = BenchMachine.loadAverage()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tenure-bench-journeys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        guard let python = BenchPeers.executable("python3") else { throw BenchFailure("python3 is needed for the webhook sink (apt-get install python3)") }
        let sinkFile = folder.appendingPathComponent("received.tsv").path
        let sink = Process()
        sink.executableURL = URL(fileURLWithPath: python)
        sink.arguments = [try BenchPeers.script("e2e/webhook_sink.py"), sinkFile, "--port", "0"]
        let out = Pipe()
        sink.standardOutput = out
        try sink.run()
        defer {
            kill(sink.processIdentifier, SIGKILL)
            sink.waitUntilExit()
        }
        let line = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "listening on ", with: "")) else {
            throw BenchFailure("the webhook sink did not start: \(line)")
        }

        let logger = Logger(label: "bench")
        let store = try SQLiteStore(path: folder.appendingPathComponent("bench.sqlite").path, logger: logger)
        _ = try await store.saveJourney(
            try JourneyDefinition(jsonData: Data(#"""
                {"name": "Bench campaign", "holdout": 0.1, "trigger": {"event": "Campaign Requested"},
                 "steps": [{"id": "offer", "send": {"channel": "webhook", "template": "offer"}}]}
                """#.utf8)), by: "bench")
        print("ingesting \(ProgressLine.grouped(n)) triggering events…")
        let now = Date()
        for start in stride(from: 0, to: n, by: 10_000) {
            let batch = (start..<min(start + 10_000, n)).map {
                Message(kind: .track, messageId: "bench-\($0)", userId: "c\($0)", name: "Campaign Requested", timestamp: now)
            }
            _ = try await store.ingest([batch])
        }
        let channel = WebhookChannel(.init(url: "http://127.0.0.1:\(port)/hook", batchSize: 100, concurrency: 16))
        let scheduler = JourneyScheduler(store: store, cache: SnapshotCache(store: store), logger: logger)
        let dispatcher = OutboxDispatcher(configuration: .init(batch: 10_000), store: store, channels: ["webhook": channel], webhookSteps: nil, logger: logger)

        let started = ContinuousClock.now
        // Steps and sends run side by side, as in `tenure serve`: the scheduler reads every
        // event (in transactions of 20,000), enrols, runs and commits; the dispatcher sends what
        // is committed, until the scheduler is done and the outbox is empty.
        let schedulerDone = Mutex(false)
        async let lastSend: ContinuousClock.Instant = {
            var last = started
            while true {
                let finished = schedulerDone.withLock { $0 }
                if try await dispatcher.dispatchOnce() > 0 {
                    last = ContinuousClock.now
                } else if finished {
                    break
                } else {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            return last
        }()
        let pass = try await scheduler.runOnce()
        let stepsDone = ContinuousClock.now
        schedulerDone.withLock { $0 = true }
        let entered = pass.events.entered.values.reduce(0, +), runs = pass.runs
        let total = max(try await lastSend, stepsDone) - started

        // The sink's count.
        let text = (try? String(contentsOfFile: sinkFile, encoding: .utf8)) ?? ""
        var keysByUser: [Substring: Set<Substring>] = [:]
        var lines = 0
        for l in text.split(separator: "\n") {
            let parts = l.split(separator: "\t")
            guard parts.count == 2 else { continue }
            keysByUser[parts[1], default: []].insert(parts[0])
            lines += 1
        }
        let expected = (0..<n).filter { !JourneyHoldout.isHeldOut(customer: "c\($0)", journey: "Bench campaign", share: 0.1) }.count
        let twice = keysByUser.values.filter { $0.count > 1 }.count
        let heldOutReached = keysByUser.keys.filter { JourneyHoldout.isHeldOut(customer: String($0), journey: "Bench campaign", share: 0.1) }.count
        guard entered == n, runs == n else { throw BenchFailure("\(entered) entered and \(runs) ran of \(n) customers") }
        guard keysByUser.count == expected, twice == 0, heldOutReached == 0, lines == expected else {
            throw BenchFailure("the sink counted \(keysByUser.count) customers of \(expected), \(twice) with two messages, \(heldOutReached) held out, \(lines) deliveries")
        }
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let peak = Double(usage.ru_maxrss) / 1024
        print(String(format: "campaign to %@ customers: %@ enrolled and run, %@ messages handed to the webhook sink in %.1f s (%.0f messages/s); 0 duplicates, 0 missing (counted by the sink); peak memory %.0f MiB",
                     ProgressLine.grouped(n), ProgressLine.grouped(runs), ProgressLine.grouped(expected), total.milliseconds / 1000, Double(expected) / (total.milliseconds / 1000), peak))
        print(String(format: "  events read, customers enrolled and their steps committed with outbox rows: %.1f s", (stepsDone - started).milliseconds / 1000))
        record.add(
            "journeys.campaign", command: "tenure bench journeys" + (options.quick ? " --quick" : ""), loadAverageBefore: load,
            figures: [
                "customers": Double(n), "messages": Double(expected), "total_seconds": total.milliseconds / 1000, "enrol_and_run_seconds": (stepsDone - started).milliseconds / 1000,
                "messages_per_second": Double(expected) / (total.milliseconds / 1000), "peak_memory_mib": peak, "duplicates": Double(twice), "missing": Double(expected - keysByUser.count),
            ])
    }
}

