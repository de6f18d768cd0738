import Foundation
import Testing
import TenureCore
import TenureServer
import TenureStore

/// One request sent with the public write key must never take the server down, skew a report or
/// corrupt a person. The corpus and the crawl are `scripts/e2e/hostile_values.py`; the routes it
/// requests are the server's own (`buildRouter(...).routes`), so a new page or report runs it too.
@Suite(.serialized) struct HostileValuesTests {
    static var scripts: URL {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("scripts/e2e")
    }

    /// Runs `python3 scripts/e2e/hostile_values.py args…`; returns its exit status, stdout and stderr.
    static func corpus(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scripts.appendingPathComponent("hostile_values.py").path] + args
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes while it runs, so neither fills up.
        nonisolated(unsafe) var errData = Data()
        let errReader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        errReader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while errReader.isExecuting || !errReader.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    /// Values an older build let in, written straight into the store (past the door's policy).
    static func storeLegacyValues(_ database: String) async throws {
        let store = try SQLiteStore(path: database)
        let now = Date()
        func order(_ id: String, _ user: String, _ total: Double, daysAgo: Double = 3) -> Message {
            Message(
                kind: .track, messageId: id, userId: user, name: StandardEvent.orderCompleted,
                timestamp: now.addingTimeInterval(-daysAgo * 86_400), properties: ["order_id": .string(id), "total": .number(total)])
        }
        _ = try await store.ingest([[
            order("legacy-a", "legacy-1", 1e19),
            order("legacy-b", "legacy-2", 1e308), order("legacy-c", "legacy-2", 1e308, daysAgo: 2),
            order("legacy-d", "legacy-3", -1e19),
            order("legacy-e", "legacy-old", 20, daysAgo: (now.timeIntervalSince1970 / 86_400) - 1),  // 1970-01-02
            Message(kind: .identify, messageId: "legacy-f", userId: "legacy-1", timestamp: now, traits: ["score": .number(1e308), "plan": "x"]),
        ]])
    }

    @Test func hostileRequestsNeitherCrashTheServerNorReachA5xx() async throws {
        let folder = TemporaryFolder()
        let database = folder.path + "/hostile.sqlite"
        try TenureBinary.run(["simulate", "--customers", "400", "--months", "14", "--seed", "7", "--database", database])
        try await Self.storeLegacyValues(database)
        let writeKey = try TenureBinary.run(["keys", "create", "--scope", "write", "--quiet", "--database", database])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let adminKey = try TenureBinary.run(["keys", "create", "--scope", "admin", "--quiet", "--database", database])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let routes = try servedRoutes()
        #expect(routes.contains("GET /api/v1/reports/cohorts") && routes.contains("GET /"))
        let routesFile = folder.path + "/routes.txt"
        try routes.joined(separator: "\n").write(toFile: routesFile, atomically: true, encoding: .utf8)

        // Twice: the second time on a restarted server over everything the first run stored.
        for round in 1...2 {
            let server = try ServerProcess(database: database)
            defer { server.stop() }
            // The second crawl is shorter: the restart over stored hostile values is what it checks.
            let run = try Self.corpus(["run", server.baseURL, writeKey, adminKey, routesFile, round == 1 ? "500" : "200"])
            #expect(run.status == 0, "round \(round): \(run.err.suffix(6_000))")
            #expect(server.process.isRunning, "round \(round): the server died")
            let requests = (try? JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Int])?["requests"] ?? 0
            #expect(requests > 200, "round \(round): only \(requests) requests were made")
        }

        // What was refused is not stored, and what was accepted is.
        let store = try SQLiteStore(path: database)
        let hostile = try #require(try await store.customer(userId: "hostile-1"))
        let events = try await store.events(customerId: hostile.id, limit: 10_000)
        #expect(!events.isEmpty)
        for event in events {
            if let revenue = event.revenue { #expect(abs(revenue) <= 1e12 && revenue.isFinite, "\(event.name ?? "") \(revenue)") }
            #expect(event.timestamp >= ValuePolicy.live.earliestTimestamp)
        }
        let gzipStored = try await store.hasMessage(id: "h-gz"), cutStored = try await store.hasMessage(id: "h-gz-cut")
        let oldStored = try await store.hasMessage(id: "h-1970")
        #expect(gzipStored && !cutStored && !oldStored)
    }

    @Test func theCorpusImportsWithEachRefusedLineNamed() async throws {
        let folder = TemporaryFolder()
        let jsonl = folder.path + "/hostile.jsonl", csv = folder.path + "/hostile.csv"
        let made = try Self.corpus(["files", jsonl, csv])
        #expect(made.status == 0, "\(made.err)")
        struct Expected: Decodable {
            struct File: Decodable {
                var records: Int
                var refused: [Int]
            }
            var jsonl: File
            var csv: File
        }
        let expected = try JSONDecoder().decode(Expected.self, from: Data(made.out.utf8))
        for (file, want, extra) in [(jsonl, expected.jsonl, [String]()),
                                    (csv, expected.csv, ["--customer-column", "customer", "--date-column", "date", "--amount-column", "amount"])] {
            let database = folder.path + "/import-\(UUID().uuidString).sqlite"
            let rejected = file + ".rejected.tsv"
            // All or nothing without --skip-bad-rows: the first refused line stops it, nothing stored.
            #expect(throws: TenureBinary.CommandFailed.self) { try TenureBinary.run(["import", file, "--database", database] + extra) }
            let output = try TenureBinary.run(
                ["import", file, "--database", database, "--skip-bad-rows", "--rejected", rejected, "--json"] + extra)
            let report = try JSONDecoder().decode(ImportReport.self, from: Data(output.utf8))
            let lines = try String(contentsOfFile: rejected, encoding: .utf8).split(separator: "\n")
            let refused = lines.compactMap { Int($0.split(separator: "\t")[0]) }
            #expect(refused == want.refused, "\(file): \(lines.joined(separator: "\n"))")
            #expect(lines.allSatisfy { $0.split(separator: "\t").count == 2 && $0.count > 12 }, "every line has a reason")
            #expect(report.records == want.records && report.skipped == want.refused.count)
            #expect(report.stored + report.duplicates == want.records - want.refused.count)
            // The imported store answers its reports.
            try TenureBinary.run(["report", "rfm", "--database", database])
        }
    }
}
