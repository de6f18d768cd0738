import Foundation
import Testing
import TenureCore
import TenureStore

/// `tenure simulate` into a database and to JSONL, then `tenure import` and `tenure report`,
/// as a user runs them.
@Suite struct SimulateAndReportTests {
    @Test func simulateImportAndReport() async throws {
        let folder = TemporaryFolder()
        let database = folder.path + "/shop.sqlite"
        let jsonl = folder.path + "/shop.jsonl"
        let out = try TenureBinary.run(["simulate", "--customers", "300", "--months", "12", "--seed", "5", "--end", "2026-06-30", "--database", database])
        #expect(out.contains("300 customers"))
        let truth = try String(contentsOfFile: folder.path + "/shop-truth.csv", encoding: .utf8)
        #expect(truth.split(separator: "\n").count == 301 && truth.hasPrefix("userId,"))

        // The same business as JSONL, imported into a second database, gives the same counts.
        try TenureBinary.run(["simulate", "--customers", "300", "--months", "12", "--seed", "5", "--end", "2026-06-30", "--output", jsonl, "--truth", folder.path + "/t2.csv"])
        let copy = folder.path + "/copy.sqlite"
        let imported = try TenureBinary.run(["import", jsonl, "--database", copy])
        #expect(imported.contains("0 skipped"))
        let a = try await SQLiteStore(path: database).counts()
        let b = try await SQLiteStore(path: copy).counts()
        #expect(a.customers == 300 && a.events == b.events && a.orders == b.orders && a.customers == b.customers)
        #expect(abs(a.orderRevenue - b.orderRevenue) < 0.01)

        struct Churn: Decodable {
            struct Row: Decodable { var activeAtStart: Int; var lost: Int; var churnRate: Double }
            var rows: [Row]
        }
        let json = try TenureBinary.run(["report", "churn", "--database", database, "--format", "json"])
        let churn = try JSONDecoder().decode(Churn.self, from: Data(json.utf8))
        #expect(churn.rows.count >= 12)
        for row in churn.rows where row.activeAtStart > 0 {
            #expect(abs(row.churnRate - Double(row.lost) / Double(row.activeAtStart)) < 1e-9)
        }
        let csv = try TenureBinary.run(["report", "rfm", "--database", database, "--format", "csv"])
        #expect(csv.hasPrefix("segment,customers,share,revenue,revenue share\n") && csv.contains("Champions"))
        let cohorts = try TenureBinary.run(["report", "cohorts", "--database", database, "--unit", "quarter"])
        #expect(cohorts.contains("cohort") && cohorts.contains("size"))
        #expect(throws: (any Error).self) { try TenureBinary.run(["report", "churn", "--database", database, "--from", "yesterday"]) }
    }
}
