import Foundation
import Testing

/// `tenure bench ingest` reports a figure only for work that succeeded, and finds its peers and
/// scripts from any working directory.
@Suite(.serialized) struct BenchIngestCommandTests {
    struct Outcome {
        var status: Int32
        var output: String
    }

    /// Runs `tenure arguments…` in `folder`, standard output and error together.
    static func bench(_ arguments: [String], in folder: String) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TenureBinary.path)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// Whether wrk and DuckDB are here; in CI (`TENURE_REQUIRE_CROSSCHECKS=1`) their absence fails.
    static func peersInstalled() -> Bool {
        let wrk = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
            .contains { FileManager.default.isExecutableFile(atPath: $0 + "/wrk") }
        let duckdb = Process()
        duckdb.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        duckdb.arguments = ["python3", "-c", "import duckdb"]
        duckdb.standardError = FileHandle.nullDevice
        let hasDuckDB = (try? duckdb.run()) != nil && { duckdb.waitUntilExit(); return duckdb.terminationStatus == 0 }()
        if wrk && hasDuckDB { return true }
        if ProcessInfo.processInfo.environment["TENURE_REQUIRE_CROSSCHECKS"] == "1" {
            Issue.record("the benchmark's peers are missing: wrk \(wrk), duckdb \(hasDuckDB) (apt-get install wrk; pip install duckdb)")
        } else {
            print("skipped: wrk or DuckDB is not installed")
        }
        return false
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
        // No wrk on this PATH: the HTTP part is skipped with the install command, or fails.
        func run(_ extra: [String]) throws -> Outcome {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: TenureBinary.path)
            process.arguments = ["bench", "ingest", "--events", "1000", "--customers", "100", "--folder", "data"] + extra
            process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
            var environment = ProcessInfo.processInfo.environment
            environment["PATH"] = folder.path
            process.environment = environment
            let out = Pipe()
            process.standardOutput = out
            process.standardError = out
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Outcome(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
        }
        let skipped = try run([])
        #expect(skipped.status == 0, "\(skipped.output)")
        #expect(skipped.output.contains("http: skipped: wrk is not installed (apt-get install wrk)"), "\(skipped.output)")
        let required = try run(["--require-peers"])
        #expect(required.status != 0)
        #expect(required.output.contains("is not installed") && required.output.contains("--require-peers"), "\(required.output)")
    }
}
