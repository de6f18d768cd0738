import Foundation
import Testing
import TenureCore
import TenureStore

/// Segment's official Python client (`segment-analytics-python`), pointed at a live `tenure serve`
/// with its `host` option, lands its identify and track calls in the store.
@Suite struct SegmentClientTests {
    @Test func officialPythonClientLandsEvents() async throws {
        guard Peer.pythonModule("segment.analytics", install: "pip install segment-analytics-python==2.4.0") else { return }
        let folder = TemporaryFolder()
        let database = folder.path + "/segment.sqlite"
        let writeKey = try TenureBinary.run(["keys", "create", "--scope", "write", "--quiet", "--database", database])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let server = try ServerProcess(database: database)
        defer { server.stop() }

        #expect(try Peer.runScript("e2e/segment_client.py", [server.baseURL, writeKey]) == 0)

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
