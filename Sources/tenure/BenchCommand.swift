import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TenureCore
import TenureServer
import TenureStore

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks, each beside its named peer in the same run (figures go to BENCHMARKS.md).",
        subcommands: [
            BenchAllCommand.self, BenchIngestCommand.self, BenchAnalyticsCommand.self, BenchPredictCommand.self, BenchDashboardCommand.self, BenchSearchCommand.self, BenchSegmentsCommand.self,
        ])
}

/// Runs a helper program, returning its standard output, or nil when it cannot run.
func runTool(_ arguments: [String], environment: [String: String] = [:]) -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    process.environment = env
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return nil }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
}

struct BenchIngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Bulk CSV import into SQLite (beside DuckDB loading the same file) and HTTP Segment batches with wrk.",
        discussion: """
            Each figure is printed only for work that succeeded: every import row stored, DuckDB's row \
            count equal to the file's, every HTTP response 2xx and every acknowledged event stored. \
            Anything else exits non-zero with the reason. Runs from any folder.
            """)

    @Option(help: "Transactions in the generated CSV.") var events = 10_000_000
    @Option(help: "Distinct customers in it.") var customers = 1_000_000
    @Option(help: "Working folder for the generated file and databases.") var folder = "./bench-data"
    @Option(help: "Seconds of HTTP load.") var httpSeconds = 10
    @Option(help: "Concurrent HTTP connections.") var connections = 32
    @Flag(help: "Skip the HTTP part.") var noHTTP = false
    @Flag(help: "Only measure the HTTP path's stages apart: parsing batches, and writing them as group commits.")
    var stages = false
    @Flag(help: "A small run (100,000 transactions, 10,000 customers, 2 s of HTTP) that checks the benchmark works.")
    var quick = false
    @Flag(help: "A missing peer (DuckDB, wrk) fails the benchmark instead of being skipped.") var requirePeers = false
    @Option(help: "Also write the figures as a JSON record (scripts/bench/record.schema.json) to this file.") var json: String?
    @Option(help: ArgumentHelp("Send this write key instead of a new one (checks that refused requests fail the run).", visibility: .hidden))
    var writeKey: String?

    func runStages(into record: inout BenchRecord) async throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let load = BenchRecord.loadAverage()
        let batches = quick ? 1_000 : 10_000
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
            "ingest.stages", command: "tenure bench ingest --stages" + (quick ? " --quick" : ""), loadAverageBefore: load,
            figures: [
                "events": Double(result.events), "parse_us_per_event": result.parseMicrosPerEvent,
                "write_us_per_event": result.writeMicrosPerEvent, "write_cpu_us_per_event": result.writeCPUMicrosPerEvent,
            ])
    }

    func run() async throws {
        var record = BenchRecord(quick: quick)
        try await measure(into: &record)
        if let json { try record.write(to: json) }
    }

    /// Runs the benchmark, printing each figure and adding it to `record`.
    func measure(into record: inout BenchRecord) async throws {
        if stages { return try await runStages(into: &record) }
        let (events, customers, httpSeconds) = quick ? (100_000, 10_000, 2) : (self.events, self.customers, self.httpSeconds)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let csv = folder + "/transactions-\(events).csv"
        if !FileManager.default.fileExists(atPath: csv) {
            print("generating \(ProgressLine.grouped(events)) transactions into \(csv)…")
            try IngestBenchmark.writeTransactionsCSV(path: csv, events: events, customers: customers, seed: 1)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: csv)[.size] as? Int) ?? 0
        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory >> 30) GiB; file \(size >> 20) MiB")

        let load = BenchRecord.loadAverage()
        let result = try await IngestBenchmark.importCSV(path: csv, database: folder + "/bench-import.sqlite")
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
            guard let out = runTool(["python3", try BenchPeers.script("bench/duckdb_load.py"), csv]) else {
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
            print("duckdb CSV load:         " + (try BenchPeers.missing("DuckDB", install: "pip install duckdb", required: requirePeers)))
            record.add("ingest.import", command: command, loadAverageBefore: load, figures: figures)
        }
        guard !noHTTP else { return }
        try await http(seconds: httpSeconds, into: &record)
    }

    func http(seconds httpSeconds: Int, into record: inout BenchRecord) async throws {
        guard let wrk = BenchPeers.executable("wrk") else {
            print("http: " + (try BenchPeers.missing("wrk", install: "apt-get install wrk", required: requirePeers)))
            return
        }
        let script = try BenchPeers.script("bench/segment_batch.lua")
        let database = folder + "/bench-http.sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        guard let created = runTool([me, "keys", "create", "--scope", "write", "--quiet", "--database", database])?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        else { throw BenchFailure("could not create a write key") }
        let key = writeKey ?? created
        let port = 18_765
        let server = Process()
        server.executableURL = URL(fileURLWithPath: me)
        server.arguments = ["serve", "--database", database, "--port", "\(port)"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer {
            if server.isRunning {
                server.terminate()
                server.waitUntilExit()
            }
        }
        try await BenchPeers.waitForPort(port, process: server)
        let auth = Data((key + ":").utf8).base64EncodedString()
        let load = BenchRecord.loadAverage()
        let cpuBefore = Self.cpuSeconds(of: server.processIdentifier)
        guard let output = runTool(
            [wrk, "-t2", "-c\(connections)", "-d\(httpSeconds)s", "--latency", "-s", script, "http://127.0.0.1:\(port)"],
            environment: ["TENURE_AUTH": auth, "TENURE_RUN": String(UInt32.random(in: 0 ... .max))])
        else { throw BenchFailure("wrk failed to run") }
        let cpuAfter = Self.cpuSeconds(of: server.processIdentifier)
        let requests = Self.number(after: "Requests/sec:", in: output) ?? 0
        let total = Int(Self.number(before: " requests in", in: output) ?? 0)
        let non2xx = Int(Self.number(after: "Non-2xx or 3xx responses:", in: output) ?? 0)
        let socketErrors = output.split(separator: "\n").first { $0.contains("Socket errors:") }.map(String.init)
        let p50 = Self.latency("50%", in: output), p99 = Self.latency("99%", in: output)
        // Every acknowledged event must be in the store; the only others stored are those of the
        // requests cut off when wrk stopped (at most one per connection, 100 events each).
        server.terminate()
        server.waitUntilExit()
        let stored = try await SQLiteStore(path: database).counts().events
        let acknowledged = (total - non2xx) * 100
        guard total > 0 else { throw BenchFailure("wrk completed no request:\n\(output)") }
        guard non2xx == 0 else {
            throw BenchFailure("\(non2xx) of \(total) HTTP responses were not 2xx (a refused write key, or a server error); no figure is reported")
        }
        if let socketErrors { throw BenchFailure("wrk reported \(socketErrors.trimmingCharacters(in: .whitespaces))") }
        guard stored >= acknowledged, stored - acknowledged <= connections * 100, stored % 100 == 0 else {
            throw BenchFailure(
                "\(acknowledged) events were acknowledged but \(stored) are stored "
                    + "(at most \(connections * 100) more, from requests cut off at the end, may be)")
        }
        let cpu = cpuBefore.flatMap { before in cpuAfter.map { String(format: "%.1f s", $0 - before) } } ?? "?"
        print("http /v1/batch (100 events each, \(connections) connections): \(ProgressLine.grouped(Int(requests * 100))) events/s sustained, batch latency p50 \(p50) p99 \(p99), 0 non-2xx; server CPU \(cpu) in \(httpSeconds) s, load average \(load.map { String($0) } ?? "?") before")
        print("acknowledged events \(ProgressLine.grouped(acknowledged)); stored \(ProgressLine.grouped(stored)) (\((stored - acknowledged) / 100) requests cut off when wrk stopped were committed too)")
        var figures = [
            "events_per_second": requests * 100, "seconds": Double(httpSeconds), "connections": Double(connections),
            "acknowledged_events": Double(acknowledged), "stored_events": Double(stored),
        ]
        if let p50 = Self.milliseconds(p50) { figures["batch_p50_ms"] = p50 }
        if let p99 = Self.milliseconds(p99) { figures["batch_p99_ms"] = p99 }
        if let before = cpuBefore, let after = cpuAfter { figures["server_cpu_seconds"] = after - before }
        record.add(
            "ingest.http", command: "tenure bench ingest --events 1000 --customers 100 --http-seconds \(httpSeconds) --connections \(connections)",
            loadAverageBefore: load, figures: figures)
    }

    /// User plus system CPU time the process has used (Linux `/proc`), in seconds.
    static func cpuSeconds(of pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let afterName = stat.range(of: ") ", options: .backwards)
        else { return nil }
        // Fields 14 and 15 (utime, stime), counted after the parenthesized command name (field 2).
        let fields = stat[afterName.upperBound...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    static func number(after label: String, in text: String) -> Double? {
        guard let range = text.range(of: label) else { return nil }
        return Double(text[range.upperBound...].split(whereSeparator: { $0 == " " || $0 == "\n" }).first ?? "")
    }

    static func number(before label: String, in text: String) -> Double? {
        guard let range = text.range(of: label) else { return nil }
        return Double(text[..<range.lowerBound].split(whereSeparator: { $0 == " " || $0 == "\n" }).last ?? "")
    }

    /// wrk's latency text (`812.00us`, `24.10ms`, `1.20s`) in milliseconds.
    static func milliseconds(_ text: String) -> Double? {
        for (unit, scale) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0)] where text.hasSuffix(unit) {
            return Double(text.dropLast(unit.count)).map { $0 * scale }
        }
        return nil
    }

    static func latency(_ percentile: String, in text: String) -> String {
        for line in text.split(separator: "\n") where line.trimmingCharacters(in: .whitespaces).hasPrefix(percentile) {
            return String(line.split(separator: " ").last ?? "?")
        }
        return "?"
    }
}

struct BenchAllCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all",
        abstract: "Runs the benchmarks that keep a JSON record (ingestion: import beside DuckDB, HTTP, the stages) and writes it.",
        discussion: "With --quick they run at a size that finishes in about a minute on two cores, to check that they work.")

    @Option(help: "The JSON record to write (scripts/bench/record.schema.json).") var json: String
    @Flag(help: "Small sizes: checks that every benchmark works, not how fast.") var quick = false
    @Flag(help: "A missing peer fails the run instead of being skipped.") var requirePeers = false
    @Option(help: "Working folder for generated files and databases.") var folder = "./bench-data"

    func run() async throws {
        var record = BenchRecord(quick: quick)
        let common = ["--folder", folder] + (requirePeers ? ["--require-peers"] : [])
        try await BenchIngestCommand.parse(common + (quick ? ["--quick"] : [])).measure(into: &record)
        try await BenchIngestCommand.parse(common + ["--stages"] + (quick ? ["--quick"] : [])).measure(into: &record)
        try record.write(to: json)
        print("wrote \(record.benchmarks.count) benchmarks to \(json)")
    }
}

struct BenchPredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict", abstract: "BTYD fits and gradient-boosted trees, beside lifetimes and XGBoost when installed.")

    @Option(help: "Customers for the BG/NBD fit.") var customers = 1_000_000
    @Option(help: "Customers for the Pareto/NBD fit.") var paretoCustomers = 100_000
    @Option(help: "Rows for the boosted trees.") var rows = 1_000_000
    @Option(help: "Trees.") var trees = 200
    @Option(help: "Tree depth.") var depth = 6
    @Flag(help: "Only the BTYD fits.") var btydOnly = false
    @Option(help: "Customers scored with explanations.") var explainCustomers = 1_000_000
    @Option(help: "The Telco churn table for the explanation benchmark.") var telcoPath = ".reference-data/telco/Customer_Churn.csv"

    func run() async throws {
        let btyd = BTYDBenchmark.run(customers: customers, seed: 1, paretoCustomers: paretoCustomers)
        for key in btyd.keys.sorted() where key.hasSuffix("seconds") || key.hasSuffix("patterns") || key.hasSuffix("log_likelihood") {
            print(key.padding(toLength: 40, withPad: " ", startingAt: 0) + String(format: " %.4f", btyd[key]!))
        }
        guard !btydOnly else { return }
        if let telco = FileManager.default.contents(atPath: telcoPath) {
            let e = try LearnBenchmark.runExplanations(table: telco, labelColumn: "Churn", idColumn: "customerID", customers: explainCustomers)
            print("scoring \(ProgressLine.grouped(e.customers)) customers with top-3 TreeSHAP reasons (Telco, \(e.trees) trees depth \(e.maxDepth)): "
                + String(format: "%.3f s wall, %.3f s CPU, %d threads", e.scoringSeconds, e.scoringCPUSeconds, e.threads))
        } else {
            print("explanations: skipped (scripts/fetch-reference-data.sh fetches \(telcoPath))")
        }
        let gbt = LearnBenchmark.run(rows: rows, features: 40, trees: trees, depth: depth, seed: 42)
        print(String(format: "gbt training %d×40, %d trees depth %d: %.1f s, test AUC %.5f", rows, trees, depth, gbt.trainingSeconds, gbt.testAUC))
        if let out = runTool(["python3", try BenchPeers.script("bench/gbt_xgboost.py"), "--rows", "\(rows)", "--trees", "\(trees)", "--depth", "\(depth)", "--seed", "42"]) {
            print("xgboost hist: " + out.trimmingCharacters(in: .whitespacesAndNewlines))
        } else {
            print("xgboost: skipped (pip install xgboost)")
        }
    }
}
