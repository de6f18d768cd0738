import ArgumentParser
import TenureBenchmarks

/// `tenure bench send`: email through the SMTP channel's pool to aiosmtpd on loopback (beside
/// Python's smtplib to the same server, the peer bound) and webhooks to a loopback sink;
/// duplicates and misses counted by the sinks.
struct BenchSendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send N messages by email (SMTP pool to aiosmtpd, beside smtplib) and by webhook to loopback sinks; count duplicates and misses.")

    @Option(help: "Messages per channel.") var messages = 50_000
    @Option(help: "SMTP sessions (Tenure's pool and the smtplib peer alike).") var connections = 8
    @Option(help: "Messages per webhook request.") var webhookBatch = 100
    @Flag(help: "5,000 messages.") var quick = false
    @Option(help: "Also write the figures as a JSON record (scripts/bench/record.schema.json) to this file.") var json: String?

    func run() async throws {
        var options = SendBenchmark.Options()
        options.messages = messages
        options.connections = connections
        options.webhookBatch = webhookBatch
        options.quick = quick
        var record = BenchRecord(quick: quick)
        try await SendBenchmark.measure(options, into: &record)
        if let json { try record.write(to: json) }
    }
}
