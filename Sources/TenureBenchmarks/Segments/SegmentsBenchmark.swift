import Foundation
import TenureCore

/// `tenure bench segments`: segment evaluation on a simulated shop held in memory
/// (``SegmentBenchShop``), beside DuckDB's SQL for the same segment on the same data, which must
/// return the same members.
public enum SegmentsBenchmark {
    /// What `tenure bench segments` is asked to measure.
    public struct Options: Sendable {
        public var customers = 1_000_000
        public var events = 10_000_000
        /// Timed runs (the median is reported).
        public var runs = 5
        /// 100,000 customers and 1,000,000 events.
        public var quick = false
        /// A missing DuckDB is a failure.
        public var requirePeers = false

        public init() {}
    }

    /// The 5-condition segment timed alone, and the one DuckDB's SQL (`scripts/bench/segments_duckdb.py`) repeats.
    public static let five =
        #"trait("plan") = "pro" and rfm in ["Champions", "Loyal", "Potential loyalist", "Needs attention", "About to sleep"] and churn_risk >= 0.3 and count("Order Completed", last 90 days, where category = "Tea") >= 1 and sum("Order Completed", revenue, last 365 days) > 60"#

    /// Runs the benchmark as `options` say, printing each figure and adding `segments.evaluate`
    /// to `record`; throws a ``BenchFailure`` when the segment is empty or everyone, or when
    /// DuckDB's members differ from Tenure's.
    public static func measure(_ options: Options, into record: inout BenchRecord) async throws {
        let n = options.quick ? 100_000 : options.customers, m = options.quick ? 1_000_000 : options.events
        let runs = options.runs
        print(BenchMachine.summary)
        print("generating \(ProgressLine.grouped(n)) customers and \(ProgressLine.grouped(m)) events…")
        let load = BenchMachine.loadAverage()
        var shop = SegmentBenchShop(customers: n, events: m, seed: 7)
        let five = try SegmentExpression(parsing: Self.five)
        let fifty = try Self.fifty()
        var needs = SegmentRequirements(fifty)
        needs.add(five)

        let metricsStart = ContinuousClock.now
        var population = shop.population(needs)
        let metricsTime = ContinuousClock.now - metricsStart
        // The 5-condition segment, evaluated from scratch each run.
        var times: [Duration] = []
        var members = SegmentMembers(customerCount: 0)
        for _ in 0..<max(1, runs) {
            let start = ContinuousClock.now
            var evaluator = SegmentEvaluator(population: population)
            members = try evaluator.members(of: five)
            times.append(ContinuousClock.now - start)
        }
        let median = times.sorted()[times.count / 2]
        // An empty or everyone answer would make the comparison with DuckDB vacuous.
        guard members.count > 0, members.count < n else {
            throw BenchFailure("the 5-condition segment has \(members.count) of \(n) members: the data does not exercise it")
        }
        print(String(format: "5-condition segment: %@ of %@ customers, median %.1f ms (%d runs)",
                     ProgressLine.grouped(members.count), ProgressLine.grouped(n), median.milliseconds, times.count))
        print(String(format: "  the metric columns it reads (RFM, churn scores) computed once per snapshot: %.0f ms", metricsTime.milliseconds))

        // The original data, as the 5-condition segment saw it, for DuckDB: written now, so that
        // the refresh below patches the only copy of the population, as the server's does.
        var csvFolder: URL?
        if BenchPeers.hasPythonModule("duckdb") {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tenure-bench-segments-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            csvFolder = folder
            try shop.writeCSV(to: folder, upToEvent: m)
        }
        defer { if let csvFolder { try? FileManager.default.removeItem(at: csvFolder) } }
        shop.originalPopulation = nil

        // 50 segments recomputed after 10,000 new events, as `tenure serve` refreshes saved
        // segments (SegmentMembership.refresh with a kept SegmentRefreshState): the same
        // SegmentLiveMembership steps, here timed one by one.
        var named: [String: SegmentExpression] = [:]
        for (i, e) in fifty.enumerated() { named["s\(i)"] = e }
        let threads = ProcessInfo.processInfo.activeProcessorCount
        var live = try SegmentLiveMembership(definitions: named, population: population, threads: threads)
        population = SegmentPopulation(customerCount: 0, asOf: shop.asOf)  // the live membership holds the only copy now
        let refreshStart = ContinuousClock.now
        let change = shop.newEvents(10_000, sources: needs.eventSources)
        let took = ContinuousClock.now
        let customers = live.patchColumns(change, snapshot: shop.snapshot, scores: shop.scores)
        let patched = ContinuousClock.now
        let evaluated = try live.evaluate(customers: customers, threads: threads)
        let evaluatedAt = ContinuousClock.now
        let changes = live.patchMembers(evaluated)
        let refreshEnd = ContinuousClock.now
        let refreshTime = refreshEnd - refreshStart, appended = patched - refreshStart
        let changed = changes.values.reduce(0) { $0 + $1.count }
        print(String(format: "50 segments after 10,000 new events: %.0f ms in total (taking the events %.0f ms, patching the columns %.0f ms, evaluating %@ customers %.0f ms, patching the members %.0f ms); %@ memberships changed",
                     refreshTime.milliseconds, (took - refreshStart).milliseconds, (patched - took).milliseconds,
                     ProgressLine.grouped(customers.count), (evaluatedAt - patched).milliseconds, (refreshEnd - evaluatedAt).milliseconds,
                     ProgressLine.grouped(changed)))
        // The incremental result must be the full evaluation's (checked outside the timing).
        let fullStart = ContinuousClock.now
        let full = try SegmentEvaluator.evaluateAll(named, population: live.population, threads: threads)
        let fullTime = ContinuousClock.now - fullStart
        for name in named.keys.sorted() where full[name] != live.members[name] {
            throw BenchFailure("the incremental refresh's members of \(name) differ from a full evaluation's")
        }
        print(String(format: "  equal to a full evaluation of the 50 segments (which takes %.0f ms)", fullTime.milliseconds))
        let after = fifty.indices.map { live.members["s\($0)"]! }
        let membershipBytes = after.reduce(0) { $0 + $1.memoryFootprint } * 2  // recorded and new, for the diff
        print(String(format: "membership bookkeeping for 50 segments: %.1f MiB (the population they read: %.0f MiB)",
                     Double(membershipBytes) / 1_048_576, Double(live.population.memoryFootprint) / 1_048_576))

        let command = options.quick ? "tenure bench segments --quick --runs \(runs)" : "tenure bench segments --customers \(n) --events \(m) --runs \(runs)"
        let figures = [
            "customers": Double(n), "events": Double(m), "runs": Double(times.count), "members": Double(members.count),
            "evaluate_ms": median.milliseconds, "metrics_ms": metricsTime.milliseconds,
            "refresh_50_ms": refreshTime.milliseconds, "refresh_events_and_metrics_ms": appended.milliseconds,
            "refresh_evaluate_ms": (refreshTime - appended).milliseconds, "memberships_changed": Double(changed),
            "refresh_take_events_ms": (took - refreshStart).milliseconds, "refresh_patch_columns_ms": (patched - took).milliseconds,
            "refresh_evaluate_customers_ms": (evaluatedAt - patched).milliseconds, "refresh_diff_ms": (refreshEnd - evaluatedAt).milliseconds,
            "refresh_customers_evaluated": Double(customers.count), "refresh_full_evaluate_ms": fullTime.milliseconds,
            "membership_mib": Double(membershipBytes) / 1_048_576, "population_mib": Double(live.population.memoryFootprint) / 1_048_576,
        ]

        // DuckDB on the same data.
        guard BenchPeers.hasPythonModule("duckdb") else {
            print(try BenchPeers.missing("DuckDB", install: "pip install duckdb", required: options.requirePeers))
            record.add("segments.evaluate", command: command, loadAverageBefore: load, figures: figures)
            return
        }
        guard let folder = csvFolder else { throw BenchFailure("the CSV for DuckDB was not written") }
        let script = try BenchPeers.script("bench/segments_duckdb.py")
        guard let output = BenchPeers.run(["python3", script, folder.path, String(shop.asOf), String(runs)]) else {
            throw BenchFailure("the DuckDB peer failed: python3 \(script) \(folder.path)")
        }
        let lines = output.split(separator: "\n")
        guard let timing = lines.first(where: { $0.hasPrefix("duckdb_ms ") }).flatMap({ Double($0.dropFirst(10)) }),
            let memberLine = lines.first(where: { $0.hasPrefix("members ") })
        else { throw BenchFailure("the DuckDB peer printed no result: \(output.prefix(500))") }
        let duck = memberLine.dropFirst(8).split(separator: ",").compactMap { Int($0) }
        // The timed runs evaluated the 5-condition segment on the original data.
        let before5 = members.indices
        guard duck == before5 else {
            throw BenchFailure("DuckDB's members differ from Tenure's: \(duck.count) against \(before5.count)")
        }
        print(String(format: "DuckDB, the same segment in SQL on the same data: %@ members (equal), median %.1f ms; Tenure %.1fx faster",
                     ProgressLine.grouped(duck.count), timing, timing / max(median.milliseconds, 1e-6)))
        record.add(
            "segments.evaluate", command: command, loadAverageBefore: load, figures: figures,
            peer: .init(name: "duckdb SQL", figures: ["members": Double(duck.count), "evaluate_ms": timing]))
    }

    /// 50 segments of the kinds a shop saves: RFM groups, value and risk bands, category buyers
    /// over several windows, lapsing customers, plans.
    static func fifty() throws -> [SegmentExpression] {
        var texts: [String] = []
        for name in SegmentMetric.rfmSegmentNames { texts.append("rfm = \(SegmentTextForm.quoted(name))") }
        for r in stride(from: 0.1, through: 0.9, by: 0.1) { texts.append(String(format: "churn_risk >= %.1f and monetary > 50", r)) }
        for c in SegmentBenchShop.categories {
            for d in [30, 90, 365] { texts.append(#"count("Order Completed", last \#(d) days, where category = "\#(c)") >= 1"#) }
        }
        for d in [14, 30, 60, 120, 240] { texts.append(#"count("Order Completed", last \#(d) days) = 0 and frequency >= 2"#) }
        for p in ["free", "pro", "team"] { texts.append(#"trait("plan") = "\#(p)" and sum("Order Completed", revenue, last 365 days) > 100"#) }
        for d in [7, 30, 90] { texts.append(#"count("Logged In", last \#(d) days) >= 3"#) }
        texts.append(five)
        while texts.count < 50 { texts.append(#"recency <= \#(texts.count) and trait("country") = "DE""#) }
        return try texts.prefix(50).map { try SegmentExpression(parsing: $0) }
    }
}
