import ArgumentParser
import TenureBenchmarks

/// `tenure bench segments`: segment evaluation on a simulated shop held in memory, beside DuckDB's
/// SQL for the same segment on the same data (which must return the same members).
struct BenchSegmentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segments",
        abstract: "Evaluate a 5-condition segment on 1M customers / 10M events, recompute 50 segments after 10,000 new events, beside DuckDB.")

    @Option(help: "Customers.") var customers = 1_000_000
    @Option(help: "Events.") var events = 10_000_000
    @Option(help: "Timed runs (the median is reported).") var runs = 5
    @Flag(help: "100,000 customers and 1,000,000 events.") var quick = false
    @Flag(help: "A missing DuckDB is a failure.") var requirePeers = false

    func run() async throws {
        var options = SegmentsBenchmark.Options()
        options.customers = customers
        options.events = events
        options.runs = runs
        options.quick = quick
        options.requirePeers = requirePeers
        var record = BenchRecord(quick: quick)
        try await SegmentsBenchmark.measure(options, into: &record)
    }
}
