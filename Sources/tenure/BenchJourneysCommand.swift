import ArgumentParser
import TenureBenchmarks

/// `tenure bench journeys`: a campaign to every customer, from triggering events to the last
/// message a loopback webhook sink accepted, with duplicates and misses counted by the sink;
/// `--triggers`: the triggers of 10 journeys evaluated over 1M customers; `--timers`: 1M
/// pending waits, their memory and their lateness.
struct BenchJourneysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journeys",
        abstract: "Run a campaign to 1M customers through the scheduler, the outbox and a webhook sink on loopback; count duplicates and misses.",
        discussion: """
            --triggers evaluates the triggers of 10 active journeys (inactivity, dates, replenishment, churn risk, events) for every \
            customer of the simulated shop, as after a snapshot refresh. --timers makes 1M customers wait in a journey through the \
            real scheduler and store, and reports their memory and how late the waits fire.
            """)

    @Option(help: "Customers.") var customers = 1_000_000
    @Option(help: "Events of the simulated shop (--triggers).") var events = 10_000_000
    @Option(help: "Evaluations timed (--triggers).") var runs = 5
    @Option(help: "The wait every customer is in (--timers).") var waitSeconds = 120
    @Flag(help: "Evaluate the triggers of 10 journeys over the simulated shop.") var triggers = false
    @Flag(help: "Measure pending waits: memory and lateness.") var timers = false
    @Flag(help: "50,000 customers (campaign), 100,000 (triggers) or 10,000 (timers).") var quick = false

    func validate() throws {
        if triggers && timers { throw ValidationError("choose one of --triggers and --timers") }
    }

    func run() async throws {
        var record = BenchRecord(quick: quick)
        if triggers {
            var options = JourneyTriggersBenchmark.Options()
            options.customers = customers
            options.events = events
            options.runs = runs
            options.quick = quick
            try await JourneyTriggersBenchmark.measure(options, into: &record)
        } else if timers {
            var options = JourneyTimersBenchmark.Options()
            options.customers = customers
            options.waitSeconds = waitSeconds
            options.quick = quick
            try await JourneyTimersBenchmark.measure(options, into: &record)
        } else {
            var options = JourneysBenchmark.Options()
            options.customers = customers
            options.quick = quick
            try await JourneysBenchmark.measure(options, into: &record)
        }
    }
}
