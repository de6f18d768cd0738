import Foundation
import GRDB
import Testing
import TenureCore
@testable import TenureStore

@Suite struct WALCheckpointerTests {
    /// Many commits in a row: the pages go back into the file on the checkpointer's connection,
    /// the log stays near the writer's limit instead of growing, and everything reads back after
    /// a reopen.
    @Test func checkpointsRunBesideTheWriterAndTheLogStaysBounded() async throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/t.sqlite"
        let store = try SQLiteStore(path: path, checkpointFrames: (background: 40, writer: 160))
        let checkpointer = try #require(store.checkpointer)
        let payload: [String: JSONValue] = ["note": .string(String(repeating: "x", count: 1_000))]
        var largestLog = 0
        for commit in 0..<120 {
            let batch = (0..<40).map { i in
                track("m\(commit)-\(i)", user: "u\((commit * 40 + i) % 2_000)", "Viewed", "2026-01-01T00:00:00Z", payload)
            }
            _ = try await store.ingest([batch])
            largestLog = max(largestLog, (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0)
        }
        checkpointer.waitUntilIdle()
        #expect(checkpointer.backgroundRuns > 0)
        // 160 pages, plus the commits that cross the limit while a background checkpoint holds
        // the lock: far below the 120 commits' own size, and below the 1,000
        // pages at which SQLite's own checkpoint would have started.
        let frame = 4096 + 24
        #expect(largestLog < 1_000 * frame)
        let written = try await DatabaseQueue(path: path).read { db in
            (try Int.fetchOne(db, sql: "SELECT sum(events) FROM event_block") ?? 0, try String.fetchOne(db, sql: "PRAGMA integrity_check"))
        }
        #expect(written.0 == 4_800 && written.1 == "ok")
        let reopened = try SQLiteStore(path: path)
        #expect(try await reopened.counts().events == 4_800)
        #expect(try await reopened.counts().customers == 2_000)
    }
}
