import ArgumentParser
import TenureBenchmarks

struct BenchDashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Server time of every dashboard page on a large synthetic shop (p50/p95 after one warm-up).")

    @Option(help: "Synthetic customers.") var customers = 1_000_000
    @Option(help: "Synthetic events.") var events = 10_000_000
    @Option(help: "Renders per page.") var runs = 20
    @Option(help: "Customers simulated into an in-memory store for the search and profile pages.") var storeCustomers = 2_000
    @Option(help: "Search and profiles from this store (e.g. `tenure bench search`'s) instead of a simulated one.") var database: String?
    @Flag(help: "Skip training the churn model: its pages render their \"Scoring…\" state.")
    var noModel = false
    @Flag(help: "Also time the work of one scheduled scoring run of `tenure serve` (train with backtest, score and rank everyone, explain the kept top).")
    var scoring = false

    func run() async throws {
        var options = DashboardBenchmark.Options()
        options.customers = customers
        options.events = events
        options.runs = runs
        options.storeCustomers = storeCustomers
        options.database = database
        options.noModel = noModel
        options.scoring = scoring
        try await DashboardBenchmark.report(options)
    }
}
