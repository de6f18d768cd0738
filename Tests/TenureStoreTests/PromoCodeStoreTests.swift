import Foundation
import GRDB
import Testing
import TenureCore
import TenureStore

/// Promo codes in the SQLite store: given inside the step commit (once per enrolment and step,
/// however often the commit is retried), pools, and redemptions read back once with the event cursor.
@Suite("Promo codes in the store")
struct PromoCodeStoreTests {
    /// Now, to the second (ingestion refuses events far from the real time).
    let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))

    static func journey(_ promo: String, name: String = "Win-back") throws -> JourneyDefinition {
        try JourneyDefinition(jsonData: Data(#"""
            {"name": "\#(name)", "holdout": 0, "trigger": {"event": "Offer Eligible"},
             "steps": [{"id": "code", "promo_code": \#(promo)},
                       {"id": "offer", "send": {"channel": "webhook", "template": "offer"}}]}
            """#.utf8))
    }

    func track(_ store: SQLiteStore, _ user: String, _ name: String, id: String = UUID().uuidString, properties: [String: JSONValue] = [:]) async throws {
        _ = try await store.ingest([[Message(kind: .track, messageId: id, userId: user, name: name, timestamp: now, properties: properties)]])
    }

    /// Enrols the users (one `Offer Eligible` each) and reads the engine's runs of their due steps,
    /// not yet committed.
    func runs(_ store: SQLiteStore, users: [String], at time: Date? = nil) async throws -> [JourneyStepCommit] {
        _ = try await store.ingest([users.map { Message(kind: .track, messageId: "eligible-\($0)", userId: $0, name: "Offer Eligible", timestamp: now) }])
        _ = try await store.processEvents(journeys: try await store.journeys(includingArchived: false), limit: 100_000, at: now, globalControlShare: 0)
        var commits: [JourneyStepCommit] = []
        for e in try await store.dueEnrolments(at: now, limit: 100_000) {
            let definition = try #require(try await store.journeyDefinition(id: e.journeyId, version: e.version))
            let advance = JourneyEngine(definition).advance(
                e.progress, context: .init(now: time ?? now, timeZone: TimeZone(identifier: "UTC")!, enrolmentKey: "\(e.id)", condition: { _ in false }))
            commits.append(JourneyStepCommit(enrolment: e, journey: definition, advance: advance))
        }
        return commits
    }

    /// The pending messages' `promo_code` objects by user id (nil: the message carries none).
    func payloadCodes(_ store: SQLiteStore) async throws -> [String: JSONValue?] {
        var out: [String: JSONValue?] = [:]
        for m in try await store.pendingOutbox(at: now.addingTimeInterval(60), limit: 100_000) {
            let o = try #require(try JSONParser.parse(m.payload).objectValue)
            out[try #require(o["customer"]?["user_id"]?.stringValue)] = .some(o["promo_code"])
        }
        return out
    }

    @Test("a commit retried, or replayed after its enrolment was put back, gives the same one code, and its message carries it")
    func retriedCommit() async throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/t.sqlite"
        let store = try SQLiteStore(path: path)
        let journey = try await store.saveJourney(try Self.journey(#"{"generate": {"prefix": "WB-", "length": 8}, "offer": "20% off"}"#), by: "t")
        let commits = try await runs(store, users: ["a"])
        #expect(try await store.commitSteps(commits, at: now) == 1)
        #expect(try await store.commitSteps(commits, at: now) == 0)
        // A replay: the enrolment back where it was before the commit (as a lost acknowledgement
        // followed by a retry would leave it), and the same run committed again.
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in try db.execute(sql: "UPDATE journey_enrolment SET step = 0, steps_taken = 0, state = 'active', ended_at = NULL") }
        #expect(try await store.commitSteps(commits, at: now.addingTimeInterval(5)) == 1)
        let codes = try await store.issuedPromoCodes(journeyId: journey.id)
        #expect(codes.count == 1)
        let code = try #require(codes.first)
        #expect(code.code.hasPrefix("WB-") && code.code.count == 11 && code.pool == nil && code.sequence == 1 && code.offer == "20% off")
        #expect(code.expiresAt == now.addingTimeInterval(30 * 86_400))
        #expect(try await payloadCodes(store) == ["a": .some(["code": .string(code.code), "expires_at": .string(ISO8601Timestamp.format(code.expiresAt)), "offer": "20% off"])])
        #expect(try await store.journeyCounts(id: journey.id, at: now).promoCodes == JourneyReport.PromoCodes(issued: 1))
    }

    @Test("a pool gives its codes in upload order, one per customer; when it runs out the message goes without a code and the report counts the shortfall")
    func poolExhaustion() async throws {
        let store = try SQLiteStore.inMemory()
        let upload = try await store.uploadPromoCodes(try PromoCodeList(text: "code\nFIRST\nSECOND\n"), pool: "WINBACK20", at: now)
        #expect(upload == PromoCodeUpload(pool: "WINBACK20", added: 2, total: 2, remaining: 2))
        let journey = try await store.saveJourney(try Self.journey(#"{"pool": "WINBACK20"}"#), by: "t")
        #expect(try await store.commitSteps(try await runs(store, users: ["a", "b", "c"]), at: now) == 3)
        let given = try await store.issuedPromoCodes(journeyId: journey.id)
        #expect(given.map(\.code) == ["FIRST", "SECOND"] && given.allSatisfy { $0.pool == "WINBACK20" })
        let payloads = try await payloadCodes(store)
        #expect(payloads.count == 3)
        #expect(Set(payloads.values.compactMap { $0?["code"]?.stringValue }) == ["FIRST", "SECOND"])
        #expect(payloads.values.filter { $0 == nil }.count == 1)
        let counts = try await store.journeyCounts(id: journey.id, at: now)
        #expect(counts.promoCodes == JourneyReport.PromoCodes(issued: 2, poolExhausted: 1))
        #expect(try await store.promoPools() == [PromoPoolSummary(name: "WINBACK20", total: 2, issued: 2, redeemed: 0, remaining: 0)])
    }

    @Test("an upload refuses a code already stored, with its line, and stores none of the upload; a bad pool name is refused")
    func uploadRefusals() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.uploadPromoCodes(try PromoCodeList(text: "AAA\nBBB\n"), pool: "P", at: now)
        await #expect(throws: PromoCodeStoreError.alreadyStored(code: "bbb", unit: "line", line: 3, pool: "P")) {
            try await store.uploadPromoCodes(try PromoCodeList(text: "CCC\n\nbbb\n"), pool: "Q", at: now)
        }
        await #expect(throws: PromoCodeStoreError.invalidPoolName(" ")) {
            try await store.uploadPromoCodes(try PromoCodeList(text: "DDD\n"), pool: " ", at: now)
        }
        // Nothing of the refused upload was kept, not even its new pool.
        #expect(try await store.promoPools() == [PromoPoolSummary(name: "P", total: 2, issued: 0, redeemed: 0, remaining: 2)])
    }

    @Test("an order's coupon redeems the code once (trimmed, any case), also across a reopen of the store; later uses count nothing")
    func redemptionOnce() async throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/t.sqlite"
        var store = try SQLiteStore(path: path)
        let journey = try await store.saveJourney(try Self.journey(#"{"generate": {"length": 8}}"#), by: "t")
        _ = try await store.commitSteps(try await runs(store, users: ["a"]), at: now)
        let code = try #require(try await store.issuedPromoCodes(journeyId: journey.id).first).code
        let journeys = try await store.journeys(includingArchived: false)
        try await track(store, "a", StandardEvent.orderCompleted, id: "order-1", properties: ["coupon": .string("  \(code.lowercased()) "), "total": 40])
        // Reopened before the event pass, as after a restart.
        store = try SQLiteStore(path: path)
        #expect(try await store.processEvents(journeys: journeys, limit: 1000, at: now, globalControlShare: 0).promoCodesRedeemed == 1)
        try await track(store, "a", StandardEvent.orderCompleted, id: "order-2", properties: ["coupon": .string(code)])
        #expect(try await store.processEvents(journeys: journeys, limit: 1000, at: now, globalControlShare: 0).promoCodesRedeemed == 0)
        store = try SQLiteStore(path: path)
        try await track(store, "a", StandardEvent.orderCompleted, id: "order-3", properties: ["coupon": .string(code)])
        #expect(try await store.processEvents(journeys: journeys, limit: 1000, at: now, globalControlShare: 0).promoCodesRedeemed == 0)
        let read = try #require(try await store.issuedPromoCodes(journeyId: journey.id).first)
        #expect(read.redeemedBy == "order-1" && read.redeemedAt == now && !read.redeemedAfterExpiry && !read.redeemedByOtherCustomer)
        #expect(try await store.journeyCounts(id: journey.id, at: now).promoCodes == JourneyReport.PromoCodes(issued: 1, redeemed: 1))
    }

    @Test("a use after expiry is recorded as expired, not redeemed; a use by another customer is recorded and flagged")
    func lateAndForeignUses() async throws {
        let store = try SQLiteStore.inMemory()
        let journey = try await store.saveJourney(try Self.journey(#"{"generate": {"length": 8}, "expires_days": 1}"#), by: "t")
        // Given two days ago: expired a day ago.
        let commits = try await runs(store, users: ["late", "owner"])
        let late = try #require(commits.first { $0.enrolment.userId == "late" })
        let owner = try #require(commits.first { $0.enrolment.userId == "owner" })
        #expect(try await store.commitSteps([late], at: now.addingTimeInterval(-2 * 86_400)) == 1)
        #expect(try await store.commitSteps([owner], at: now) == 1)
        let codes = Dictionary(uniqueKeysWithValues: try await store.issuedPromoCodes(journeyId: journey.id).map { ($0.enrolmentId, $0.code) })
        try await track(store, "late", StandardEvent.orderCompleted, id: "late-order", properties: ["coupon": .string(codes[late.enrolment.id]!)])
        try await track(store, "friend", StandardEvent.orderCompleted, id: "friend-order", properties: ["coupon": .string(codes[owner.enrolment.id]!)])
        // An order from before the code was given (history imported late) is no use of it.
        _ = try await store.ingest([[Message(
            kind: .track, messageId: "old-order", userId: "owner", name: StandardEvent.orderCompleted, timestamp: now.addingTimeInterval(-3 * 86_400),
            properties: ["coupon": .string(codes[owner.enrolment.id]!)])]])
        let pass = try await store.processEvents(journeys: try await store.journeys(includingArchived: false), limit: 1000, at: now, globalControlShare: 0)
        #expect(pass.promoCodesRedeemed == 1)
        let read = Dictionary(uniqueKeysWithValues: try await store.issuedPromoCodes(journeyId: journey.id).map { ($0.enrolmentId, $0) })
        #expect(read[late.enrolment.id]?.redeemedAfterExpiry == true && read[late.enrolment.id]?.redeemedBy == "late-order")
        #expect(read[owner.enrolment.id]?.redeemedByOtherCustomer == true && read[owner.enrolment.id]?.redeemedByCustomer != owner.enrolment.customerId)
        #expect(try await store.journeyCounts(id: journey.id, at: now).promoCodes
            == JourneyReport.PromoCodes(issued: 2, redeemed: 1, usedAfterExpiry: 1, usedByOtherCustomer: 1))
    }

    @Test("10,000 generated codes of 6 characters are unique, of the alphabet, each with its own customer")
    func tenThousandUnique() async throws {
        let store = try SQLiteStore.inMemory()
        let journey = try await store.saveJourney(try Self.journey(#"{"generate": {"prefix": "T-", "length": 6}}"#), by: "t")
        let commits = try await runs(store, users: (0..<10_000).map { "u\($0)" })
        #expect(commits.count == 10_000)
        #expect(try await store.commitSteps(commits, at: now) == 10_000)
        let codes = try await store.issuedPromoCodes(journeyId: journey.id)
        #expect(codes.count == 10_000)
        #expect(Set(codes.map(\.code)).count == 10_000)
        #expect(Set(codes.map(\.customerId)).count == 10_000)
        #expect(codes.allSatisfy { $0.code.count == 8 && $0.code.hasPrefix("T-") && $0.code.dropFirst(2).allSatisfy(JourneyPromoCode.alphabet.contains) })
    }
}
