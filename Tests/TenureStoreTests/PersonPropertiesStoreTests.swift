import Foundation
import GRDB
import Testing
import TenureCore
import TenureStore

/// PostHog's person properties (`$set`, `$set_once`, `$unset`) and `$create_alias`, from the
/// parser through the store's writer.
@Suite struct PersonPropertiesStoreTests {
    /// The messages of a PostHog batch of `events`, received well after their times.
    func posthog(_ events: String) throws -> [Message] {
        try PostHogParser.parse(body: Data(#"{"api_key":"k","batch":[\#(events)]}"#.utf8), receivedAt: at("2026-06-01T00:00:00Z")).messages
    }

    func changes(_ id: String, user: String = "u", name: String = "Viewed", _ time: String, _ changes: TraitChanges) -> Message {
        var message = track(id, user: user, name, time)
        message.traitChanges = changes
        return message
    }

    @Test func setOnceNeverOverwritesATrait() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.ingest([try posthog(#"""
            {"event":"$identify","distinct_id":"u","timestamp":"2026-01-02T00:00:00Z","properties":{"$set":{"plan":"pro"},"$set_once":{"first_plan":"pro"}}},
            {"event":"$set","distinct_id":"u","timestamp":"2026-01-03T00:00:00Z","$set":{"plan":"team"}},
            {"event":"$set_once","distinct_id":"u","timestamp":"2026-01-04T00:00:00Z","$set_once":{"plan":"trial","first_plan":"trial","source":"ads"}}
            """#)])
        // A set-once older than everything stored does not overwrite either, but still fills.
        _ = try await store.ingest([[changes("old", "2025-01-01T00:00:00Z", TraitChanges(setOnce: ["plan": "x", "region": "eu"]))]])
        var traits = try #require(try await store.customer(userId: "u")).traits
        #expect(traits == ["plan": "team", "first_plan": "pro", "source": "ads", "region": "eu"])
        // A later $set does overwrite what a set-once set, and within one message $set wins.
        _ = try await store.ingest([[changes("new", "2026-02-01T00:00:00Z", TraitChanges(set: ["source": "referral", "x": 1], setOnce: ["x": 2]))]])
        traits = try #require(try await store.customer(userId: "u")).traits
        #expect(traits["source"] == "referral" && traits["x"] == 1)
    }

    @Test func setOnASetOnceOnlyCustomerStillFollowsTime() async throws {
        // A set-once does not stamp the traits: a $set older than it but newer than nothing applies.
        let store = try SQLiteStore.inMemory()
        _ = try await store.ingest([[changes("1", "2026-01-05T00:00:00Z", TraitChanges(setOnce: ["plan": "trial"]))]])
        _ = try await store.ingest([[changes("2", "2026-01-01T00:00:00Z", TraitChanges(set: ["plan": "pro"]))]])
        #expect(try await store.customer(userId: "u")?.traits == ["plan": "pro"])
        // …while a $set older than the last $set does not.
        _ = try await store.ingest([[changes("3", "2025-12-01T00:00:00Z", TraitChanges(set: ["plan": "free"]))]])
        #expect(try await store.customer(userId: "u")?.traits == ["plan": "pro"])
    }

    @Test func unsetRemovesTraitsUnlessOlder() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.ingest([[identify("i", user: "u", ["plan": "pro", "coupon": "WELCOME", "beta": true], "2026-01-02T00:00:00Z")]])
        // An $unset older than the identify does not remove what it set.
        _ = try await store.ingest([[changes("old", "2026-01-01T00:00:00Z", TraitChanges(unset: ["beta"]))]])
        #expect(try await store.customer(userId: "u")?.traits["beta"] == true)
        _ = try await store.ingest([try posthog(#"""
            {"event":"Order Completed","distinct_id":"u","timestamp":"2026-01-03T00:00:00Z","properties":{"order_id":"o1","total":5,"$unset":["coupon","nope"]}}
            """#)])
        #expect(try await store.customer(userId: "u")?.traits == ["plan": "pro", "beta": true])
        // Removing every trait leaves an empty object, not a missing one.
        _ = try await store.ingest([[changes("all", "2026-01-04T00:00:00Z", TraitChanges(unset: ["plan", "beta"]))]])
        #expect(try await store.customer(userId: "u")?.traits == [:])
        #expect(try await store.counts().orders == 1)
    }

    @Test func anyEventsSetUpdatesThePersonWithNewerWins() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.ingest([try posthog(#"""
            {"event":"$pageview","distinct_id":"u","timestamp":"2026-01-05T00:00:00Z","properties":{"$pathname":"/a","$set":{"last_page":"/a"}}},
            {"event":"Clicked","distinct_id":"u","timestamp":"2026-01-04T00:00:00Z","properties":{"$set":{"last_page":"/old","button":"buy"}}},
            {"event":"$screen","distinct_id":"u","timestamp":"2026-01-06T00:00:00Z","properties":{"$screen_name":"Home","$set_once":{"first_screen":"Home"}}}
            """#)])
        let traits = try #require(try await store.customer(userId: "u")).traits
        #expect(traits == ["last_page": "/a", "button": "buy", "first_screen": "Home"])
    }

    @Test func storedRecordsKeepTheTraitChanges() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.ingest([try posthog(#"""
            {"event":"$identify","uuid":"e1","distinct_id":"u","timestamp":"2026-01-01T00:00:00Z","properties":{"$set":{"plan":"pro"},"$set_once":{"first":"a"},"$unset":["b"]}},
            {"event":"Viewed","uuid":"e2","distinct_id":"u","timestamp":"2026-01-02T00:00:00Z","properties":{"$set":{"seen":true}}},
            {"event":"Viewed","uuid":"e3","distinct_id":"u","timestamp":"2026-01-03T00:00:00Z","properties":{"x":1}}
            """#)])
        let customer = try #require(try await store.customer(userId: "u"))
        let events = try await store.events(customerId: customer.id, limit: 10)
        #expect(events.map(\.messageId) == ["e1", "e2", "e3"])
        #expect(events[0].properties == ["plan": "pro"])
        #expect(events[0].traitChanges == TraitChanges(setOnce: ["first": "a"], unset: ["b"]))
        #expect(events[1].traitChanges == TraitChanges(set: ["seen": true]) && events[1].properties["$set"] == ["seen": true])
        #expect(events[2].traitChanges == nil && events[2].properties == ["x": 1])
    }

    // MARK: $create_alias

    @Test func aliasOfAKnownCustomerToANewIdRenamesThem() async throws {
        let directory = TemporaryDirectory()
        let path = directory.path + "/alias.sqlite"
        let store = try SQLiteStore(path: path)
        _ = try await store.ingest([try posthog(#"""
            {"event":"$identify","distinct_id":"old","timestamp":"2026-01-01T00:00:00Z","properties":{"$set":{"plan":"pro"}}},
            {"event":"$create_alias","distinct_id":"old","timestamp":"2026-01-02T00:00:00Z","properties":{"distinct_id":"old","alias":"new"}}
            """#)])
        let person = try #require(try await store.customer(userId: "new"))
        #expect(person.userId == "new" && person.aliases == ["old"] && person.traits == ["plan": "pro"])
        #expect(try await store.customer(userId: "old")?.id == person.id)
        // Events under either id land on the person, also once the store is opened again.
        let reopened = try SQLiteStore(path: path)
        _ = try await reopened.ingest([try posthog(#"""
            {"event":"Viewed","distinct_id":"old","timestamp":"2026-01-03T00:00:00Z"},
            {"event":"Viewed","distinct_id":"new","timestamp":"2026-01-04T00:00:00Z"}
            """#)])
        #expect(try await reopened.counts().customers == 1)
        #expect(try await reopened.events(customerId: person.id, limit: 10).count == 4)
        #expect(try await reopened.customer(userId: "new")?.userId == "new")
    }

    @Test func aliasOfTwoKnownCustomersMergesIntoTheNewId() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.ingest([try posthog(#"""
            {"event":"$identify","distinct_id":"old","timestamp":"2026-01-01T00:00:00Z","properties":{"$set":{"plan":"free","city":"Oslo"}}},
            {"event":"$identify","distinct_id":"new","timestamp":"2026-01-02T00:00:00Z","properties":{"$set":{"plan":"pro"}}}
            """#)])
        _ = try await store.ingest([try posthog(#"""
            {"event":"$create_alias","distinct_id":"old","timestamp":"2026-01-03T00:00:00Z","properties":{"alias":"new"}}
            """#)])
        let person = try #require(try await store.customer(userId: "new"))
        #expect(person.userId == "new" && person.aliases == ["old"])
        #expect(person.traits == ["plan": "pro", "city": "Oslo"])
        #expect(try await store.customer(userId: "old")?.id == person.id)
        #expect(try await store.counts().customers == 1)
        #expect(try await store.events(customerId: person.id, limit: 10).count == 3)
    }

    @Test func aliasOfTwoUnknownIdsCreatesThePersonUnderTheNewId() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.ingest([try posthog(#"""
            {"event":"$create_alias","distinct_id":"old","timestamp":"2026-01-01T00:00:00Z","properties":{"alias":"new"}},
            {"event":"Viewed","distinct_id":"old","timestamp":"2026-01-02T00:00:00Z"}
            """#)])
        let person = try #require(try await store.customer(userId: "new"))
        #expect(person.userId == "new" && person.aliases == ["old"])
        #expect(try await store.counts().customers == 1)
        #expect(try await store.events(customerId: person.id, limit: 10).count == 2)
    }

    @Test func segmentAliasOfAnAliasKeepsTheEarlierUserId() async throws {
        // Segment: previousId is merged into userId. Here previousId is a visitor id of customer
        // "p": afterwards the customer is known by "new", and "p" and the visitor id still find them.
        let store = try SQLiteStore.inMemory()
        _ = try await store.ingest([[identify("1", user: "p", anon: "v1", ["plan": "pro"], "2026-01-01T00:00:00Z")]])
        _ = try await store.ingest([[Message(kind: .alias, messageId: "2", userId: "new", previousId: "v1", timestamp: at("2026-01-02T00:00:00Z"))]])
        let person = try #require(try await store.customer(userId: "new"))
        #expect(person.userId == "new" && person.aliases == ["p", "v1"])
        #expect(try await store.customer(userId: "p")?.id == person.id)
        // An alias whose userId is already the customer's alias makes it the user id.
        _ = try await store.ingest([[Message(kind: .alias, messageId: "3", userId: "p", previousId: "new", timestamp: at("2026-01-03T00:00:00Z"))]])
        let again = try #require(try await store.customer(userId: "p"))
        #expect(again.id == person.id && again.userId == "p" && again.aliases == ["new", "v1"])
        #expect(try await store.counts().customers == 1)
    }

    // MARK: Trait search index

    @Test func traitSearchIndexFollowsSetSetOnceUnsetAndAlias() async throws {
        let directory = TemporaryDirectory()
        let path = directory.path + "/search.sqlite"
        let store = try SQLiteStore(path: path)
        _ = try await store.ingest([try posthog(#"""
            {"event":"$identify","distinct_id":"a","timestamp":"2026-01-01T00:00:00Z","properties":{"$set":{"coupon":"WELCOME","plan":"free"}}},
            {"event":"$identify","distinct_id":"b","timestamp":"2026-01-01T00:00:00Z","properties":{"$set":{"city":"Bergen"}}},
            {"event":"$set","distinct_id":"a","timestamp":"2026-01-02T00:00:00Z","$set":{"plan":"platinum"}},
            {"event":"$set_once","distinct_id":"a","timestamp":"2026-01-03T00:00:00Z","$set_once":{"source":"newsletter","plan":"gold"}},
            {"event":"Viewed","distinct_id":"a","timestamp":"2026-01-04T00:00:00Z","properties":{"$unset":["coupon"]}},
            {"event":"Viewed","distinct_id":"b","timestamp":"2026-01-04T00:00:00Z","properties":{"$unset":["city"]}}
            """#)])
        _ = try await store.ingest([try posthog(#"""
            {"event":"$identify","distinct_id":"b","timestamp":"2026-01-05T00:00:00Z","properties":{"$set":{"city":"Tromsø"}}},
            {"event":"$create_alias","distinct_id":"b","timestamp":"2026-01-06T00:00:00Z","properties":{"alias":"a"}}
            """#)])
        #expect(try await store.searchCustomers("platinum", limit: 5).map(\.userId) == ["a"])
        #expect(try await store.searchCustomers("newsletter", limit: 5).map(\.userId) == ["a"])
        #expect(try await store.searchCustomers("tromsø", limit: 5).map(\.userId) == ["a"])
        for gone in ["WELCOME", "gold", "free", "Bergen"] {
            #expect(try await store.searchCustomers(gone, limit: 5).isEmpty, "\(gone)")
        }
        // The index holds exactly what the customer table holds (FTS5 compares the two).
        let db = try DatabaseQueue(path: path)
        try await db.write { db in
            try db.execute(sql: "INSERT INTO customer_trait_search (customer_trait_search, rank) VALUES ('integrity-check', 1)")
        }
        let rows = try await db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM customer_trait_search") }
        #expect(rows == 1)
    }
}
