import Foundation
import Testing
import TenureCore
import TenureStore

/// Segment's official Python client (`segment-analytics-python`), pointed at a live `tenure serve`
/// with its `host` option, lands its identify and track calls in the store.
@Suite struct SegmentClientTests {
    static var clientInstalled: Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import segment.analytics"]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    @Test func officialPythonClientLandsEvents() async throws {
        guard Self.clientInstalled else {
            if ProcessInfo.processInfo.environment["TENURE_REQUIRE_CROSSCHECKS"] == "1" {
                Issue.record("segment-analytics-python is not installed (pip install segment-analytics-python)")
            } else {
                print("skipped: segment-analytics-python is not installed")
            }
            return
        }
        let folder = TemporaryFolder()
        let database = folder.path + "/segment.sqlite"
        let writeKey = try TenureBinary.run(["keys", "create", "--scope", "write", "--quiet", "--database", database])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let server = try ServerProcess(database: database)
        defer { server.stop() }

        var script = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { script.deleteLastPathComponent() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.appendingPathComponent("scripts/e2e/segment_client.py").path, server.baseURL, writeKey]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)

        let store = try SQLiteStore(path: database)
        let customer = try #require(try await store.customer(userId: "py-user-1"))
        #expect(customer.traits["email"] == "py@example.com")
        #expect(customer.aliases == ["py-anon-1"])
        let events = try await store.events(customerId: customer.id, limit: 10)
        #expect(events.map(\.kind).contains(.track) && events.map(\.kind).contains(.page))
        #expect(events.first { $0.name == "Order Completed" }?.revenue == 42.5)
        let counts = try await store.counts()
        #expect(counts.events == 4 && counts.orders == 1 && counts.anonymousVisitors == 1)
    }
}
