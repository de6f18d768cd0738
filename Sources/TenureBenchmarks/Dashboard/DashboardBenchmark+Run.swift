import Foundation
import TenureCore
import TenureServer
import TenureStore

extension DashboardBenchmark {
    /// What `tenure bench dashboard` is asked to measure.
    public struct Options: Sendable {
        /// Synthetic customers.
        public var customers = 1_000_000
        /// Synthetic events.
        public var events = 10_000_000
        /// Renders per page.
        public var runs = 20
        /// Customers simulated into an in-memory store for the search and profile pages.
        public var storeCustomers = 2_000
        /// Search and profiles from this store instead of a simulated one.
        public var database: String?
        /// Skip training the churn model: its pages render their "Scoring…" state.
        public var noModel = false
        /// Also time one scheduled scoring run of `tenure serve`.
        public var scoring = false

        public init() {}
    }

    /// Runs `tenure bench dashboard`, printing each figure.
    public static func report(_ options: Options) async throws {
        let (customers, events) = (options.customers, options.events)
        print(BenchMachine.summary)
        print("building a synthetic snapshot: \(ProgressLine.grouped(events)) events, \(ProgressLine.grouped(customers)) customers, two years…")
        let activity = SyntheticActivity.makeSnapshot(customers: customers, events: events, seed: 1)
        let snapshot = DashboardSnapshot(activity: activity, customerIds: (1...Int64(customers)).map { $0 }, lastEventId: Int64(events))
        // Search and profiles read the store: a small simulated shop in memory (ids match the
        // first snapshot customers, so profiles show predictions).
        let store: SQLiteStore
        if let database = options.database {
            store = try SQLiteStore(path: database)
            print("search and profiles from \(database): \(ProgressLine.grouped(try await store.counts().customers)) customers")
        } else {
            store = try SQLiteStore.inMemory()
            // The simulation ends at the start of today (UTC), as `tenure simulate` does by default.
            let today = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
            let simulator = try BusinessSimulator(
                SimulationConfiguration(customers: options.storeCustomers, months: 24, profile: .d2c, seed: 7, end: today))
            _ = try await store.importSimulation(simulator)
        }
        let someone = try await store.userIds(of: [1]).first.flatMap { $0 } ?? "c1"
        let lastDay = activity.dayRange?.upperBound ?? SyntheticActivity.firstDay
        let pages = [
            "/", "/retention", "/retention?unit=week&show=revenue&survival=plan", "/churn", "/at-risk", "/at-risk?segment=cantLoseThem&limit=500",
            "/segments", "/segments?from=\(DayNumber.isoString(lastDay - 180))", "/customers?q=" + String(someone.prefix(3)),
            "/customers?q=%3Cscript%3E", "/customers?q=%40example", "/customer?id=" + someone,
        ]
        if options.scoring {
            // What RiskScoringService.scoreOnce runs off the cooperative pool, without a model file.
            let clock = ContinuousClock(), start = clock.now
            // A synthetic snapshot has no customer attributes (the store's shop would pass them).
            let model = try ChurnModelFile.train(on: activity, label: .standard(horizonDays: 90))
            let trained = clock.now
            let report = try AtRiskRanking(label: model.label, limit: RiskScores.keep).rank(activity, using: model)
            let done = clock.now
            print(String(
                format: "scheduled scoring run: %.1f s wall (train on %d customers with backtest %.1f s, score and rank %d, explain %d: %.1f s)",
                (done - start).inSeconds, model.trainCount, (trained - start).inSeconds, report.scoredCount, report.customers.count, (done - trained).inSeconds))
        }
        let result = try await run(snapshot: snapshot, store: store, pages: pages, runs: options.runs, trainModel: !options.noModel)
        print(String(format: "first visit of every page (caches cold): %.1f s, of which at-risk model + backtest %.1f s", result.warmSeconds, result.modelSeconds))
        if !options.noModel {
            print(String(
                format: "at-risk model: trained on %d customers in %.1f s; %d customers scored and ranked (top %d explained) in %.1f s",
                result.trainCustomers, result.trainSeconds, result.scoredCustomers, min(RiskScores.keep, result.scoredCustomers), result.rankSeconds))
        }
        for m in result.pages {
            print(m.page.padding(toLength: 56, withPad: " ", startingAt: 0) + String(format: " p50 %7.2f ms  p95 %7.2f ms  max %7.2f ms  %7d bytes", m.p50Milliseconds, m.p95Milliseconds, m.maxMilliseconds, m.bytes))
        }
    }
}
