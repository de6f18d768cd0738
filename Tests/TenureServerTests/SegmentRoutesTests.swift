import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TenureCore
import TenureServer
import TenureStore

/// `/api/v1/segments` and the service that keeps membership live on an injected clock.
@Suite("Segments over the API and the live-membership service")
struct SegmentRoutesTests {
    static let day0 = ISO8601Timestamp.parse("2026-03-01T10:30:00Z")!

    func seed(_ store: SQLiteStore) async throws {
        var messages: [Message] = []
        for i in 0..<30 {
            let user = "c\(i)"
            messages.append(Message(kind: .identify, messageId: "i\(i)", userId: user, timestamp: Self.day0.addingTimeInterval(-40 * 86_400),
                                    traits: ["plan": .string(i % 3 == 0 ? "free" : "pro"), "name": .string("Customer \(i)")]))
            if i % 2 == 0 {
                messages.append(Message(kind: .track, messageId: "o\(i)", userId: user, name: "Order Completed",
                                        timestamp: Self.day0.addingTimeInterval(-Double(i) * 86_400),
                                        properties: ["order_id": .string("o\(i)"), "total": .number(Double(10 + i))]))
            }
        }
        _ = try await store.ingest([messages])
    }

    func router(_ server: TestServer, clock: any WallClock) -> Router<TenureRequestContext> {
        buildRouter(store: server.store, logger: Logger(label: "test"), clock: clock)
    }

    func json(_ object: [String: Any]) throws -> ByteBuffer {
        ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))
    }

    func object(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
    }

    @Test("create with an error names its line, column and token; then create, list, page members, export, count, delete")
    func routes() async throws {
        let server = try await TestServer()
        try await seed(server.store)
        let clock = ManualWallClock(Self.day0)
        var fields = server.bearerAdmin
        fields[.contentType] = "application/json"
        let headers = fields
        try await Application(router: router(server, clock: clock)).test(.router) { client in
            // A typo is refused with where it is.
            try await client.execute(uri: "/api/v1/segments", method: .post, headers: headers,
                                     body: try json(["name": "Recent", "where": "count(\"Order Completed\", last 30 dys) >= 1"])) { r in
                #expect(r.status == .badRequest)
                let e = try object(r.body)
                #expect(e["code"] as? String == "invalid_expression" && e["line"] as? Int == 1 && e["column"] as? Int == 34 && e["token"] as? String == "dys")
            }
            // Fixed, it is saved.
            let recent = #"count("Order Completed", last 30 days) >= 1 and trait("plan") = "pro""#
            try await client.execute(uri: "/api/v1/segments", method: .post, headers: headers,
                                     body: try json(["name": "Recent pro buyers", "where": recent, "description": "win-back"])) { r in
                #expect(r.status == .created)
                let saved = try object(r.body)
                #expect(saved["createdBy"] as? String == "a")
            }
            try await client.execute(uri: "/api/v1/segments", method: .post, headers: headers,
                                     body: try json(["name": "Recent pro buyers", "where": "recency < 3"])) { r in
                #expect(r.status == .conflict)
            }
            // The same segment in the JSON form is accepted too.
            try await client.execute(uri: "/api/v1/segments", method: .post, headers: headers,
                                     body: try json(["name": "Free", "definition": ["trait": "plan", "op": "=", "value": "free"]])) { r in
                #expect(r.status == .created)
            }
            // Members: even customers 0…28 bought i days ago; within 30 days and pro (i % 3 != 0).
            let expected = (0..<30).filter { $0 % 2 == 0 && $0 <= 29 && $0 % 3 != 0 }.map { "c\($0)" }
            try await client.execute(uri: "/api/v1/segments/Recent%20pro%20buyers/members?limit=3&offset=1", method: .get, headers: headers) { r in
                #expect(r.status == .ok)
                let page = try object(r.body)
                #expect(page["total"] as? Int == expected.count)
                let users = (page["members"] as? [[String: Any]])?.compactMap { $0["userId"] as? String }
                #expect(users.map(Set.init) == Set(expected.sorted { Int($0.dropFirst())! < Int($1.dropFirst())! }.dropFirst().prefix(3)))
            }
            try await client.execute(uri: "/api/v1/segments/Recent%20pro%20buyers/members?format=csv", method: .get, headers: headers) { r in
                let lines = String(buffer: r.body).split(separator: "\n")
                #expect(lines.first == "customer_id,user_id" && lines.count == expected.count + 1)
            }
            try await client.execute(uri: "/api/v1/segments/count", method: .post, headers: headers,
                                     body: try json(["where": #"in segment "Free" or in segment "Recent pro buyers""#])) { r in
                #expect(r.status == .ok)
                let preview = try object(r.body)
                #expect(preview["count"] as? Int == 10 + expected.count)
            }
            try await client.execute(uri: "/api/v1/segments/Nope", method: .get, headers: headers) { r in #expect(r.status == .notFound) }
            try await client.execute(uri: "/api/v1/segments", method: .get, headers: [:]) { r in #expect(r.status == .unauthorized) }
            try await client.execute(uri: "/api/v1/segments/Free", method: .delete, headers: headers) { r in #expect(r.status == .noContent) }
            try await client.execute(uri: "/api/v1/segments", method: .get, headers: headers) { r in
                let listing = try object(r.body)
                let names = (listing["segments"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
                #expect(names == ["Recent pro buyers"])
            }
        }
    }

    @Test("the service records entries, then exits when a window passes with time alone, and nothing in between")
    func service() async throws {
        let server = try await TestServer()
        try await seed(server.store)
        _ = try await server.store.createSegment(name: "Bought this fortnight", definition: #"count("Order Completed", last 14 days) >= 1"#, description: "", by: "t")
        let clock = ManualWallClock(Self.day0)
        let service = SegmentService(store: server.store, cache: SnapshotCache(store: server.store), scores: nil, clock: clock, logger: Logger(label: "test"))
        // Customers 0, 2, …, 12 bought within 14 days.
        let first = try #require(try await service.refreshIfNeeded())
        #expect(first[0].transitions.entered.count == 7)
        // Nothing new, the same hour: no evaluation at all, even once the snapshot cache has
        // refreshed and read the Segment Entered events the recording wrote.
        clock.advance(by: 20 * 60)
        try await Task.sleep(for: .milliseconds(1_100))
        #expect(try await service.refreshIfNeeded() == nil)
        // The next hour: evaluated, nothing changed.
        clock.advance(by: 40 * 60)
        #expect(try #require(try await service.refreshIfNeeded())[0].transitions.isEmpty)
        // Two days on, customers who bought 13 and 12 days before day 0 have left.
        clock.advance(by: 2 * 86_400)
        let later = try #require(try await service.refreshIfNeeded())
        #expect(later[0].transitions.exited.count == 1 && later[0].transitions.entered.isEmpty)  // c12 (13 is odd: no order)
        let c12 = try #require(try await server.store.customer(userId: "c12"))
        let names = try await server.store.events(customerId: c12.id, limit: 50).compactMap(\.name).filter { $0.hasPrefix("Segment ") }
        #expect(names == [StandardEvent.segmentEntered, StandardEvent.segmentExited])
    }
}
