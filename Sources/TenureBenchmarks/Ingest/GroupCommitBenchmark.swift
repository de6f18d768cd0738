import Foundation
import TenureCore
import TenureStore

/// `tenure bench ingest --stages`: the HTTP ingestion path's two CPU stages measured apart, on
/// one thread each, without HTTP or a load generator: parsing and preparing Segment batches
/// (what a request task does) and writing them as group commits (what the single SQLite writer does). The
/// batches are the ones `scripts/bench/segment_batch.lua` sends: 100 unique `Order Completed`
/// events each, for 100,000 users.
public enum GroupCommitBenchmark {
    public struct Result: Sendable {
        public var events: Int
        /// Seconds spent parsing and preparing all batches (the request tasks' part).
        public var parseSeconds: Double
        /// Seconds spent in the group commits (writing and fsync).
        public var writeSeconds: Double
        /// CPU seconds the process used while writing (the background checkpoint included).
        public var writeCPUSeconds: Double
        public var commits: Int
        public var parseMicrosPerEvent: Double { parseSeconds / Double(events) * 1e6 }
        public var writeMicrosPerEvent: Double { writeSeconds / Double(events) * 1e6 }
        public var writeCPUMicrosPerEvent: Double { writeCPUSeconds / Double(events) * 1e6 }
    }

    /// One batch body as the wrk script builds it: request `request` of connection `thread`.
    public static func batchBody(run: UInt32, thread: Int, request: Int) -> Data {
        var text = #"{"batch":["#
        for i in 1...100 {
            if i > 1 { text += "," }
            let id = "\(run)-\(thread)-\(request)-\(i)"
            text += #"{"type":"track","userId":"u\#((request * 131 + i) % 100_000)","event":"Order Completed","messageId":"\#(id)","#
            text += #""timestamp":"2026-01-01T00:00:00Z","properties":{"order_id":"\#(id)","total":\#(i).5,"currency":"USD"}}"#
        }
        return Data((text + "]}").utf8)
    }

    /// Parses `batches` batches and writes them into a fresh database at `database`,
    /// `batchesPerCommit` to a transaction (what the group commit gathers under load).
    public static func run(database: String, batches: Int, batchesPerCommit: Int) async throws -> Result {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        let store = try SQLiteStore(path: database)
        let run = UInt32.random(in: 0 ... .max)
        let bodies = (0..<batches).map { batchBody(run: run, thread: $0 % 2, request: $0 / 2) }
        let clock = ContinuousClock()
        var parsed: [PreparedMessages] = []
        parsed.reserveCapacity(batches)
        let parseStart = clock.now
        for body in bodies {
            parsed.append(PreparedMessages(try SegmentParser.parse(body: body, kind: nil, receivedAt: Date()).messages))
        }
        let parseTime = clock.now - parseStart
        var events = 0
        var commits = 0
        let writeStart = clock.now
        let cpuStart = processCPUSeconds()
        for start in stride(from: 0, to: parsed.count, by: batchesPerCommit) {
            let group = Array(parsed[start..<min(parsed.count, start + batchesPerCommit)])
            for outcome in try await store.ingest(group) { events += outcome.stored }
            commits += 1
        }
        let writeTime = clock.now - writeStart
        return Result(
            events: events, parseSeconds: parseTime.inSeconds, writeSeconds: writeTime.inSeconds,
            writeCPUSeconds: processCPUSeconds() - cpuStart, commits: commits)
    }
}
