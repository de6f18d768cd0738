import Foundation
import Testing
import TenureCore
import TenureStore

/// Saved segments and their recorded membership: entry and exit events exactly once, across a
/// restart and across merges, and never counted as activity.
@Suite("Saved segments and live membership")
struct SegmentStoreTests {
    static let buyers = #"count("Order Completed", ever) >= 1"#
    static let now = at("2026-03-01T12:00:00Z")

    func order(_ id: String, user: String?, anon: String? = nil, _ time: String) -> Message {
        track(id, user: user, anon: anon, "Order Completed", time, ["order_id": .string("o-" + id), "total": 10])
    }

    func refresh(_ store: SQLiteStore, at time: Date = now) async throws -> [SegmentMembershipOutcome] {
        try await SegmentMembership.refresh(store: store, snapshot: try await store.activitySnapshot(), scores: nil, at: time)
    }

    func segmentEvents(_ store: SQLiteStore, user: String) async throws -> [StoredEvent] {
        guard let c = try await store.customer(userId: user) else { return [] }
        return try await store.events(customerId: c.id, limit: 100).filter { StandardEvent.systemEvents.contains($0.name ?? "") }
    }

    @Test("create, list, update and delete; names are unique and references block a delete")
    func crud() async throws {
        let store = try SQLiteStore.inMemory()
        let a = try await store.createSegment(name: "Buyers", definition: Self.buyers, description: "anyone who bought", by: "ann")
        #expect(a.createdBy == "ann" && a.memberCount == nil)
        await #expect(throws: SegmentStoreError.segmentExists("Buyers")) {
            try await store.createSegment(name: "Buyers", definition: "recency < 3", description: "", by: "bob")
        }
        await #expect(throws: SegmentStoreError.self) { try await store.createSegment(name: " padded", definition: "recency < 3", description: "", by: "bob") }
        _ = try await store.createSegment(name: "Big buyers", definition: #"in segment "Buyers" and monetary > 100"#, description: "", by: "bob")
        let updated = try await store.updateSegment(name: "Buyers", definition: "frequency >= 1", description: nil, by: "bob")
        #expect(updated.definition == "frequency >= 1" && updated.updatedBy == "bob" && updated.createdBy == "ann" && updated.description == "anyone who bought")
        #expect(try await store.segments().map(\.name) == ["Big buyers", "Buyers"])
        await #expect(throws: SegmentStoreError.usedBy(segment: "Buyers", users: ["Big buyers"])) { try await store.deleteSegment(named: "Buyers") }
        #expect(try await store.deleteSegment(named: "Big buyers"))
        #expect(try await store.deleteSegment(named: "Buyers"))
        #expect(try await !store.deleteSegment(named: "Buyers"))
    }

    @Test("each entry and exit is recorded once, as an event on the customer's timeline that is not activity")
    func entryAndExit() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.ingest([[order("1", user: "ann", "2026-02-20T00:00:00Z"), track("2", user: "bob", "Logged In", "2026-02-21T00:00:00Z")]])
        let segment = try await store.createSegment(name: "Recent buyers", definition: #"count("Order Completed", last 30 days) >= 1"#, description: "", by: "t")
        let eventsBefore = try await store.activitySnapshot().activity.eventCount
        let first = try await refresh(store)
        #expect(first.map(\.transitions.entered.count) == [1] && first[0].eventsStored == 1)
        let entered = try await segmentEvents(store, user: "ann")
        #expect(entered.map(\.name) == [StandardEvent.segmentEntered])
        #expect(entered.first?.properties["segment"] == "Recent buyers" && entered.first?.properties["segment_id"] == .number(Double(segment.id)))
        // Nothing changed: nothing recorded. The system event is not in the analytics snapshot.
        #expect(try await refresh(store).allSatisfy(\.transitions.isEmpty))
        #expect(try await store.activitySnapshot().activity.eventCount == eventsBefore)
        let ann = try #require(try await store.customer(userId: "ann"))
        #expect(ann.lastSeen == at("2026-02-20T00:00:00Z"))
        // 31 days on, the window has passed: one exit.
        let later = try await refresh(store, at: Self.now.addingTimeInterval(31 * 86_400))
        #expect(later[0].transitions.exited == [ann.id] && later[0].transitions.entered.isEmpty)
        #expect(try await segmentEvents(store, user: "ann").map(\.name) == [StandardEvent.segmentEntered, StandardEvent.segmentExited])
        #expect(try await store.segmentSizes(of: segment.id, days: 10).map(\.members) == [1, 0])
        #expect(try await segmentEvents(store, user: "bob").isEmpty)
    }

    @Test("a restart between evaluating and recording records each change once")
    func restart() async throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/t.sqlite"
        do {
            let store = try SQLiteStore(path: path)
            _ = try await store.ingest([[order("1", user: "ann", "2026-02-20T00:00:00Z"), order("2", user: "cy", "2026-02-25T00:00:00Z")]])
            _ = try await store.createSegment(name: "Buyers", definition: Self.buyers, description: "", by: "t")
            // Evaluated, then the process dies before recording: nothing is written.
            let snapshot = try await store.activitySnapshot()
            let (members, _) = try await SegmentMembership.evaluate(
                SegmentMembership.expressions(of: try await store.segments()), source: store, snapshot: snapshot, asOf: DayNumber.day(of: Self.now),
                scores: nil)
            #expect(members["Buyers"]?.count == 2)
        }
        do {
            let store = try SQLiteStore(path: path)
            #expect(try await refresh(store)[0].transitions.entered.count == 2)
        }
        do {
            let store = try SQLiteStore(path: path)
            #expect(try await refresh(store)[0].transitions.isEmpty)
            #expect(try await segmentEvents(store, user: "ann").count == 1)
            #expect(try await segmentEvents(store, user: "cy").count == 1)
            // Recording the same generation again (a retried commit) stores no event twice.
            let segment = try #require(try await store.segment(named: "Buyers"))
            #expect(try await store.recordedMembers(of: segment.id)?.count == 2)
        }
    }

    @Test("a customer merged by identify or alias keeps one membership")
    func merges() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.ingest([[
            order("1", user: nil, anon: "anon-1", "2026-02-20T00:00:00Z"),
            order("2", user: "old-id", "2026-02-21T00:00:00Z"),
            order("3", user: "new-id", "2026-02-22T00:00:00Z"),
        ]])
        _ = try await store.createSegment(name: "Buyers", definition: Self.buyers, description: "", by: "t")
        #expect(try await refresh(store)[0].transitions.entered.count == 3)
        // anon-1 becomes alice; old-id is aliased into new-id.
        _ = try await store.ingest([[
            identify("4", user: "alice", anon: "anon-1", [:], "2026-02-23T00:00:00Z"),
            Message(kind: .alias, messageId: "5", userId: "new-id", previousId: "old-id", timestamp: at("2026-02-24T00:00:00Z")),
        ]])
        let after = try await refresh(store)
        #expect(after[0].transitions.isEmpty, "merged customers neither leave nor enter again: \(after[0].transitions)")
        let segment = try #require(try await store.segment(named: "Buyers"))
        #expect(segment.memberCount == 2)
        // new-id's timeline holds its own entry and old-id's (two people entered before they were
        // known to be one), and no exit.
        let names = try await segmentEvents(store, user: "new-id").map(\.name)
        #expect(names == [StandardEvent.segmentEntered, StandardEvent.segmentEntered])
    }

    @Test("traits, filtered event counts and sums are read from the store for a population")
    func population() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.ingest([[
            identify("1", user: "ann", ["plan": "pro", "age": 41]),
            identify("2", user: "bob", ["plan": "free"]),
            track("3", user: "ann", "Order Completed", "2026-02-20T00:00:00Z", ["order_id": "a", "total": 30, "products": [["category": "tea", "price": 30]]]),
            track("4", user: "bob", "Order Completed", "2026-02-20T00:00:00Z", ["order_id": "b", "total": 12, "products": [["category": "coffee", "price": 12]]]),
        ]])
        let snapshot = try await store.activitySnapshot()
        let e = try SegmentExpression(parsing: #"trait("plan") = "pro" and count("Order Completed", ever, where "products.category" = "tea") = 1 and sum("Order Completed", total, last 30 days) = 30"#)
        let (members, _) = try await SegmentMembership.evaluate(["x": e], source: store, snapshot: snapshot, asOf: DayNumber.day(of: Self.now), scores: nil)
        let ids = SegmentMembership.storeIds(members["x"]!, in: snapshot)
        #expect(try await store.userIds(of: ids) == ["ann"])
    }

    @Test("after new events only, a refresh reads just those events and records what a full evaluation would")
    func incrementalRefresh() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.ingest([[
            identify("1", user: "ann", ["plan": "pro"]), identify("2", user: "bob", ["plan": "free"]),
            order("3", user: "ann", "2026-02-20T00:00:00Z"), order("4", user: "bob", "2026-02-21T00:00:00Z"),
            order("5", user: "dan", "2025-06-01T00:00:00Z"),
        ]])
        _ = try await store.createSegment(name: "Pro buyers", definition: #"trait("plan") = "pro" and count("Order Completed", last 30 days) >= 2"#, description: "", by: "t")
        _ = try await store.createSegment(name: "Big", definition: #"in segment "Pro buyers" or sum("Order Completed", total, ever) >= 20"#, description: "", by: "t")
        _ = try await store.createSegment(name: "Top frequency", definition: "f_score >= 4", description: "", by: "t")
        var state: SegmentRefreshState?
        let first = try await store.activitySnapshot()
        _ = try await SegmentMembership.refresh(store: store, snapshot: first, scores: nil, scoresVersion: nil, at: Self.now, state: &state)
        #expect(state?.continuedFromPrevious == false)

        // Ann buys again, Bob turns pro and buys again, Carl is new.
        _ = try await store.ingest([[
            order("6", user: "ann", "2026-02-25T00:00:00Z"), identify("7", user: "bob", ["plan": "pro"]),
            order("8", user: "bob", "2026-02-26T00:00:00Z"), order("9", user: "carl", "2026-02-27T00:00:00Z"),
            order("10", user: "carl", "2026-02-28T00:00:00Z"),
        ]])
        let second = try await store.refreshed(first)
        let outcomes = try await SegmentMembership.refresh(store: store, snapshot: second, scores: nil, scoresVersion: nil, at: Self.now, state: &state)
        let live = try #require(state)
        #expect(live.continuedFromPrevious)
        let (full, _) = try await SegmentMembership.evaluate(
            try SegmentMembership.expressions(of: try await store.segments()), source: store, snapshot: second, asOf: DayNumber.day(of: Self.now),
            scores: nil)
        for name in ["Pro buyers", "Big", "Top frequency"] {
            #expect(live.live.members[name] == full[name], "\(name)")
        }
        let saved = try await store.segments()
        let proBuyers = try #require(saved.first { $0.name == "Pro buyers" })
        let entered = try #require(outcomes.first { $0.segmentId == proBuyers.id }).transitions.entered
        #expect(try await store.userIds(of: entered).compactMap { $0 }.sorted() == ["ann", "bob"])
        // Nothing new: recorded again, nothing changes and nothing is stored twice.
        let again = try await SegmentMembership.refresh(
            store: store, snapshot: try await store.refreshed(second), scores: nil, scoresVersion: nil, at: Self.now, state: &state)
        #expect(again.allSatisfy { $0.transitions.isEmpty })
        #expect(state?.continuedFromPrevious == true)
        // A changed definition evaluates in full.
        _ = try await store.updateSegment(name: "Top frequency", definition: "f_score >= 5", description: nil, by: "t")
        _ = try await SegmentMembership.refresh(store: store, snapshot: second, scores: nil, scoresVersion: nil, at: Self.now, state: &state)
        #expect(state?.continuedFromPrevious == false)
    }
}
