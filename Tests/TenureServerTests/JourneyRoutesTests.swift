import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TenureChannels
import TenureCore
import TenureServer
import TenureStore

/// `/api/v1/journeys` over the app's router, with the scheduler run on a manual clock.
@Suite("Journeys over the API")
struct JourneyRoutesTests {
    func object(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
    }

    @Test("a refused document names its step and field; create, list, pause, resume, report with treatment against control")
    func routes() async throws {
        let server = try await TestServer()
        let clock = ManualWallClock(Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)))
        var fields = server.bearerAdmin
        fields[.contentType] = "application/json"
        let headers = fields
        let router = buildRouter(store: server.store, logger: Logger(label: "test"), clock: clock)
        let channel = RecordingChannel()
        let scheduler = JourneyScheduler(store: server.store, cache: SnapshotCache(store: server.store), clock: clock, logger: Logger(label: "test"))
        let dispatcher = OutboxDispatcher(store: server.store, channels: ["webhook": channel], webhookSteps: nil, clock: clock, logger: Logger(label: "test"))
        let document = #"""
            {"name": "Win-back", "holdout": 0.5, "trigger": {"event": "Slipping"}, "goal": {"event": "Order Completed", "within_days": 7},
             "steps": [{"id": "offer", "send": {"channel": "webhook", "template": "offer"}}]}
            """#
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/api/v1/journeys", method: .post, headers: headers,
                                     body: ByteBuffer(string: document.replacingOccurrences(of: #""template": "offer""#, with: #""templat": "offer""#))) { r in
                #expect(r.status == .badRequest)
                let e = try object(r.body)
                #expect(e["code"] as? String == "invalid_journey" && e["path"] as? String == #"steps[0] "offer".send.templat"#)
            }
            try await client.execute(uri: "/api/v1/journeys", method: .post, headers: headers, body: ByteBuffer(string: document)) { r in
                #expect(r.status == .created)
                let o = try object(r.body)
                #expect(o["version"] as? Int == 1)
            }
            try await client.execute(uri: "/api/v1/journeys", method: .post, headers: headers, body: ByteBuffer(string: document)) { r in
                #expect(r.status == .ok)
                let o = try object(r.body)
                #expect(o["version"] as? Int == 2)
            }
            try await client.execute(uri: "/api/v1/journeys", method: .get, headers: [:]) { r in #expect(r.status == .unauthorized) }
            try await client.execute(uri: "/api/v1/journeys/Win-back/pause", method: .post, headers: headers) { r in
                let o = try object(r.body)
                #expect(o["status"] as? String == "paused")
            }
            try await client.execute(uri: "/api/v1/journeys/Win-back/resume", method: .post, headers: headers) { r in
                let o = try object(r.body)
                #expect(o["status"] as? String == "active")
            }
            // 400 customers slip; treated ones buy more often (every second one) than control (every fifth).
            var messages: [Message] = []
            for i in 0..<400 {
                messages.append(Message(kind: .track, messageId: "slip-\(i)", userId: "c\(i)", name: "Slipping", timestamp: clock.now()))
            }
            _ = try await server.store.ingest([messages])
            try await scheduler.runOnce()
            try await dispatcher.dispatchOnce()
            clock.advance(by: 86_400)
            var orders: [Message] = []
            for i in 0..<400 {
                let treated = !JourneyHoldout.isHeldOut(customer: "c\(i)", journey: "Win-back", share: 0.5)
                if i % (treated ? 2 : 5) == 0 {
                    orders.append(Message(kind: .track, messageId: "o-\(i)", userId: "c\(i)", name: "Order Completed", timestamp: clock.now(),
                                          properties: ["order_id": .string("o-\(i)"), "total": 20]))
                }
            }
            _ = try await server.store.ingest([orders])
            try await scheduler.runOnce()
            clock.advance(by: 8 * 86_400)
            try await client.execute(uri: "/api/v1/journeys/Win-back/report", method: .get, headers: headers) { r in
                #expect(r.status == .ok)
                let report = try object(r.body)
                let arms = try #require(report["arms"] as? [String: [String: Any]])
                let treated = arms["treatment"]?["entered"] as? Int ?? 0, held = arms["holdout"]?["entered"] as? Int ?? 0
                #expect(treated + held == 400 && treated > 150 && held > 150)
                #expect((report["messages"] as? [String: Int])?["sent"] == treated)
                let conversion = try #require((report["uplift"] as? [String: Any])?["conversion"] as? [String: Any])
                let uplift = try #require(conversion["uplift"] as? Double)
                #expect(abs(uplift - 0.3) < 0.12, "true uplift 0.5 − 0.2 = 0.3")
                let interval = try #require(conversion["interval"] as? [String: Double])
                #expect(interval["lower"]! > 0 && interval["upper"]! < 0.6)
            }
            try await client.execute(uri: "/api/v1/journeys/Nope/report", method: .get, headers: headers) { r in #expect(r.status == .notFound) }
        }
        #expect(Set(channel.received.map(\.idempotencyKey)).count == channel.received.count)
    }

    @Test("dead letters: a message refused for good is listed with its error, and an admin's retry sends it again under the same key")
    func deadLetters() async throws {
        let server = try await TestServer()
        let clock = ManualWallClock(Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)))
        var fields = server.bearerAdmin
        fields[.contentType] = "application/json"
        let headers = fields
        let refusing = RecordingChannel { _ in .rejected("HTTP 410") }, accepting = RecordingChannel()
        let scheduler = JourneyScheduler(store: server.store, cache: SnapshotCache(store: server.store), clock: clock, logger: Logger(label: "test"))
        _ = try await server.store.saveJourney(
            try JourneyDefinition(jsonData: Data(#"{"name": "J", "holdout": 0, "trigger": {"event": "Go"}, "steps": [{"id": "s", "send": {"channel": "webhook", "template": "t"}}]}"#.utf8)),
            by: "t")
        _ = try await server.store.ingest([[Message(kind: .track, messageId: "go-1", userId: "a", name: "Go", timestamp: clock.now())]])
        try await scheduler.runOnce()
        try await OutboxDispatcher(store: server.store, channels: ["webhook": refusing], webhookSteps: nil, clock: clock, logger: Logger(label: "t")).dispatchOnce()
        try await Application(router: buildRouter(store: server.store, logger: Logger(label: "test"), clock: clock)).test(.router) { client in
            try await client.execute(uri: "/api/v1/outbox", method: .get, headers: headers) { r in
                let o = try object(r.body)
                #expect((o["counts"] as? [String: Int]) == ["failed": 1])
                let failed = try #require(o["failed"] as? [[String: Any]])
                #expect(failed.count == 1 && failed[0]["error"] as? String == "HTTP 410")
            }
            try await client.execute(uri: "/api/v1/outbox/retry", method: .post, headers: headers, body: ByteBuffer(string: "{}")) { r in
                #expect(r.status == .badRequest)
            }
            try await client.execute(uri: "/api/v1/outbox/retry", method: .post, headers: headers, body: ByteBuffer(string: #"{"all": true}"#)) { r in
                let o = try object(r.body)
                #expect(o["retried"] as? Int == 1)
            }
        }
        try await OutboxDispatcher(store: server.store, channels: ["webhook": accepting], webhookSteps: nil, clock: clock, logger: Logger(label: "t")).dispatchOnce()
        #expect(try await server.store.outboxCounts() == ["sent": 1])
        #expect(accepting.received.map(\.idempotencyKey) == refusing.received.map(\.idempotencyKey))
    }
}
