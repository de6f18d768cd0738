import Foundation
import Synchronization
import Testing
import TenureStore

/// Kills `tenure serve` with SIGKILL in the middle of a stream of batches and checks that every
/// batch that was answered 200 is in the store after the restart.
@Suite struct CrashDurabilityTests {
    @Test func everyAcknowledgedBatchSurvivesAKill() async throws {
        let folder = TemporaryFolder()
        let database = folder.path + "/crash.sqlite"
        let writeKey = try TenureBinary.run(["keys", "create", "--scope", "write", "--quiet", "--database", database])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let server = try ServerProcess(database: database)
        let acknowledged = Acknowledged()
        let url = server.baseURL + "/v1/batch"

        // Four senders stream 100-event batches; the server is killed while they are in flight.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for sender in 0..<4 {
                group.addTask {
                    for n in 0..<10_000 {
                        let ids = (0..<100).map { "s\(sender)-b\(n)-e\($0)" }
                        let items = ids.map { #"{"type":"track","userId":"crash-user-\#(sender)","event":"Tick","messageId":"\#($0)"}"# }
                        let body = Data(("{\"batch\":[" + items.joined(separator: ",") + "]}").utf8)
                        let status = await ServerProcess.post(url, writeKey: writeKey, body: body)
                        if status == 200 {
                            acknowledged.ids.withLock { $0.append(contentsOf: ids) }
                        } else {
                            return  // the server is gone
                        }
                    }
                }
            }
            group.addTask {
                // Let some batches through, then pull the plug mid-stream.
                while acknowledged.ids.withLock({ $0.count }) < 3_000 { try await Task.sleep(for: .milliseconds(20)) }
                server.kill()
            }
            try await group.waitForAll()
        }

        let ids = acknowledged.ids.withLock { $0 }
        #expect(ids.count >= 3_000)
        // Restart: the server must come up on the same file, and nothing acknowledged may be missing.
        let restarted = try ServerProcess(database: database)
        restarted.stop()
        let store = try SQLiteStore(path: database)
        var missing = 0
        for id in ids where try await !store.hasMessage(id: id) { missing += 1 }
        #expect(missing == 0, "\(missing) of \(ids.count) acknowledged events were lost")
    }
}

/// Message ids the server answered 200 for, shared by the sending tasks.
final class Acknowledged: Sendable {
    let ids = Mutex<[String]>([])
}
