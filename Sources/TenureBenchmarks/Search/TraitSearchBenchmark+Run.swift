import Foundation
import TenureCore

extension TraitSearchBenchmark {
    /// Runs `tenure bench search` on the store at `database` (filled with `customers` customers
    /// when it does not exist yet), `runs` searches a query, printing each figure.
    public static func report(database: String, customers: Int, runs: Int) async throws {
        print(BenchMachine.summary)
        if !FileManager.default.fileExists(atPath: database) {
            print("storing \(ProgressLine.grouped(customers)) customers with traits in \(database)…")
        }
        let result = try await run(path: database, customers: customers, runs: runs)
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
