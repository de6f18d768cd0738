import ArgumentParser
import TenureBenchmarks

struct BenchAnalyticsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analytics",
        abstract: "Snapshot build from SQLite, and cohort/churn/RFM on synthetic events beside DuckDB's SQL on the same rows.")

    @Option(help: "Synthetic events.") var events = 10_000_000
    @Option(help: "Synthetic customers.") var customers = 1_000_000
    @Option(help: "Runs per measurement (best and median reported).") var runs = 3
    @Option(help: "An existing Tenure database to time the snapshot build on (e.g. bench-data/bench-import.sqlite).")
    var database: String?
    @Option(help: "Working folder for the CSV handed to DuckDB.") var folder = "./bench-data"

    func run() async throws {
        var options = AnalyticsBenchmark.Options()
        options.events = events
        options.customers = customers
        options.runs = runs
        options.database = database
        options.folder = folder
        try await AnalyticsBenchmark.report(options)
    }
}
