import ArgumentParser
import TenureBenchmarks

/// `tenure bench journeys`: a campaign to every customer, from triggering events to the last
/// message a loopback webhook sink accepted, with duplicates and misses counted by the sink.
struct BenchJourneysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journeys",
        abstract: "Run a campaign to 1M customers through the scheduler, the outbox and a webhook sink on loopback; count duplicates and misses.")

    @Option(help: "Customers.") var customers = 1_000_000
    @Flag(help: "50,000 customers.") var quick = false

    func run() async throws {
        var options = JourneysBenchmark.Options()
        options.customers = customers
        options.quick = quick
        var record = BenchRecord(quick: quick)
        try await JourneysBenchmark.measure(options, into: &record)
    }
}
