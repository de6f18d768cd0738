import Foundation
import GRDB
import Testing
import TenureCore
import TenureStore

@Suite("Dashboard sessions, exit feedback and trait search in the SQLite store")
struct DashboardStoreTests {
    // MARK: Sessions

    @Test func sessionsSurviveReopeningTheStoreAndSignOutDeletesThem() async throws {
        let directory = TemporaryDirectory()
        let path = directory.path + "/sessions.sqlite"
        let expires = Date().addingTimeInterval(3600)
        do {
            let store = try SQLiteStore(path: path)
            try await store.createSession(token: "token-a", DashboardSessionRecord(subject: "ana", csrfToken: "csrf-a", expiresAt: expires))
            try await store.createSession(token: "token-b", DashboardSessionRecord(subject: "key tnr_a_12…", csrfToken: "csrf-b", expiresAt: expires))
        }
        // A new store on the same file (a restarted server) still knows both sessions.
        let reopened = try SQLiteStore(path: path)
        let a = try #require(try await reopened.session(token: "token-a", now: Date()))
        #expect(a.subject == "ana" && a.csrfToken == "csrf-a")
        #expect(abs(a.expiresAt.timeIntervalSince(expires)) < 0.002)
        #expect(try await reopened.session(token: "token-b", now: Date())?.subject == "key tnr_a_12…")
        #expect(try await reopened.session(token: "token-c", now: Date()) == nil)
        // Only the hash of a token is stored.
        let stored = try await DatabaseQueue(path: path).read { db in try Data.fetchAll(db, sql: "SELECT token_hash FROM dashboard_session") }
        #expect(stored.count == 2 && stored.allSatisfy { $0.count == 32 && !String(decoding: $0, as: UTF8.self).contains("token") })
        // Sign-out deletes the row.
        #expect(try await reopened.deleteSession(token: "token-a"))
        #expect(try await reopened.session(token: "token-a", now: Date()) == nil)
        #expect(try await reopened.deleteSession(token: "token-a") == false)
        #expect(try await reopened.session(token: "token-b", now: Date()) != nil)
    }

    @Test func expiredSessionsAreRefusedAndPurged() async throws {
        let store = try SQLiteStore.inMemory()
        let now = Date()
        try await store.createSession(token: "old", DashboardSessionRecord(subject: "ana", csrfToken: "c1", expiresAt: now.addingTimeInterval(-1)))
        try await store.createSession(token: "soon", DashboardSessionRecord(subject: "ana", csrfToken: "c2", expiresAt: now.addingTimeInterval(60)))
        try await store.createSession(token: "later", DashboardSessionRecord(subject: "bob", csrfToken: "c3", expiresAt: now.addingTimeInterval(7200)))
        // An expired session is refused, and deleted by the look-up itself.
        #expect(try await store.session(token: "old", now: now) == nil)
        #expect(try await store.deleteSession(token: "old") == false)
        // Extending moves the expiry; a purge removes what has expired by then.
        try await store.extendSession(token: "soon", expiresAt: now.addingTimeInterval(600))
        #expect(try await store.session(token: "soon", now: now.addingTimeInterval(120)) != nil)
        #expect(try await store.purgeExpiredSessions(now: now.addingTimeInterval(3600)) == 1)
        #expect(try await store.session(token: "soon", now: now) == nil)
        #expect(try await store.session(token: "later", now: now.addingTimeInterval(3600))?.subject == "bob")
        #expect(try await store.session(token: "later", now: now.addingTimeInterval(7201)) == nil)
    }

    // MARK: Exit feedback

    static let feedbackMessages: [Message] = [
        // u1 cancels for "too expensive" and repeats it in the exit survey: one exit.
        track("s1", user: "u1", "Subscription Started", "2026-01-01T00:00:00Z", ["subscription_id": "a"]),
        track("s2", user: "u1", "Subscription Cancelled", "2026-02-01T00:00:00Z", ["subscription_id": "a", "reason": "too expensive"]),
        track("s3", user: "u1", "Survey Responded", "2026-02-01T01:00:00Z", ["survey": "exit", "score": 3, "reason": "too expensive"]),
        // u2 has no subscription: the exit survey (named differently) is the only source.
        track("s4", user: "u2", "Survey Responded", "2026-02-02T00:00:00Z", ["survey_name": "Cancellation survey", "answer": " moved abroad "]),
        // u3 closes the account with a reason; u4 without one.
        track("s5", user: "u3", "Account Closed", "2026-02-03T00:00:00Z", ["reason": "too expensive"]),
        track("s6", user: "u4", "Account Deleted", "2026-02-03T00:00:00Z", [:]),
        // Not exit feedback: an NPS answer with a reason, and a survey without a type.
        track("s7", user: "u5", "Survey Responded", "2026-02-04T00:00:00Z", ["survey": "nps", "score": 2, "reason": "delivery"]),
        track("s8", user: "u6", "Survey Responded", "2026-02-04T00:00:00Z", ["reason": "delivery"]),
        // u7 gives a different reason in the survey than when cancelling: both count.
        track("s9", user: "u7", "Subscription Cancelled", "2026-02-05T00:00:00Z", ["subscription_id": "b", "reason": "bad quality"]),
        track("s10", user: "u7", "Survey Responded", "2026-02-05T01:00:00Z", ["survey_type": "EXIT", "exit_reason": "switched to a competitor"]),
    ]

    static let expectedReasons = [
        ReasonCount(reason: "too expensive", count: 2), ReasonCount(reason: "bad quality", count: 1),
        ReasonCount(reason: "moved abroad", count: 1), ReasonCount(reason: "switched to a competitor", count: 1),
    ]

    @Test func exitReasonsComeFromCancellationsExitSurveysAndAccountClosures() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.ingest([Self.feedbackMessages])
        #expect(try await store.exitReasons() == Self.expectedReasons)
        // Resending the same messages stores nothing twice.
        _ = try await store.ingest([Self.feedbackMessages])
        #expect(try await store.exitReasons() == Self.expectedReasons)
    }

    @Test func exitFeedbackStoredBeforeTheTableIsReadFromTheLogWhenTheStoreOpens() async throws {
        let directory = TemporaryDirectory()
        let path = directory.path + "/feedback.sqlite"
        do {
            let store = try SQLiteStore(path: path)
            _ = try await store.ingest([Self.feedbackMessages])
        }
        // As if the events had been stored before the exit_feedback table existed.
        try await DatabaseQueue(path: path).write { db in
            try db.execute(sql: "DELETE FROM exit_feedback; INSERT INTO store_task (name) VALUES ('backfill-exit-feedback')")
        }
        let reopened = try SQLiteStore(path: path)
        #expect(try await reopened.exitReasons() == Self.expectedReasons)
        let pending = try await DatabaseQueue(path: path).read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM store_task") }
        #expect(pending == 0)
    }

    // MARK: Trait search

    /// The search as it was before the trait index: user id, alias, id prefix, then a LIKE scan
    /// of every customer's traits.
    static func scanSearch(_ db: Database, _ text: String, limit: Int) throws -> [Int64] {
        var found: [Int64] = []
        func add(_ ids: [Int64]) { for id in ids where found.count < limit && !found.contains(id) { found.append(id) } }
        add(try Int64.fetchAll(db, sql: "SELECT id FROM customer WHERE user_id = ?", arguments: [text]))
        add(try Int64.fetchAll(db, sql: "SELECT c.id FROM identity i JOIN customer c ON c.id = i.customer_id WHERE i.alias = ?", arguments: [text]))
        if found.count < limit {
            add(try Int64.fetchAll(
                db, sql: "SELECT id FROM customer WHERE user_id >= ? AND user_id < ? ORDER BY user_id LIMIT ?",
                arguments: [text, text + "\u{10FFFF}", limit]))
        }
        if found.count < limit {
            let pattern = "%" + text.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
            add(try Int64.fetchAll(db, sql: "SELECT id FROM customer WHERE traits LIKE ? ESCAPE '\\' ORDER BY id LIMIT ?", arguments: [pattern, limit]))
        }
        return found
    }

    @Test func traitSearchUsesTheIndexAndFindsWhatTheScanFound() async throws {
        let directory = TemporaryDirectory()
        let path = directory.path + "/search.sqlite"
        let store = try SQLiteStore(path: path)
        let simulator = try BusinessSimulator(
            SimulationConfiguration(customers: 400, months: 6, profile: .subscription, seed: 3, end: ISO8601Timestamp.parse("2026-06-30")!))
        _ = try await store.importSimulation(simulator)
        // Traits changed after the first identify, merged customers and odd characters.
        _ = try await store.ingest([[
            identify("t1", user: "Zoë-1", ["email": "ZOE@Example.ORG", "plan": "Gold_100%", "note": #"say "hi" \ bye"#]),
            identify("t2", user: "Zoë-1", ["plan": "Platinum"], "2026-01-02T00:00:00Z"),
            identify("t3", user: nil, anon: "anon-9", ["nickname": "Pixel Müller"]),
            identify("t4", user: "pixel", anon: "anon-9", ["city": "Zürich"]),
        ]])
        let queries = [
            "example", "EXAMPLE.org", "zoe@", "gold", "Platinum", "Gold_100%", "_100", "100%", #""hi""#, #"\ bye"#, "Müller", "MÜLLER",
            "zürich", "plan", "\"plan\":\"", "@", "ex", "no such trait value", "'; DROP TABLE customer; --", "<script>", "z",
        ] + (try await store.searchCustomers("@", limit: 3)).compactMap { m in m.traits["email"]?.stringValue.map { String($0.dropFirst(2).prefix(9)) } }
        let db = try DatabaseQueue(path: path)
        var matched = 0
        for query in queries {
            for limit in [1, 5, 50] {
                let found = try await store.searchCustomers(query, limit: limit).map(\.id)
                let expected = try await db.read { try Self.scanSearch($0, query, limit: limit) }
                #expect(found == expected, "\(query) limit \(limit)")
                matched += found.count
            }
        }
        #expect(matched > 50)
        // The trait stage reads the full-text index, not the customer table.
        let plan = try await db.read { db in
            try Row.fetchAll(
                db, sql: "EXPLAIN QUERY PLAN SELECT rowid FROM customer_trait_search WHERE customer_trait_search MATCH ? ORDER BY rowid LIMIT 5",
                arguments: ["\"example\""]
            ).map { $0["detail"] as String }
        }
        #expect(plan.joined().contains("VIRTUAL TABLE INDEX"))
        // The index follows trait changes: the old plan is gone, the new one found.
        #expect(try await store.searchCustomers("Gold_100", limit: 5).isEmpty)
        #expect(try await store.searchCustomers("platinum", limit: 5).map(\.userId) == ["Zoë-1"])
        #expect(try await store.searchCustomers("pixel mü", limit: 5).map(\.userId) == ["pixel"])
        // The index holds exactly what the customer table holds (FTS5 compares the two).
        try await db.write { db in
            try db.execute(sql: "INSERT INTO customer_trait_search (customer_trait_search, rank) VALUES ('integrity-check', 1)")
        }
        let trigger = try await db.read { db in
            try String.fetchOne(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name = 'customer_trait_search_update'")
        }
        #expect(trigger == nil)
    }
}
