import ArgumentParser
import Foundation
import TenureCore
import TenureStore

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate a business (customers, orders, sessions, subscriptions, feedback, complaints) into the store or a JSONL file.",
        discussion: "Also writes the ground truth (who really churned, and when) as CSV, for checking predictions.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Number of customers.") var customers = 10_000
    @Option(help: "Length of the simulated period in months.") var months = 24
    @Option(help: "d2c, ecommerce, subscription or gaming.") var profile: SimulationProfile = .d2c
    @Option(help: "Random seed: the same seed gives the same business.") var seed: UInt64 = 42
    @Option(help: "Last day of the period, YYYY-MM-DD (default: today, UTC).") var end: String?
    @Option(help: "Write Segment-shaped JSONL here instead of into the database.") var output: String?
    @Option(help: "Where to write the ground-truth CSV (default: beside the output, `-truth.csv`).") var truth: String?

    func run() async throws {
        let endDate = try Self.endDate(end)
        let simulator = try BusinessSimulator(
            SimulationConfiguration(customers: customers, months: months, profile: profile, seed: seed, end: endDate))
        let truthPath = truth ?? Self.truthPath(beside: output ?? database.database)
        let summary: SimulationSummary
        let started = Date()
        let progress = ProgressPrinter(total: customers, noun: "customers")
        if let output {
            summary = try Self.writeJSONL(simulator, to: output, truthPath: truthPath, progress: progress)
        } else {
            let store = try database.open()
            let truthFile = try TextFileWriter(path: truthPath)
            try truthFile.write(CustomerTruth.csvHeader + "\n")
            summary = try await store.importSimulation(simulator) { customer in
                try truthFile.write(customer.truth.csvRow + "\n")
                progress.tick(customer.truth.index + 1)
            }
            try truthFile.close()
        }
        progress.finish()
        let seconds = Date().timeIntervalSince(started)
        print(
            "simulated \(profile.rawValue): \(ProgressLine.grouped(summary.customers)) customers (\(ProgressLine.grouped(summary.churned)) churned), \(ProgressLine.grouped(summary.messages)) messages, \(ProgressLine.grouped(summary.orders)) orders, revenue \(String(format: "%.2f", summary.orderRevenue)) in \(String(format: "%.1f", seconds)) s"
        )
        print("wrote \(output ?? database.database) and ground truth \(truthPath)")
    }

    static func endDate(_ text: String?) throws -> Date {
        guard let text else {
            let now = Date().timeIntervalSince1970
            return Date(timeIntervalSince1970: (now / 86_400).rounded(.down) * 86_400)
        }
        guard let date = ISO8601Timestamp.parse(text) else { throw ValidationError("--end must be a date such as 2026-10-31") }
        return date
    }

    static func truthPath(beside path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingPathExtension().path + "-truth.csv"
    }

    static func writeJSONL(_ simulator: BusinessSimulator, to path: String, truthPath: String, progress: ProgressPrinter) throws -> SimulationSummary {
        let out = try TextFileWriter(path: path)
        let truthFile = try TextFileWriter(path: truthPath)
        try truthFile.write(CustomerTruth.csvHeader + "\n")
        var line: [UInt8] = []
        let summary = try simulator.forEachCustomer { customer in
            for message in customer.messages {
                line.removeAll(keepingCapacity: true)
                JSONWriter.write(message.segmentJSON, into: &line)
                line.append(0x0A)
                try out.write(bytes: line)
            }
            try truthFile.write(customer.truth.csvRow + "\n")
            progress.tick(customer.truth.index + 1)
        }
        try out.close()
        try truthFile.close()
        return summary
    }
}

extension SimulationProfile: ExpressibleByArgument {}
