import ArgumentParser
import Foundation
import TenureBenchmarks

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks, each beside its named peer in the same run (figures go to BENCHMARKS.md).",
        subcommands: [
            BenchAllCommand.self, BenchIngestCommand.self, BenchAnalyticsCommand.self, BenchPredictCommand.self, BenchDashboardCommand.self, BenchSearchCommand.self, BenchSegmentsCommand.self, BenchJourneysCommand.self, BenchSendCommand.self,
        ])
}

struct BenchIngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Bulk CSV import into SQLite (beside DuckDB loading the same file) and HTTP Segment batches with wrk.",
        discussion: """
            Each figure is printed only for work that succeeded: every import row stored, DuckDB's row \
            count equal to the file's, every HTTP response 2xx and every acknowledged event stored. \
            Anything else exits non-zero with the reason. Runs from any folder.
            """)

    @Option(help: "Transactions in the generated CSV.") var events = 10_000_000
    @Option(help: "Distinct customers in it.") var customers = 1_000_000
    @Option(help: "Working folder for the generated file and databases.") var folder = "./bench-data"
    @Option(help: "Seconds of HTTP load.") var httpSeconds = 10
    @Option(help: "Concurrent HTTP connections.") var connections = 32
    @Flag(help: "Skip the HTTP part.") var noHTTP = false
    @Flag(help: "Only measure the HTTP path's stages apart: parsing batches, and writing them as group commits.")
    var stages = false
    @Flag(help: "A small run (100,000 transactions, 10,000 customers, 2 s of HTTP) that checks the benchmark works.")
    var quick = false
    @Flag(help: "A missing peer (DuckDB, wrk) fails the benchmark instead of being skipped.") var requirePeers = false
    @Option(help: "Also write the figures as a JSON record (scripts/bench/record.schema.json) to this file.") var json: String?
    @Option(help: ArgumentHelp("Send this write key instead of a new one (checks that refused requests fail the run).", visibility: .hidden))
    var writeKey: String?

    func run() async throws {
        var options = IngestBenchmark.Options()
        options.events = events
        options.customers = customers
        options.folder = folder
        options.httpSeconds = httpSeconds
        options.connections = connections
        options.noHTTP = noHTTP
        options.stages = stages
        options.quick = quick
        options.requirePeers = requirePeers
        options.writeKey = writeKey
        var record = BenchRecord(quick: quick)
        try await IngestBenchmark.measure(options, into: &record)
        if let json { try record.write(to: json) }
    }
}

struct BenchAllCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all",
        abstract: "Runs the benchmarks that keep a JSON record (ingestion: import beside DuckDB, HTTP, the stages; segments beside DuckDB) and writes it.",
        discussion: """
            With --quick they run at a size that finishes in about a minute on two cores, to check that they work. \
            scripts/bench/render_benchmarks.py turns the record into BENCHMARKS.md's tables.
            """)

    @Option(help: "The JSON record to write (scripts/bench/record.schema.json).") var json: String
    @Flag(help: "Small sizes: checks that every benchmark works, not how fast.") var quick = false
    @Flag(help: "A missing peer fails the run instead of being skipped.") var requirePeers = false
    @Option(help: "Working folder for generated files and databases.") var folder = "./bench-data"

    func run() async throws {
        let record = try await BenchAll.run(quick: quick, requirePeers: requirePeers, folder: folder)
        try record.write(to: json)
        print("wrote \(record.benchmarks.count) benchmarks to \(json)")
    }
}

struct BenchPredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict", abstract: "BTYD fits and gradient-boosted trees, beside lifetimes and XGBoost when installed.")

    @Option(help: "Customers for the BG/NBD fit.") var customers = 1_000_000
    @Option(help: "Customers for the Pareto/NBD fit.") var paretoCustomers = 100_000
    @Option(help: "Rows for the boosted trees.") var rows = 1_000_000
    @Option(help: "Trees.") var trees = 200
    @Option(help: "Tree depth.") var depth = 6
    @Flag(help: "Only the BTYD fits.") var btydOnly = false
    @Option(help: "Customers scored with explanations.") var explainCustomers = 1_000_000
    @Option(help: "The Telco churn table for the explanation benchmark.") var telcoPath = ".reference-data/telco/Customer_Churn.csv"

    func run() async throws {
        var options = PredictBenchmark.Options()
        options.customers = customers
        options.paretoCustomers = paretoCustomers
        options.rows = rows
        options.trees = trees
        options.depth = depth
        options.btydOnly = btydOnly
        options.explainCustomers = explainCustomers
        options.telcoPath = telcoPath
        try PredictBenchmark.report(options)
    }
}
