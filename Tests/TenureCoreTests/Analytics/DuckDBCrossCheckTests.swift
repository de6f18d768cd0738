import Foundation
import Testing
import TenureCore

/// Runs `scripts/crosscheck/analytics_duckdb.py`, which computes the same metrics with DuckDB SQL,
/// on a simulated dataset and requires exactly equal counts.
@Suite("Cross-check against DuckDB")
struct DuckDBCrossCheckTests {
    static let requireCrossChecks = ProcessInfo.processInfo.environment["TENURE_REQUIRE_CROSSCHECKS"] == "1"

    /// Whether `python3` with the `duckdb` module can be run.
    static let duckDBAvailable: Bool = {
        (try? run(["python3", "-c", "import duckdb"]))?.status == 0
    }()

    /// The repository root: the first directory above this file (symlinks resolved) holding the script.
    static func repositoryRoot() throws -> URL {
        var dir = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("scripts/crosscheck/analytics_duckdb.py").path) {
                return dir
            }
            dir.deleteLastPathComponent()
        }
        throw CrossCheckError("scripts/crosscheck/analytics_duckdb.py not found above \(#filePath)")
    }

    struct CrossCheckError: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Rows of a CSV with a header, as string fields.
    static func readCSV(_ url: URL) throws -> [[String]] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
    }

    @Test(
        "cohort matrix, non-contractual churn and RFM scores equal DuckDB's on simulated data",
        .enabled(
            if: duckDBAvailable || requireCrossChecks,
            "needs python3 with duckdb (pip install duckdb); TENURE_REQUIRE_CROSSCHECKS=1 makes this a failure"))
    func crossCheck() throws {
        // Given: 3,000 simulated customers over ~20 months, written as CSV.
        let snapshot = SyntheticActivity.makeSnapshot(customers: 3_000, events: 40_000, seed: 11, days: 600)
        let dayRange = try #require(snapshot.dayRange)
        let asOf = dayRange.upperBound
        let window: Int32 = 45
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tenure-crosscheck-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("events.csv")
        var data = Data()
        snapshot.forEachCSVChunk(eventsPerChunk: 10_000) { data.append($0) }
        try data.write(to: csv)

        // When: DuckDB computes the metrics independently.
        let script = try Self.repositoryRoot().appendingPathComponent("scripts/crosscheck/analytics_duckdb.py").path
        let result = try Self.run([
            "python3", script, "crosscheck", "--events", csv.path, "--out", dir.path, "--as-of", String(asOf),
            "--window", String(window),
        ])
        try #require(result.status == 0, "analytics_duckdb.py failed: \(result.output)")

        // Then: the cohort matrix (exact and on-or-after counts, revenue) is equal cell by cell.
        let range = DayRange(first: dayRange.lowerBound, last: asOf)
        let exact = CohortRetentionQuery(range: range, asOf: asOf).run(on: snapshot)
        let onOrAfter = CohortRetentionQuery(mode: .onOrAfter, range: range, asOf: asOf).run(on: snapshot)
        let grid = PeriodGrid(unit: .month, range: range)
        var duck: [String: [String]] = [:]
        for row in try Self.readCSV(dir.appendingPathComponent("cohort.csv")) { duck["\(row[0])/\(row[1])"] = row }
        var compared = 0
        for (i, cohort) in exact.cohorts.enumerated() where cohort.size > 0 {
            let month = grid.firstOrdinal + cohort.period.index
            for k in cohort.counts.indices {
                let row = try #require(duck["\(month)/\(k)"], "DuckDB has no cell for cohort \(cohort.period.label) +\(k)")
                #expect(Int(row[2]) == cohort.counts[k], "cohort \(cohort.period.label) +\(k)")
                #expect(Int(row[3]) == onOrAfter.cohorts[i].counts[k], "on or after: cohort \(cohort.period.label) +\(k)")
                #expect(Double(row[4]) == cohort.revenue[k], "revenue: cohort \(cohort.period.label) +\(k)")
                compared += 1
            }
        }
        #expect(compared == duck.count)
        #expect(compared > 100)

        // Non-contractual monthly churn with a fixed window.
        let churn = NonContractualChurnQuery(windowDays: window, range: range, asOf: asOf).run(on: snapshot)
        let duckChurn = try Self.readCSV(dir.appendingPathComponent("churn.csv"))
        #expect(duckChurn.count == churn.rows.count)
        for (row, mine) in zip(duckChurn, churn.rows) {
            #expect(Int(row[0]) == grid.firstOrdinal + mine.period.index)
            #expect(Int(row[1]) == mine.activeAtStart, "active at start of \(mine.period.label)")
            #expect(Int(row[2]) == mine.lost, "lost in \(mine.period.label)")
        }
        #expect(churn.rows.map(\.lost).reduce(0, +) > 100)

        // RFM measures and scores, customer by customer.
        let rfm = RFMQuery(asOf: asOf).run(on: snapshot)
        let duckRFM = try Self.readCSV(dir.appendingPathComponent("rfm.csv"))
        #expect(duckRFM.count == rfm.customers.count)
        var mismatches = 0
        for (row, i) in zip(duckRFM, rfm.customers.indices) {
            let same = Int32(row[0]) == rfm.customers[i] && Int32(row[1]) == rfm.recencyDays[i]
                && Int32(row[2]) == rfm.frequency[i] && Double(row[3]) == rfm.monetary[i]
                && UInt8(row[4]) == rfm.recencyScores[i] && UInt8(row[5]) == rfm.frequencyScores[i]
                && UInt8(row[6]) == rfm.monetaryScores[i]
            if !same {
                mismatches += 1
                if mismatches <= 5 { Issue.record("RFM differs for customer \(rfm.customers[i]): DuckDB \(row)") }
            }
        }
        #expect(mismatches == 0)
    }
}
