import ArgumentParser
import Foundation
import TenureCore
import TenureStore

struct BenchSearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "The dashboard's customer search (id, alias, trait) on a store of many customers with traits.")

    @Option(help: "Customers to store (one identify with five traits each) when the database does not exist yet.") var customers = 1_000_000
    @Option(help: "Searches per query.") var runs = 20
    @Option(help: "The database file; kept, so later runs reuse it.") var database = "tenure-search-bench.sqlite"

    func run() async throws {
        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory >> 30) GiB")
        if !FileManager.default.fileExists(atPath: database) {
            print("storing \(ProgressLine.grouped(customers)) customers with traits in \(database)…")
        }
        let result = try await TraitSearchBenchmark.run(path: database, customers: customers, runs: runs)
        if let load = result.loadSeconds {
            print(String(format: "stored %d customers in %.1f s (%.0f identify/s)", result.customers, load, Double(result.customers) / load))
        }
        print("\(ProgressLine.grouped(result.customers)) customers, database \(result.fileBytes >> 20) MiB")
        for m in result.searches {
            print(("\"" + m.query + "\"").padding(toLength: 26, withPad: " ", startingAt: 0)
                + String(format: " %3d matches  p50 %8.2f ms  max %8.2f ms", m.matches, m.p50Milliseconds, m.maxMilliseconds))
        }
        print(String(format: "the LIKE scan it replaced, for a text nobody has: %.1f ms", result.scanMilliseconds))
    }
}
