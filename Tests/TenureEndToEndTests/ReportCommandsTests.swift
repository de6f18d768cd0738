import Foundation
import Testing
import TenureCore

/// Every `tenure report` subcommand and option on a simulated shop, in each output format.
@Suite struct ReportCommandsTests {
    @Test func everyReportRunsInEveryFormat() throws {
        let folder = TemporaryFolder()
        let db = folder.path + "/shop.sqlite"
        try TenureBinary.run(["simulate", "--customers", "300", "--months", "12", "--seed", "9", "--end", "2026-06-30", "--database", db])
        func report(_ args: String...) throws -> String { try TenureBinary.run(["report"] + args + ["--database", db]) }

        // Cohorts: start and return selectors, recurring kind, on-or-after, revenue cells.
        let recurring = try JSONDecoder().decode(
            CohortRetentionMatrix.self,
            from: Data(try report("cohorts", "--start", "any", "--return", "purchase", "--kind", "recurring", "--on-or-after", "--format", "json").utf8))
        #expect(recurring.query.cohortType == .recurring && recurring.query.mode == .onOrAfter && recurring.query.startEvent == .any)
        #expect(recurring.cohorts.count >= 12 && recurring.cohorts.allSatisfy { $0.revenue.count == $0.counts.count })
        let revenue = try report("cohorts", "--values", "revenue", "--through", "2026-06-15")
        #expect(revenue.contains("cohort") && revenue.contains("*") && revenue.contains("not over yet"))
        #expect(throws: (any Error).self) { try report("cohorts", "--start", "Nope") }

        // Purchases, CLV, lifetimes, stickiness, retention.
        #expect(try report("purchases", "--format", "csv").hasPrefix("period,orders,revenue,purchasers,repeat purchasers,AOV,frequency,repeat rate,returning,complete\n"))
        #expect(try report("purchases").contains("lifetime repeat-purchase rate"))
        #expect(try report("clv", "--unit", "quarter", "--format", "csv").hasPrefix("cohort,customers,+0"))
        let lifetimes = try JSONDecoder().decode(
            CustomerLifetimeReport.self, from: Data(try report("lifetime", "--grouping", "cohort", "--window", "60", "--format", "json").utf8))
        #expect(lifetimes.inactivityWindow?.days == 60 && !lifetimes.groups.isEmpty && lifetimes.overall.subjects > 0)
        #expect(try report("lifetime").contains("median days"))
        #expect(try report("stickiness", "--unit", "week", "--activity", "purchase", "--format", "csv").hasPrefix("weeks active,customers,share\n"))
        let retention = try JSONDecoder().decode(ChurnReport.self, from: Data(try report("retention", "--window", "45", "--format", "json").utf8))
        #expect(retention.rows.count >= 12)
        for row in retention.rows where row.activeAtStart > 0 { #expect(abs(row.retentionRate + row.churnRate - 1) < 1e-9) }
        #expect(try report("retention", "--format", "csv").hasPrefix("period,active at start,retained,retention,churn rate,complete\n"))

        // RFM with a lookback, and movement between two dates.
        #expect(try report("rfm", "--lookback", "90", "--format", "csv").hasPrefix("segment,customers,share,revenue,revenue share\n"))
        struct Movement: Decodable { var from: String; var to: String; var labels: [String]; var counts: [[Int]] }
        let movement = try JSONDecoder().decode(
            Movement.self, from: Data(try report("rfm-movement", "--from", "2026-03-31", "--to", "2026-06-30", "--format", "json").utf8))
        #expect(movement.from == "2026-03-31" && movement.labels.last == "Not scored" && movement.counts.flatMap { $0 }.reduce(0, +) > 0)
        #expect(try report("rfm-movement", "--from", "2026-03-31").contains("segment at 2026-03-31"))
        #expect(throws: (any Error).self) { try report("rfm-movement") }
    }
}
