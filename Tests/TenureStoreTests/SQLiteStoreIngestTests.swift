import Foundation
import Testing
import TenureCore
import TenureStore

@Suite struct SQLiteStoreIngestTests {
    @Test func resentMessagesAreStoredOnce() async throws {
        let store = try SQLiteStore.inMemory()
        let batch = [track("m1", "Signed Up"), track("m2", "Order Completed", "2026-01-02T00:00:00Z", ["order_id": "o1", "total": 10])]
        let first = try await store.ingest([batch])
        let again = try await store.ingest([batch, [track("m3", "Viewed")]])
        #expect(first == [IngestOutcome(stored: 2, duplicates: 0)])
        #expect(again == [IngestOutcome(stored: 0, duplicates: 2), IngestOutcome(stored: 1, duplicates: 0)])
        let counts = try await store.counts()
        #expect(counts.events == 3 && counts.orders == 1 && counts.customers == 1 && counts.orderRevenue == 10)
    }

    @Test func objectsSentAsTextReadBackAsWritten() async throws {
        // Given a batch whose objects the parser keeps as the client's text (keys unsorted, spaces)
        let body = #"""
            {"batch":[
              {"type":"track","userId":"u1","messageId":"m1","event":"Order Completed","timestamp":"2026-01-05T10:00:00Z",
               "properties":{ "total" : 12.50, "order_id":"o1", "discount": 2.5, "currency":"EUR" },"context":{"ip":"1.2.3.4"}},
              {"type":"identify","userId":"u1","messageId":"m2","timestamp":"2026-01-06T10:00:00Z","traits":{"plan":"pro","email":"a@b.c"}}
            ]}
            """#
        let messages = try SegmentParser.parse(body: Data(body.utf8), kind: nil, receivedAt: at("2026-01-07T00:00:00Z")).messages
        #expect(messages[0].propertiesJSON != nil && messages[1].traitsJSON != nil)
        let store = try SQLiteStore.inMemory()
        // When they are stored
        _ = try await store.ingest([messages])
        // Then the events read back with the same values as if the store had written them
        let customer = try #require(try await store.customer(userId: "u1"))
        let events = try await store.events(customerId: customer.id, limit: 10)
        #expect(events.map(\.properties) == [messages[0].properties, messages[1].traits])
        #expect(events[0].revenue == 12.5 && events[0].currency == "EUR")
        // and readers that look into the text find the discount
        let snapshot = try await store.activitySnapshot()
        #expect(try await store.customerAttributes(of: snapshot).discountedOrders.count == 1)
    }

    @Test func identifyMergesAnonymousHistory() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.ingest([[
            track("a1", user: nil, anon: "anon-1", "Product Viewed", "2026-01-01T00:00:00Z"),
            track("a2", user: nil, anon: "anon-1", "Order Completed", "2026-01-01T01:00:00Z", ["order_id": "o1", "total": 5]),
        ]])
        #expect(try await store.counts().anonymousVisitors == 1)
        _ = try await store.ingest([[identify("i1", user: "alice", anon: "anon-1", ["email": "a@x.io"], "2026-01-02T00:00:00Z")]])
        let counts = try await store.counts()
        #expect(counts.customers == 1 && counts.anonymousVisitors == 0)
        let alice = try #require(try await store.customer(userId: "alice"))
        #expect(alice.aliases == ["anon-1"] && alice.traits["email"] == "a@x.io")
        #expect(alice.firstSeen == at("2026-01-01T00:00:00Z") && alice.lastSeen == at("2026-01-02T00:00:00Z"))
        let events = try await store.events(customerId: alice.id, limit: 10)
        #expect(events.map(\.messageId) == ["a1", "a2", "i1"])
        // Later anonymous events land on alice straight away.
        _ = try await store.ingest([[track("a3", user: nil, anon: "anon-1", "Product Viewed", "2026-01-03T00:00:00Z")]])
        #expect(try await store.events(customerId: alice.id, limit: 10).count == 4)
        #expect(try await store.customer(userId: "anon-1")?.id == alice.id)
    }

    @Test func aliasMergesTwoCustomers() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.ingest([[
            track("1", user: "old-id", "Order Completed", "2026-01-01T00:00:00Z", ["order_id": "o1", "total": 5]),
            track("2", user: "new-id", "Order Completed", "2026-01-05T00:00:00Z", ["order_id": "o2", "total": 7]),
            identify("3", user: "old-id", ["plan": "gold", "city": "Oslo"], "2026-01-01T00:00:00Z"),
            identify("4", user: "new-id", ["plan": "silver"], "2026-01-05T00:00:00Z"),
        ]])
        let alias = Message(kind: .alias, messageId: "5", userId: "new-id", previousId: "old-id", timestamp: at("2026-01-06T00:00:00Z"))
        _ = try await store.ingest([[alias]])
        let counts = try await store.counts()
        #expect(counts.customers == 1 && counts.orders == 2)
        let merged = try #require(try await store.customer(userId: "new-id"))
        #expect(merged.traits["plan"] == "silver" && merged.traits["city"] == "Oslo")
        #expect(try await store.customer(userId: "old-id")?.id == merged.id)
        #expect(try await store.events(customerId: merged.id, limit: 10).count == 5)
        // Events still sent under the old id keep landing on the merged customer.
        _ = try await store.ingest([[track("6", user: "old-id", "Viewed", "2026-01-07T00:00:00Z")]])
        #expect(try await store.counts().customers == 1)
    }

    /// Customers met first in a transaction are written together at its end, with the first and
    /// last times of all their events in it, and are there for whatever reads their rows before
    /// that (traits, merges).
    @Test func customersMetInABatchGetAllTheirTimesAndTraits() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.ingest([
            [
                track("1", user: "ann", "Viewed", "2026-01-05T00:00:00Z"),
                track("2", user: "ann", "Viewed", "2026-01-02T00:00:00Z"),
                identify("3", user: "ann", ["plan": "pro"], "2026-01-06T00:00:00Z"),
                track("4", user: "ann", "Viewed", "2026-01-09T00:00:00Z"),
                track("5", user: nil, anon: "v1", "Viewed", "2026-01-01T00:00:00Z"),
            ],
            [
                track("6", user: "bob", "Viewed", "2026-01-03T00:00:00Z"),
                identify("7", user: "bob", anon: "v1", [:], "2026-01-04T00:00:00Z"),
                track("8", user: "cat", "Viewed", "2026-01-07T00:00:00Z"),
            ],
        ])
        let ann = try #require(try await store.customer(userId: "ann"))
        #expect(ann.firstSeen == at("2026-01-02T00:00:00Z") && ann.lastSeen == at("2026-01-09T00:00:00Z"))
        #expect(ann.traits["plan"] == "pro")
        // bob took in the anonymous visitor v1 (met in the same transaction) with its earlier time.
        let bob = try #require(try await store.customer(userId: "bob"))
        #expect(bob.firstSeen == at("2026-01-01T00:00:00Z") && bob.lastSeen == at("2026-01-04T00:00:00Z"))
        #expect(bob.aliases == ["v1"])
        #expect(try await store.events(customerId: bob.id, limit: 10).count == 3)
        let cat = try #require(try await store.customer(userId: "cat"))
        #expect(cat.firstSeen == at("2026-01-07T00:00:00Z") && cat.lastSeen == cat.firstSeen)
        let counts = try await store.counts()
        #expect(counts.customers == 3 && counts.anonymousVisitors == 0)
        // A later transaction widens the times of customers written earlier.
        _ = try await store.ingest([[track("9", user: "cat", "Viewed", "2026-01-01T00:00:00Z")]])
        #expect(try await store.customer(userId: "cat")?.firstSeen == at("2026-01-01T00:00:00Z"))
    }

    @Test func olderIdentifyDoesNotOverwriteNewerTraits() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.ingest([[identify("n", user: "u", ["plan": "new"], "2026-02-01T00:00:00Z")]])
        _ = try await store.ingest([[identify("o", user: "u", ["plan": "old", "age": 30], "2026-01-01T00:00:00Z")]])
        let traits = try #require(try await store.customer(userId: "u")).traits
        #expect(traits["plan"] == "new" && traits["age"] == 30)
    }

    @Test func ordersLinesAndSubscriptionsAreDerived() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.ingest([[
            track("o", "Order Completed", "2026-01-01T00:00:00Z", [
                "order_id": "A-1", "total": 35, "revenue": 30, "currency": "USD",
                "products": [["product_id": "tea", "price": 10, "quantity": 2], ["product_id": "cup", "price": 10]],
            ]),
            track("s1", "Subscription Started", "2026-01-01T00:00:00Z", ["subscription_id": "sub", "plan": "Tea Club", "amount": 20, "interval": "month"]),
            track("s2", "Subscription Renewed", "2026-02-01T00:00:00Z", ["subscription_id": "sub", "amount": 22]),
            track("s3", "Subscription Cancelled", "2026-02-15T00:00:00Z", ["subscription_id": "sub", "reason": "too expensive"]),
        ]])
        let counts = try await store.counts()
        #expect(counts.orders == 1 && counts.orderLines == 2 && counts.orderRevenue == 30 && counts.subscriptions == 1)
        let customer = try #require(try await store.customer(userId: "u1"))
        let events = try await store.events(customerId: customer.id, limit: 10)
        #expect(events.map(\.revenue) == [30, 20, 22, nil])
    }
}
