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

/// A win-back journey that gives promo codes, run by the scheduler and the dispatcher on a manual
/// clock; the pools over the admin API.
@Suite("Journeys: promo codes end to end")
struct PromoCodeJourneyTests {
    static let start = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))

    static let winBack = #"""
        {"name": "Win-back", "holdout": 0.5, "trigger": {"event": "Offer Eligible"},
         "steps": [{"id": "code", "promo_code": {"generate": {"prefix": "WB-", "length": 8}, "expires_days": 30, "offer": "20% off your next order"}},
                   {"id": "offer", "send": {"channel": "webhook", "template": "win-back-offer"}},
                   {"id": "three days", "wait": {"days": 3}},
                   {"id": "reminder", "send": {"channel": "webhook", "template": "win-back-reminder"}}]}
        """#

    @Test("a win-back journey gives a code, sends it now and after the wait; the order with that coupon redeems it; the held-out customer gets nothing")
    func winBack() async throws {
        let store = try SQLiteStore.inMemory()
        let clock = ManualWallClock(Self.start)
        let channel = RecordingChannel()
        let cache = SnapshotCache(store: store)
        let scheduler = JourneyScheduler(store: store, cache: cache, clock: clock, logger: Logger(label: "test"))
        let dispatcher = OutboxDispatcher(store: store, channels: ["webhook": channel], webhookSteps: nil, clock: clock, logger: Logger(label: "test"))
        let journey = try await store.saveJourney(try JourneyDefinition(jsonData: Data(Self.winBack.utf8)), by: "test")
        // One treated customer and one held out, by the journey's stable hash.
        let users = (0..<100).map { "u\($0)" }
        let held = try #require(users.first { JourneyHoldout.isHeldOut(customer: $0, journey: "Win-back", share: 0.5) })
        let treated = try #require(users.first { !JourneyHoldout.isHeldOut(customer: $0, journey: "Win-back", share: 0.5) })
        func track(_ user: String, _ name: String, _ properties: [String: JSONValue] = [:]) async throws {
            _ = try await store.ingest([[Message(kind: .track, messageId: "\(name)-\(user)-\(UUID())", userId: user, name: name, timestamp: clock.now(), properties: properties)]])
        }
        for user in [held, treated] { try await track(user, "Offer Eligible") }
        #expect(try await scheduler.runOnce().runs == 2)
        #expect(try await dispatcher.dispatchOnce() == 1)
        let issued = try await store.issuedPromoCodes(journeyId: journey.id)
        let code = try #require(issued.first)
        #expect(issued.count == 1 && code.code.hasPrefix("WB-") && code.code.count == 11)
        #expect(code.expiresAt == Self.start.addingTimeInterval(30 * 86_400))

        clock.advance(by: 3 * 86_400)
        #expect(try await scheduler.runOnce().runs == 2)
        #expect(try await dispatcher.dispatchOnce() == 1)
        let expected: JSONValue = [
            "code": .string(code.code), "expires_at": .string(ISO8601Timestamp.format(code.expiresAt)), "offer": "20% off your next order",
        ]
        let messages = try channel.received.map { try #require(try JSONParser.parse($0.payload).objectValue) }
        #expect(messages.map { $0["template"]?.stringValue } == ["win-back-offer", "win-back-reminder"])
        #expect(messages.allSatisfy { $0["customer"]?["user_id"]?.stringValue == treated && $0["promo_code"] == expected })

        // The customer orders with the code, typed in lower case.
        clock.advance(by: 3600)
        try await track(treated, StandardEvent.orderCompleted, ["coupon": .string(code.code.lowercased()), "total": 50])
        let pass = try await scheduler.runOnce()
        #expect(pass.events.events >= 1)
        let report = try await store.journeyReport(journey, snapshot: try await cache.current(), at: clock.now())
        #expect(report.promoCodes == JourneyReport.PromoCodes(issued: 1, redeemed: 1))
        #expect(report.promoCodes.redemptionRate == 1)
        let counts = try await store.journeyCounts(id: journey.id, at: clock.now())
        #expect(counts.arms[.holdout]?.entered == 1 && counts.withheld == 2)
        #expect(try await store.issuedPromoCodes(journeyId: journey.id).map(\.customerId) == [code.customerId])
        #expect(try await store.issuedPromoCodes(journeyId: journey.id).first?.redeemedAt == clock.now())
    }

    func object(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
    }

    @Test("pools over the API: upload as a JSON list or as CSV text, a duplicate refused with its line, then the pools' counts; the report shows the codes")
    func poolRoutes() async throws {
        let server = try await TestServer()
        let admin = server.bearerAdmin
        let router = buildRouter(store: server.store, logger: Logger(label: "test"))
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/api/v1/promo-pools/WINBACK20/codes", method: .post, headers: admin, body: ByteBuffer(string: #"["A1", "B2"]"#)) { r in
                #expect(r.status == .created)
                let o = try object(r.body)
                #expect(o["added"] as? Int == 2 && o["total"] as? Int == 2 && o["remaining"] as? Int == 2)
            }
            try await client.execute(uri: "/api/v1/promo-pools/WINBACK20/codes", method: .post, headers: admin, body: ByteBuffer(string: "code,value\nC3,20\n\nb2,10\n")) { r in
                #expect(r.status == .badRequest)
                let o = try object(r.body)
                #expect(o["code"] as? String == "invalid_promo_codes" && o["line"] as? Int == 4)
                #expect((o["message"] as? String)?.contains("already stored") == true)
            }
            try await client.execute(uri: "/api/v1/promo-pools/Other/codes", method: .post, headers: admin, body: ByteBuffer(string: #"["X", 5]"#)) { r in
                #expect(r.status == .badRequest)
                let o = try object(r.body)
                #expect(o["line"] as? Int == 2)
            }
            try await client.execute(uri: "/api/v1/promo-pools/WINBACK20/codes", method: .post, headers: [:], body: ByteBuffer(string: "Z")) { r in
                #expect(r.status == .unauthorized)
            }
            try await client.execute(uri: "/api/v1/promo-pools", method: .get, headers: admin) { r in
                #expect(r.status == .ok)
                let o = try object(r.body)
                let pools = try #require(o["pools"] as? [[String: Any]])
                #expect(pools.count == 1)
                #expect(pools.first?["name"] as? String == "WINBACK20" && pools.first?["total"] as? Int == 2 && pools.first?["remaining"] as? Int == 2)
                #expect(pools.first?["issued"] as? Int == 0 && pools.first?["redeemed"] as? Int == 0)
            }
            let document = #"{"name": "Codes", "holdout": 0, "trigger": {"event": "Go"}, "steps": [{"id": "code", "promo_code": {"pool": "WINBACK20"}}]}"#
            try await client.execute(uri: "/api/v1/journeys", method: .post, headers: admin, body: ByteBuffer(string: document)) { r in
                #expect(r.status == .created)
            }
            try await client.execute(uri: "/api/v1/journeys/Codes/report", method: .get, headers: admin) { r in
                #expect(r.status == .ok)
                let o = try object(r.body)
                let uplift = try #require(o["uplift"] as? [String: Any])
                let promo = try #require(uplift["promoCodes"] as? [String: Any])
                #expect(promo["issued"] as? Int == 0 && promo["redeemed"] as? Int == 0 && promo["poolExhausted"] as? Int == 0)
            }
        }
    }
}
