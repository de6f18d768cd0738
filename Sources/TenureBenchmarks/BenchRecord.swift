import Foundation

/// The machine-readable record of a benchmark run (`tenure bench all --json FILE`,
/// `tenure bench ingest --json FILE`): the machine, the commit, and for each benchmark its
/// figures, its peer's figures from the same run and their ratios. Its shape is
/// `scripts/bench/record.schema.json`; `scripts/bench/render_benchmarks.py` turns it into the
/// tables of BENCHMARKS.md.
public struct BenchRecord: Codable, Sendable {
    public struct Machine: Codable, Sendable {
        public var cores: Int
        public var memoryBytes: UInt64
        public var system: String
    }

    /// The peer measured beside Tenure in the same run, on the same data.
    public struct Peer: Codable, Sendable {
        /// What was run, such as `duckdb read_csv`.
        public var name: String
        public var figures: [String: Double]

        public init(name: String, figures: [String: Double]) {
            self.name = name
            self.figures = figures
        }
    }

    public struct Entry: Codable, Sendable {
        /// A stable name, such as `ingest.import`.
        public var name: String
        /// The command that measures it alone.
        public var command: String
        /// The 1-minute load average just before it ran.
        public var loadAverageBefore: Double?
        /// Tenure's figures, each named with its unit (`seconds`, `rows_per_second`, `_ms`, `_mib`).
        public var figures: [String: Double]
        public var peer: Peer?
        /// Tenure's figure ÷ the peer's, for each figure both have (higher is better for Tenure
        /// when the figure is a rate, lower when it is a time).
        public var ratios: [String: Double]
    }

    public var schema = "tenure-bench-record/1"
    public var commit: String?
    public var startedAt: String
    public var quick: Bool
    /// `debug` or `release`: how the benchmarks were compiled.
    public var build: String
    /// The command that wrote the record, such as `tenure bench all --quick --json record.json`.
    public var command: String
    public var machine: Machine
    public var benchmarks: [Entry] = []

    /// An empty record of this machine and the checkout's commit; `quick` says the benchmarks
    /// ran at the sizes that only check they work.
    public init(quick: Bool) {
        self.quick = quick
        startedAt = ISO8601DateFormatter().string(from: Date())
        build = BenchMachine.build
        command = (["tenure"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        machine = Machine(
            cores: ProcessInfo.processInfo.activeProcessorCount, memoryBytes: ProcessInfo.processInfo.physicalMemory,
            system: ProcessInfo.processInfo.operatingSystemVersionString)
        commit = BenchPeers.checkout.flatMap { BenchPeers.run(["git", "-C", $0.path, "rev-parse", "HEAD"]) }?
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Adds an entry; `ratios` are computed for the figure names Tenure and the peer share.
    public mutating func add(
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

    /// Writes the record as JSON (snake-case keys, sorted) to `path`.
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }
}
