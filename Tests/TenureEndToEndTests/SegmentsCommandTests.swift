import Foundation
import Testing
import TenureStore

/// `tenure segments` as a user runs it, on a simulated shop.
@Suite("tenure segments")
struct SegmentsCommandTests {
    @Test("create, count, members as CSV, refresh twice (the second records nothing), a typo named by position")
    func segmentsCommands() throws {
        let folder = TemporaryFolder()
        let database = folder.path + "/seg.sqlite"
        try TenureBinary.run(["simulate", "--customers", "600", "--months", "12", "--seed", "3", "--end", "2026-06-30", "--database", database])
        let expression = #"count("Order Completed", last 180 days, where "products.category" = "Tea") >= 1"#
        let created = try TenureBinary.run(["segments", "create", "Tea buyers", "--where", expression, "--database", database])
        #expect(created.contains(#"created segment "Tea buyers""#))
        let count = try TenureBinary.run(["segments", "count", expression, "--as-of", "2026-06-30", "--database", database])
        let n = try #require(Int(count.split(separator: " ").first ?? ""))
        #expect(n > 0 && n < 600 && count.contains("of 600 customers"))
        let csv = try TenureBinary.run(["segments", "members", "Tea buyers", "--format", "csv", "--as-of", "2026-06-30", "--database", database])
        let lines = csv.split(separator: "\n")
        #expect(lines.first == "customer_id,user_id" && lines.count == n + 1)
        let first = try TenureBinary.run(["segments", "refresh", "--as-of", "2026-06-30", "--database", database])
        #expect(first.contains("Tea buyers\t+\(n) entered\t-0 exited"))
        let second = try TenureBinary.run(["segments", "refresh", "--as-of", "2026-06-30", "--database", database])
        #expect(second.contains("Tea buyers\t+0 entered\t-0 exited"))
        #expect(try TenureBinary.run(["segments", "list", "--database", database]).contains("Tea buyers\t\(n) members"))
        let failure = #expect(throws: TenureBinary.CommandFailed.self) {
            try TenureBinary.run(["segments", "count", #"count("Order Completed", last 90 dys) >= 1"#, "--database", database])
        }
        #expect(failure.map { "\($0)".contains(#""dys" at 1:34"#) } == true)
        #expect(try TenureBinary.run(["segments", "delete", "Tea buyers", "--database", database]).contains("deleted"))
    }
}
