import Foundation
import Synchronization
import Testing
import TenureStore

/// Kills `tenure serve` with SIGKILL in the middle of a stream of batches and checks that every
/// batch that was answered 200 is in the store after the restart; kills `tenure import` in the
/// middle of a file and checks the store is as before it.
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

    /// A bulk import writes through a rollback journal when it has the file to itself: killed
    /// mid-file, it leaves a hot journal that the next open rolls back, so the store holds exactly
    /// what it held before, and the same file then imports whole.
    @Test func aKilledImportLeavesTheStoreAsItWas() async throws {
        let folder = TemporaryFolder()
        let database = folder.path + "/import.sqlite"
        let columns = ["import", "--database", database, "--customer-column", "customer_id", "--date-column", "date", "--amount-column", "amount"]
        let small = folder.path + "/small.csv"
        try Data("customer_id,date,amount\nc1,2026-01-01,5\nc2,2026-01-02,7\n".utf8).write(to: URL(fileURLWithPath: small))
        try TenureBinary.run(columns + [small])
        let large = folder.path + "/large.csv"
        var text = "customer_id,date,amount\n"
        for i in 0..<1_000_000 { text += "c\(i % 50_000),2026-0\(1 + i % 9)-\(10 + i % 18),\(i % 300).25\n" }
        try Data(text.utf8).write(to: URL(fileURLWithPath: large))

        // A shell starts the import and kills it once its journal exists and it has written a
        // while: the timing is the shell's, not this test task's (which a busy test run may not
        // schedule for seconds).
        let arguments = (columns + [large]).map { "'\($0)'" }.joined(separator: " ")
        let script = """
            '\(TenureBinary.path)' \(arguments) >/dev/null 2>&1 &
            pid=$!
            n=0
            while [ ! -f '\(database)-journal' ] && kill -0 $pid 2>/dev/null && [ $n -lt 6000 ]; do sleep 0.01; n=$((n+1)); done
            sleep 1
            if kill -0 $pid 2>/dev/null; then kill -9 $pid; echo killed; fi
            wait $pid
            """
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", script]
        let out = Pipe()
        shell.standardOutput = out
        try shell.run()
        let said = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        shell.waitUntilExit()
        #expect(said.contains("killed"), "the import finished before it could be killed")

        let store = try SQLiteStore(path: database)
        let counts = try await store.counts()
        #expect(counts.events == 2 && counts.customers == 2)
        #expect(try await store.customer(userId: "c1") != nil)
        let output = try TenureBinary.run(columns + [large])
        #expect(output.contains("1,000,000 stored"))
        #expect(try await store.counts().events == 1_000_002)
        #expect(try await store.counts().customers == 50_000)
    }
}

/// Message ids the server answered 200 for, shared by the sending tasks.
final class Acknowledged: Sendable {
    let ids = Mutex<[String]>([])
}
