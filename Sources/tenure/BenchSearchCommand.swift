import ArgumentParser
import TenureBenchmarks

struct BenchSearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "The dashboard's customer search (id, alias, trait) on a store of many customers with traits.")

    @Option(help: "Customers to store (one identify with five traits each) when the database does not exist yet.") var customers = 1_000_000
    @Option(help: "Searches per query.") var runs = 20
    @Option(help: "The database file; kept, so later runs reuse it.") var database = "tenure-search-bench.sqlite"

    func run() async throws {
        try await TraitSearchBenchmark.report(database: database, customers: customers, runs: runs)
    }
}
