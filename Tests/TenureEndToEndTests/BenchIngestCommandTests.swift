import Foundation
import Testing

/// `tenure bench ingest` reports a figure only for work that succeeded, and finds its peers and
/// scripts from any working directory.
@Suite(.serialized) struct BenchIngestCommandTests {
    struct Outcome {
        var status: Int32
        var output: String
    }

    /// Runs `tenure arguments…` in `folder` (with `path` as `PATH` if given), standard output and
    /// error together.
    static func bench(_ arguments: [String], in folder: String, path: String? = nil) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TenureBinary.path)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        if let path {
            var environment = ProcessInfo.processInfo.environment
            environment["PATH"] = path
            process.environment = environment
        }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    static func peersInstalled() -> Bool {
        Peer.executable("wrk", install: "apt-get install wrk") && Peer.pythonModule("duckdb", install: "pip install duckdb")
    }

    @Test func refusedRequestsFailTheRunAndPrintNoThroughput() throws {
        guard Self.peersInstalled() else { return }
        let folder = TemporaryFolder()
        let outcome = try Self.bench(
            ["bench", "ingest", "--events", "1000", "--customers", "100", "--http-seconds", "1", "--connections", "4",
             "--write-key", "tnr_w_not-a-key", "--folder", "data"],
            in: folder.path)
        #expect(outcome.status != 0, "\(outcome.output)")
        #expect(outcome.output.contains("HTTP responses were not 2xx"), "\(outcome.output)")
        #expect(!outcome.output.contains("events/s sustained"), "\(outcome.output)")
        #expect(!outcome.output.contains("acknowledged events"), "\(outcome.output)")
    }

    @Test func aQuickRunFromAnotherFolderFindsItsPeersAndChecksItsWork() throws {
        guard Self.peersInstalled() else { return }
        let folder = TemporaryFolder()
        let outcome = try Self.bench(["bench", "ingest", "--quick", "--require-peers", "--connections", "8", "--folder", "data"], in: folder.path)
        #expect(outcome.status == 0, "\(outcome.output)")
        let lines = outcome.output.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("tenure import (SQLite):") && $0.contains("events/s") }, "\(outcome.output)")
        #expect(lines.contains { $0.hasPrefix("duckdb CSV load:") && $0.contains("rows/s") }, "\(outcome.output)")
        let http = try #require(lines.first { $0.hasPrefix("http /v1/batch") }, "\(outcome.output)")
        #expect(http.contains("events/s sustained") && http.contains(" 0 non-2xx"))
        let stored = try #require(lines.first { $0.hasPrefix("acknowledged events") })
        // "acknowledged events 12,300; stored 12,400 (…)": the acknowledged ones are all stored.
        let numbers = stored.split(whereSeparator: { !$0.isNumber && $0 != "," }).compactMap { Int($0.replacingOccurrences(of: ",", with: "")) }
        #expect(numbers.count >= 2 && numbers[0] > 0 && numbers[1] >= numbers[0], "\(stored)")
        #expect(FileManager.default.fileExists(atPath: folder.path + "/data/transactions-100000.csv"))
    }

    @Test func aMissingPeerIsNamedAndRequirePeersMakesItAFailure() throws {
        let folder = TemporaryFolder()
        // No wrk (nor python3) on this PATH: the HTTP part is skipped with the install command, or fails.
        func run(_ extra: [String]) throws -> Outcome {
            try Self.bench(
                ["bench", "ingest", "--events", "1000", "--customers", "100", "--folder", "data"] + extra, in: folder.path, path: folder.path)
        }
        let skipped = try run([])
        #expect(skipped.status == 0, "\(skipped.output)")
        #expect(skipped.output.contains("http: skipped: wrk is not installed (apt-get install wrk)"), "\(skipped.output)")
        let required = try run(["--require-peers"])
        #expect(required.status != 0)
        #expect(required.output.contains("is not installed") && required.output.contains("--require-peers"), "\(required.output)")
    }

    @Test func benchAllWritesARecordTheSchemaAccepts() throws {
        guard Self.peersInstalled(), Peer.pythonModule("jsonschema", install: "pip install jsonschema") else { return }
        let folder = TemporaryFolder()
        let outcome = try Self.bench(
            ["bench", "all", "--quick", "--require-peers", "--json", "record.json", "--folder", "data"], in: folder.path)
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(try Peer.runScript("bench/validate_record.py", [folder.path + "/record.json"]) == 0)
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.path + "/record.json"))) as? [String: Any]
        let benchmarks = try #require(record?["benchmarks"] as? [[String: Any]])
        #expect(benchmarks.compactMap { $0["name"] as? String }
            == ["ingest.import", "ingest.http", "ingest.stages", "segments.evaluate", "journeys.campaign", "journeys.triggers", "journeys.timers"])
        // The import and DuckDB loaded the same rows; the HTTP run stored what it acknowledged.
        let importRatios = try #require(benchmarks.first?["ratios"] as? [String: Double])
        #expect(importRatios["rows"] == 1 && (importRatios["rows_per_second"] ?? 0) > 0)
        let http = try #require(benchmarks.dropFirst().first?["figures"] as? [String: Double])
        #expect((http["acknowledged_events"] ?? 0) > 0 && (http["stored_events"] ?? 0) >= (http["acknowledged_events"] ?? .infinity))
        #expect((record?["commit"] as? String)?.count == 40)
        // The segment has members, the same as DuckDB's, and both were timed.
        let segments = try #require(benchmarks.first { $0["name"] as? String == "segments.evaluate" })
        let segmentFigures = try #require(segments["figures"] as? [String: Double])
        #expect((segmentFigures["members"] ?? 0) > 0 && (segmentFigures["evaluate_ms"] ?? 0) > 0)
        let segmentRatios = try #require(segments["ratios"] as? [String: Double])
        #expect(segmentRatios["members"] == 1 && (segmentRatios["evaluate_ms"] ?? 0) > 0)
        #expect(segments["command"] as? String == "tenure bench segments --quick --runs 5")
        // The campaign reached every treated customer once, as the sink counted.
        let campaign = try #require(benchmarks.first { $0["name"] as? String == "journeys.campaign" }?["figures"] as? [String: Double])
        #expect(campaign["duplicates"] == 0 && campaign["missing"] == 0 && (campaign["messages"] ?? 0) > 40_000)
        // The triggers fired for someone; every pending wait fired.
        let triggers = try #require(benchmarks.first { $0["name"] as? String == "journeys.triggers" }?["figures"] as? [String: Double])
        #expect((triggers["firings"] ?? 0) > 0 && (triggers["median_ms"] ?? 0) > 0)
        let timers = try #require(benchmarks.first { $0["name"] as? String == "journeys.timers" }?["figures"] as? [String: Double])
        #expect((timers["customers"] ?? 0) > 0 && (timers["lateness_max_seconds"] ?? -1) >= 0)
        // BENCHMARKS.md's tables render from it.
        let document = folder.path + "/BENCHMARKS.md"
        #expect(try Peer.runScript("bench/render_benchmarks.py", [folder.path + "/record.json", "--output", document]) == 0)
        let text = try String(contentsOfFile: document, encoding: .utf8)
        #expect(text.contains("<!-- generated:segments.evaluate -->") && text.contains("| members | "), "\(text)")
    }
}
