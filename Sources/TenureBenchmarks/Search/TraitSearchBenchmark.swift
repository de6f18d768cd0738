import Foundation
import GRDB
import TenureCore
import TenureStore

/// `tenure bench search`: the dashboard's customer search on a store of many customers with
/// traits, through the trigram index, beside the full `LIKE` scan of every customer's traits it
/// replaced.
public enum TraitSearchBenchmark {
    public struct Measurement: Sendable {
        public var query: String
        public var matches: Int
        public var p50Milliseconds: Double
        public var maxMilliseconds: Double
    }

    public struct Result: Sendable {
        /// Seconds to store the customers (one `identify` each), or nil when the file existed.
        public var loadSeconds: Double?
        public var customers: Int
        public var fileBytes: Int64
        public var searches: [Measurement]
        /// The scan the index replaced, for a text no customer has (every row read).
        public var scanMilliseconds: Double
    }

    /// Traits of synthetic customer `i`: e-mail, name, plan, city and a signup number.
    static func traits(_ i: Int) -> [String: JSONValue] {
        let first = ["ada", "grace", "alan", "edsger", "barbara", "donald", "frances", "ken", "margaret", "niklaus"][i % 10]
        let last = ["lovelace", "hopper", "turing", "dijkstra", "liskov", "knuth", "allen", "thompson", "hamilton", "wirth"][(i / 10) % 10]
        return [
            "email": .string("\(first).\(last)\(i)@example.com"), "name": .string("\(first.capitalized) \(last.capitalized)"),
            "plan": .string(["free", "basic", "pro", "enterprise"][i % 4]), "city": .string(["Lisbon", "Zürich", "Osaka", "Lagos", "Lima"][i % 5]),
            "signup": .number(Double(100_000 + i)),
        ]
    }

    /// Fills `path` with `customers` customers (unless it already holds a store) and times `runs`
    /// searches of each query.
    public static func run(path: String, customers: Int, runs: Int, progress: @Sendable (Int) -> Void = { _ in }) async throws -> Result {
        let existed = FileManager.default.fileExists(atPath: path)
        let store = try SQLiteStore(path: path)
        let clock = ContinuousClock()
        var loadSeconds: Double?
        if !existed {
            let start = clock.now
            let batch = 20_000
            for low in stride(from: 0, to: customers, by: batch) {
                let messages = (low..<min(customers, low + batch)).map { i in
                    Message(
                        kind: .identify, messageId: "bench-identify-\(i)", userId: "user\(i)",
                        timestamp: Date(timeIntervalSince1970: 1_760_000_000 + Double(i)), traits: traits(i))
                }
                _ = try await store.ingest([messages])
                progress(min(customers, low + batch))
            }
            loadSeconds = (clock.now - start).inSeconds
        }
        let count = try await store.counts().customers
        let middle = count / 2
        let queries = [
            "user\(middle)",  // exact user id
            "user12345",  // id prefix
            "lovelace\(middle)@",  // one customer's e-mail, by a part of it
            "Zürich",  // a common trait value: the first 50
            "Enterprise",  // case-insensitive
            "no such trait value",  // matches nobody
            "@",  // one character: scanned, stops at the first 50
        ]
        var searches: [Measurement] = []
        for query in queries {
            var times: [Double] = []
            var matches = 0
            for _ in 0..<max(runs, 1) {
                let start = clock.now
                matches = try await store.searchCustomers(query, limit: 50).count
                times.append((clock.now - start).inSeconds * 1000)
            }
            times.sort()
            searches.append(Measurement(query: query, matches: matches, p50Milliseconds: times[times.count / 2], maxMilliseconds: times.last ?? 0))
        }
        // The scan reads the file through a connection of its own: the store keeps its own private.
        var configuration = Configuration()
        configuration.readonly = true
        let reader = try DatabaseQueue(path: path, configuration: configuration)
        let scanStart = clock.now
        _ = try await reader.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM customer WHERE traits LIKE '%no such trait value%' ORDER BY id LIMIT 50")
        }
        let scan = (clock.now - scanStart).inSeconds * 1000
        let size = ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.int64Value ?? 0
        return Result(loadSeconds: loadSeconds, customers: count, fileBytes: size, searches: searches, scanMilliseconds: scan)
    }
}
