import ArgumentParser
import Foundation
import Logging
import TenureCore
import TenureDocuments
import TenureServer
import TenureStore

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Simulate a shop into a fresh database, summarise it, and serve it.")

    @Option(help: "The demo's SQLite file (replaced if it exists).") var database = "./tenure-demo.sqlite"
    @Option(help: "Customers to simulate.") var customers = 5_000
    @Option(help: "Months of history.") var months = 24
    @Option(help: "d2c, ecommerce, subscription or gaming.") var profile: SimulationProfile = .d2c
    @Option(help: "Random seed.") var seed: UInt64 = 7
    @Option(help: "The day the demo ends, such as 2026-10-31 (default: today); its win-back campaign fills the last \(DemoCampaign.days) days.")
    var end: String?
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port = 8080
    @Flag(help: "Simulate and summarise, but do not serve.") var noServe = false

    func run() async throws {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        let store = try SQLiteStore(path: database)
        let historyEnd = DemoCampaign.historyEnd(campaignEnd: try SimulateCommand.endDate(end))
        let simulator = try BusinessSimulator(
            SimulationConfiguration(customers: customers, months: months, profile: profile, seed: seed, end: historyEnd))
        print("simulating a \(profile.rawValue) shop: \(ProgressLine.grouped(customers)) customers over \(months) months…")
        let progress = ProgressPrinter(total: customers, noun: "customers")
        let truthPath = SimulateCommand.truthPath(beside: database)
        let truthFile = try TextFileWriter(path: truthPath)
        try truthFile.write(CustomerTruth.csvHeader + "\n")
        let summary = try await store.importSimulation(simulator) { customer in
            try truthFile.write(customer.truth.csvRow + "\n")
            progress.tick(customer.truth.index + 1)
        }
        try truthFile.close()
        progress.finish()
        let counts = try await store.counts()
        let (admin, adminSecret) = try await store.createKey(name: "demo admin", scope: .admin)
        let (_, writeSecret) = try await store.createKey(name: "demo write", scope: .write)
        print(
            """

            Tenure demo — \(database)
              customers          \(ProgressLine.grouped(counts.customers)) known, \(ProgressLine.grouped(counts.anonymousVisitors)) anonymous visitors
              events             \(ProgressLine.grouped(counts.events)) (\(counts.firstEvent.map(ISO8601Timestamp.format) ?? "-") … \(counts.lastEvent.map(ISO8601Timestamp.format) ?? "-"))
              orders             \(ProgressLine.grouped(counts.orders)) (\(ProgressLine.grouped(counts.orderLines)) lines), revenue \(String(format: "%.2f", counts.orderRevenue))
              subscriptions      \(ProgressLine.grouped(counts.subscriptions))
              truly churned      \(ProgressLine.grouped(summary.churned)) of \(ProgressLine.grouped(summary.customers)) (ground truth: \(truthPath))
              admin key (#\(admin.id))   \(adminSecret)
              write key          \(writeSecret)
            """)
        try await Self.printRetention(store)
        var campaignLogger = Logger(label: "tenure.demo")
        campaignLogger.logLevel = .warning  // the scheduler's and segments' progress would drown the summary
        let campaign = try await DemoCampaign(store: store, simulator: simulator, logger: campaignLogger).run()
        print(campaign.lines.joined(separator: "\n"))
        try await Self.installPlaybooks(store)
        guard !noServe else { return }
        try await runServer(
            configuration: ServerConfiguration(host: host, port: port), store: store, logger: Logger(label: "tenure"),
            onServerRunning: { port in
                FileHandle.standardOutput.write(
                    Data(
                        """
                          serving            http://\(host):\(port)  (try: curl -H 'Authorization: Bearer \(adminSecret)' http://\(host):\(port)/api/v1/summary)
                          dashboard          http://\(host):\(port)/  (sign in with the admin key above, or a user from `tenure users create NAME --database \(database)`)

                        """.utf8))
            })
    }

    /// The shipped playbooks (D2C), saved paused beside the demo's campaign, with the segments
    /// they need: on the dashboard's Journeys page, and `tenure journeys resume NAME` starts one.
    static func installPlaybooks(_ store: SQLiteStore) async throws {
        var names: [String] = []
        for playbook in JourneyPlaybook.all {
            let outcome = try await PlaybookInstaller(store: store).install(playbook, industry: .d2c, by: "demo")
            _ = try await store.setJourneyStatus(named: outcome.journey, to: .paused, by: "demo")
            names.append(outcome.journey)
        }
        print("  playbooks          \(names.joined(separator: ", ")) installed, paused (tenure journeys resume NAME; tenure serve --webhook URL sends their messages)")
    }

    /// A few headline retention numbers, from the same analytics the reports and API use.
    static func printRetention(_ store: SQLiteStore) async throws {
        let snapshot = try await store.activitySnapshot()
        let attributes = try await store.customerAttributes(of: snapshot)
        guard let days = snapshot.activity.dayRange else { return }
        let range = DayRange(first: days.lowerBound, last: days.upperBound)
        let churn = NonContractualChurnQuery(unit: .month, range: range).run(on: snapshot.activity)
        if let month = churn.rows.last(where: { !$0.incomplete }) {
            print("  churn rate         \(String(format: "%.1f%%", month.churnRate * 100)) in \(month.period.label) (\(month.lost) of \(month.activeAtStart) active customers lost; \(churn.inactivityWindow?.explanation ?? ""))")
        }
        let rfm = RFMQuery(asOf: range.last).run(on: snapshot.activity)
        let top = rfm.summary.sorted { $0.revenueShare > $1.revenueShare }.prefix(3)
        print("  top RFM segments   " + top.map { "\($0.name) \(String(format: "%.0f%%", $0.revenueShare * 100)) of revenue" }.joined(separator: ", "))
        // The churn model's quality one horizon back (train at T−180 d, test at T−90 d), and today's list.
        let horizon: Int32 = 90
        if let backtest = try? ChurnBacktest(label: .standard(horizonDays: horizon), trainCutoffDay: range.last - 2 * horizon)
            .run(on: snapshot.activity, attributes: attributes) {
            print("  churn model        backtest AUC \(String(format: "%.3f", backtest.test.rocAUC)), lift in top decile \(String(format: "%.2f", backtest.test.liftTopDecile)), Brier \(String(format: "%.3f", backtest.test.brierScore)) (logistic regression: AUC \(String(format: "%.3f", backtest.logisticRegressionTest.rocAUC)); recency alone: AUC \(String(format: "%.3f", backtest.recencyBaselineAUC)))")
        }
        if let atRisk = try? AtRiskRanking(label: .standard(horizonDays: horizon), limit: 5).run(on: snapshot.activity, attributes: attributes) {
            let users = try await store.userIds(of: atRisk.customers.map { snapshot.customerIds[$0.customer] })
            print("  most valuable at risk (risk × CLV):")
            for (c, user) in zip(atRisk.customers, users) {
                print("    \(user ?? "#\(c.customer)")  risk \(String(format: "%.2f", c.churnRisk))  CLV \(String(format: "%.0f", c.predictedCLV))  → \(c.action.rawValue) (\(c.reasons.first.map { "\($0.feature)=\($0.value ?? "missing")" } ?? ""))")
            }
        }
        print("  reports            tenure report cohorts|churn|rfm|mrr --database <this file>; tenure at-risk --database <this file>")
    }
}
