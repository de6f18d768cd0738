import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The machine-readable record of a benchmark run (`tenure bench all --json FILE`,
/// `tenure bench ingest --json FILE`): the machine, the commit, and for each benchmark its
/// figures, its peer's figures from the same run and their ratios. Its shape is
/// `scripts/bench/record.schema.json`.
struct BenchRecord: Codable {
    struct Machine: Codable {
        var cores: Int
        var memoryBytes: UInt64
        var system: String
    }

    struct Peer: Codable {
        var name: String
        var figures: [String: Double]
    }

    struct Entry: Codable {
        /// A stable name, such as `ingest.import`.
        var name: String
        /// The command that measures it alone.
        var command: String
        /// The 1-minute load average just before it ran.
        var loadAverageBefore: Double?
        var figures: [String: Double]
        var peer: Peer?
        /// Tenure's figure ÷ the peer's, for each figure both have (higher is better for Tenure
        /// when the figure is a rate).
        var ratios: [String: Double]
    }

    var schema = "tenure-bench-record/1"
    var commit: String?
    var startedAt: String
    var quick: Bool
    var machine: Machine
    var benchmarks: [Entry] = []

    init(quick: Bool) {
        self.quick = quick
        startedAt = ISO8601DateFormatter().string(from: Date())
        machine = Machine(
            cores: ProcessInfo.processInfo.activeProcessorCount, memoryBytes: ProcessInfo.processInfo.physicalMemory,
            system: ProcessInfo.processInfo.operatingSystemVersionString)
        commit = BenchPeers.checkout.flatMap { runTool(["git", "-C", $0.path, "rev-parse", "HEAD"]) }?
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Adds an entry; `ratios` are computed for the figure names Tenure and the peer share.
    mutating func add(
        _ name: String, command: String, loadAverageBefore: Double?, figures: [String: Double], peer: Peer? = nil
    ) {
        var ratios: [String: Double] = [:]
        if let peer {
            for (key, value) in figures {
                if let other = peer.figures[key], other != 0 { ratios[key] = value / other }
            }
        }
        benchmarks.append(
            Entry(name: name, command: command, loadAverageBefore: loadAverageBefore, figures: figures, peer: peer, ratios: ratios))
    }

    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }

    /// The 1-minute load average now.
    static func loadAverage() -> Double? {
        var load = 0.0
        return getloadavg(&load, 1) == 1 ? load : nil
    }
}
