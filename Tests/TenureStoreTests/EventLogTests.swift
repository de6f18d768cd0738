import Foundation
import GRDB
import Testing
@testable import TenureStore
import TenureCore

/// The event log: columnar blocks, tail compaction, deduplication that survives a restart and a
/// failed transaction, merges resolved on read, and the move of v1 rows into the log.
@Suite struct EventLogTests {
    func blockCount(_ path: String) throws -> Int {
        try DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM event_block") ?? 0 }
    }

    @Test func smallCommitsAreCompactedAndReadBackInOrder() async throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/t.sqlite"
        let store = try SQLiteStore(path: path)
        for i in 0..<300 {
            let message = Message(
                kind: .track, messageId: "m\(i)", userId: i % 3 == 0 ? "a" : "b", name: "Page Viewed",
                timestamp: at("2026-01-01T00:00:00Z").addingTimeInterval(Double(i) * 60), properties: ["i": .number(Double(i))])
            _ = try await store.ingest([[message]])
        }
        // A base-4 counter of 300 one-event commits leaves as many blocks as the digits of 300 in
        // base 4 add up to (10230₄: 6).
        #expect(SQLiteEventLog.mergeFanIn == 4)
        #expect(try blockCount(path) == String(300, radix: 4).reduce(0) { $0 + Int(String($1))! })
        let a = try #require(try await store.customer(userId: "a"))
        let events = try await store.events(customerId: a.id, limit: 1000)
        #expect(events.map(\.messageId) == stride(from: 0, to: 300, by: 3).map { "m\($0)" })
        #expect(events.map { $0.properties["i"] } == stride(from: 0, to: 300, by: 3).map { JSONValue.number(Double($0)) })
        #expect(try await store.counts().events == 300)
    }

    @Test func duplicatesAreFoundAfterARestart() async throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/t.sqlite"
        do {
            let store = try SQLiteStore(path: path)
            #expect(try await store.ingest([[track("x1", "Order Completed", "2026-01-01T00:00:00Z", ["order_id": "o1", "total": 5])]]) == [IngestOutcome(stored: 1)])
        }
        let reopened = try SQLiteStore(path: path)
        #expect(try await reopened.hasMessage(id: "x1"))
        #expect(!(try await reopened.hasMessage(id: "x2")))
        let again = try await reopened.ingest([[
            track("x1", "Order Completed", "2026-01-01T00:00:00Z", ["order_id": "o1", "total": 5]),
            // The same order under another message id is the same order.
            track("x2", "Order Completed", "2026-01-01T00:00:00Z", ["order_id": "o1", "total": 5]),
            track("x3", "Order Completed", "2026-01-02T00:00:00Z", ["order_id": "o2", "total": 7]),
        ]])
        #expect(again == [IngestOutcome(stored: 1, duplicates: 2)])
        let counts = try await reopened.counts()
        #expect(counts.events == 2 && counts.orders == 2 && counts.orderRevenue == 12)
    }

    @Test func aFailedImportLeavesNoKeysBehind() async throws {
        struct Stop: Error {}
        let store = try SQLiteStore.inMemory()
        await #expect(throws: Stop.self) {
            try await store.bulkImport { session in
                try session.write(track("k1", "Page Viewed"))
                try session.write(track("k2", "Page Viewed"))
                throw Stop()
            }
        }
        #expect(try await store.counts().events == 0)
        #expect(try await store.ingest([[track("k1", "Page Viewed"), track("k2", "Page Viewed")]]) == [IngestOutcome(stored: 2)])
    }

    @Test func refreshAfterCompactionAddsEachEventOnce() async throws {
        let dir = TemporaryDirectory()
        let store = try SQLiteStore(path: dir.path + "/t.sqlite")
        for i in 0..<7 { _ = try await store.ingest([[track("r\(i)", user: "u\(i % 2)", "Order Completed", "2026-01-0\(i + 1)T00:00:00Z", ["total": 1])]]) }
        var snapshot = try await store.activitySnapshot()
        #expect(snapshot.activity.eventCount == 7)
        // These commits merge with the blocks the snapshot already read.
        for i in 7..<16 { _ = try await store.ingest([[track("r\(i)", user: "u\(i % 2)", "Order Completed", "2026-01-\(10 + i)T00:00:00Z", ["total": 1])]]) }
        snapshot = try await store.refreshed(snapshot)
        let fresh = try await store.activitySnapshot()
        #expect(snapshot.activity.eventCount == 16 && fresh.activity.eventCount == 16)
        #expect(snapshot.nextSequence == 16 && fresh.nextSequence == 16)
        for c in 0..<fresh.activity.customerCount {
            #expect(snapshot.activity.events(of: c).map(\.day).sorted() == fresh.activity.events(of: c).map(\.day).sorted())
        }
    }

    @Test func refreshBringsEventsOfANewNameWithoutARebuild() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.ingest([[track("n1", user: "a", "Order Completed", "2026-01-01T00:00:00Z", ["total": 3])]])
        let before = try await store.activitySnapshot()
        _ = try await store.ingest([[
            track("n2", user: "a", "Loyalty Points Earned", "2026-01-02T00:00:00Z"),
            track("n3", user: "b", "Loyalty Points Earned", "2026-01-03T00:00:00Z"),
        ]])
        let refreshed = try await store.refreshed(before)
        let fresh = try await store.activitySnapshot()
        func names(_ s: StoreSnapshot) -> [[String]] {
            (0..<s.activity.customerCount).map { c in s.activity.events(of: c).map { s.activity.eventTypes.names[Int($0.type)] } }
        }
        #expect(names(refreshed) == [["Order Completed", "Loyalty Points Earned"], ["Loyalty Points Earned"]])
        #expect(names(refreshed) == names(fresh))
    }

    @Test func aMergedVisitorsEventsBelongToTheCustomer() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.ingest([[track("v1", user: nil, anon: "anon-1", "Page Viewed", "2026-01-01T00:00:00Z")]])
        _ = try await store.ingest([[track("v2", user: nil, anon: "anon-1", "Product Viewed", "2026-01-02T00:00:00Z")]])
        _ = try await store.ingest([[track("k0", user: "known", "Page Viewed", "2026-01-01T12:00:00Z")]])
        _ = try await store.ingest([[identify("i1", user: "known", anon: "anon-1", [:], "2026-01-03T00:00:00Z")]])
        let known = try #require(try await store.customer(userId: "known"))
        #expect(try await store.events(customerId: known.id, limit: 10).map(\.messageId) == ["v1", "k0", "v2", "i1"])
        let snapshot = try await store.activitySnapshot()
        #expect(snapshot.activity.customerCount == 1 && snapshot.activity.eventCount == 4)
    }

    @Test func aNewCustomerNeverTakesTheIdOfAMergedOne() async throws {
        let folder = TemporaryDirectory()
        let path = folder.path + "/store.sqlite"
        do {
            let store = try SQLiteStore(path: path)
            _ = try await store.ingest([[track("k0", user: "known", "Page Viewed", "2026-01-01T00:00:00Z")]])
            _ = try await store.ingest([[track("v1", user: nil, anon: "anon-1", "Page Viewed", "2026-01-02T00:00:00Z")]])
            // The visitor (the newest customer id) merges into the known customer and its row goes.
            _ = try await store.ingest([[identify("i1", user: "known", anon: "anon-1", [:], "2026-01-03T00:00:00Z")]])
        }
        // After a restart the writer learns its next id from the database.
        let store = try SQLiteStore(path: path)
        _ = try await store.ingest([[track("f1", user: "fresh", "Page Viewed", "2026-01-04T00:00:00Z")]])
        _ = try await store.bulkImport { session in
            let reader = try TransactionRowReader(
                mapping: TransactionMapping(customerColumn: "customer", dateColumn: "date"), header: ["customer", "date"], columnCount: 2)
            var batch = reader.makeBatch(receivedAt: at("2026-02-01T00:00:00Z"))
            reader.append(CSVFields(["imported", "2026-01-05"]), line: 2, messageId: Array("c1".utf8), to: &batch)
            try session.write(ImportedTransactions(batch))
            return try session.outcome
        }
        let known = try #require(try await store.customer(userId: "known"))
        let fresh = try #require(try await store.customer(userId: "fresh"))
        let imported = try #require(try await store.customer(userId: "imported"))
        #expect(Set([known.id, fresh.id, imported.id]).count == 3)
        #expect(try await store.events(customerId: fresh.id, limit: 10).map(\.messageId) == ["f1"])
        #expect(try await store.events(customerId: imported.id, limit: 10).map(\.messageId) == ["c1"])
        let snapshot = try await store.activitySnapshot()
        #expect(snapshot.activity.customerCount == 3 && snapshot.activity.eventCount == 5)
    }

    @Test func v1RowsMoveIntoTheLogWhenTheStoreOpens() async throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/v1.sqlite"
        do {
            let queue = try DatabaseQueue(path: path)
            try SQLiteMigrations.migrator.migrate(queue, upTo: "v1-events")
            try await queue.write { db in
                try db.execute(sql: "INSERT INTO customer (id, user_id, first_seen, last_seen, created_at) VALUES (1, 'old', 0, 0, 0)")
                try db.execute(sql: "INSERT INTO event_type (id, kind, name) VALUES (1, 'track', 'Order Completed')")
                try db.execute(
                    sql: """
                        INSERT INTO event (id, message_id, customer_id, type_id, timestamp, received_at, properties, revenue, currency)
                        VALUES (1, 'legacy-1', 1, 1, 1767225600000, 1767225601000, '{"order_id":"L1","total":9.5}', 9.5, 'EUR')
                        """)
                try db.execute(
                    sql: #"INSERT INTO "order" (order_id, customer_id, event_id, timestamp, value, total) VALUES ('L1', 1, 1, 1767225600000, 9.5, 9.5)"#)
                try db.execute(sql: "INSERT INTO order_line (order_ref, position, quantity) VALUES (1, 0, 2)")
            }
        }
        let store = try SQLiteStore(path: path)
        let counts = try await store.counts()
        #expect(counts.events == 1 && counts.orders == 1 && counts.orderLines == 1 && counts.orderRevenue == 9.5)
        let event = try #require(try await store.events(customerId: 1, limit: 5).first)
        #expect(event.messageId == "legacy-1" && event.revenue == 9.5 && event.currency == "EUR")
        #expect(event.receivedAt.timeIntervalSince(event.timestamp) == 1)
        #expect(try await store.hasMessage(id: "legacy-1"))
        // The order id is known too: the same order again is a duplicate.
        #expect(try await store.ingest([[track("new", user: "old", "Order Completed", "2026-01-01T00:00:00Z", ["order_id": "L1"])]]) == [IngestOutcome(duplicates: 1)])
        let left = try await DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM event") }
        #expect(left == 0)
    }

    @Test func theCSVFastPathStoresWhatTheMessagePathStores() async throws {
        let header = ["customer", "date", "amount", "order", "channel", "score"]
        let records = [
            ["c1", "2026-01-01", "10.5", "A1", "web", "3"], ["c2", "2026-01-02", "3", "A2", "store, \"main\"", ""],
            ["c1", "2026-01-03", "7", "A3", "web", "-1.25"], ["c3", " 2026-01-03 ", "0", "", "app", "x"], ["c1", "2026-01-04", "1e3", "A1", "", "7"],
        ]
        let received = at("2026-02-01T00:00:00Z")
        for mapping in [
            TransactionMapping(customerColumn: "customer", dateColumn: "date", amountColumn: "amount", orderColumn: "order", currency: "EUR"),
            TransactionMapping(customerColumn: "customer", dateColumn: "date", amountColumn: "amount", event: "Payment Made"),
            TransactionMapping(customerColumn: "customer", dateColumn: "date", event: StandardEvent.orderCompleted),
            TransactionMapping(customerColumn: "customer", dateColumn: "date", amountColumn: "amount", event: StandardEvent.subscriptionStarted),
        ] {
            let reader = try TransactionRowReader(mapping: mapping, header: header, columnCount: header.count)
            let fast = try SQLiteStore.inMemory()
            let slow = try SQLiteStore.inMemory()
            let fastOutcome = try await fast.bulkImport { session in
                var batch = reader.makeBatch(receivedAt: received)
                for (i, fields) in records.enumerated() { reader.append(CSVFields(fields), line: i + 2, messageId: Array("m\(i)".utf8), to: &batch) }
                #expect(batch.badRows.isEmpty)
                try session.write(ImportedTransactions(batch))
                return try session.outcome
            }
            let slowOutcome = try await slow.bulkImport { session in
                for (i, fields) in records.enumerated() { try session.write(try reader.message(fields: fields, messageId: "m\(i)", receivedAt: received)) }
                return try session.outcome
            }
            #expect(fastOutcome == slowOutcome)
            for userId in ["c1", "c2", "c3"] {
                let f = try #require(try await fast.customer(userId: userId))
                let s = try #require(try await slow.customer(userId: userId))
                #expect(f.firstSeen == s.firstSeen && f.lastSeen == s.lastSeen)
                #expect(try await fast.events(customerId: f.id, limit: 10) == (try await slow.events(customerId: s.id, limit: 10)))
            }
            let (a, b) = (try await fast.counts(), try await slow.counts())
            #expect(a == b)
        }
    }

    /// The bulk path over many batches against the message path: rows already stored, rows
    /// repeated inside a batch, batches that cross block boundaries, and more new customers than
    /// the writer keeps pending (16,384: some are inserted mid-import and updated at the end).
    @Test func bulkBatchesOfOldRepeatedAndNewRowsStoreWhatTheMessagePathStores() async throws {
        let header = ["customer", "date", "amount"]
        let mapping = TransactionMapping(customerColumn: "customer", dateColumn: "date", amountColumn: "amount")
        let reader = try TransactionRowReader(mapping: mapping, header: header, columnCount: header.count)
        let received = at("2026-02-01T00:00:00Z")
        // 4 batches of 9,000 rows over 21,000 customers; ids repeat within and across batches.
        let batches: [[(id: String, fields: [String])]] = (0..<4).map { b in
            (0..<9_000).map { r in
                let n = b * 9_000 + r
                let id = n % 7 == 3 ? "m\(n - 3)" : "m\(n)"
                let customer = b < 2 ? n % 21_000 : (n * 7_919) % 21_000
                return (id, ["c\(customer)", "2026-01-\(String(format: "%02d", 1 + (n * 13) % 28))T\(String(format: "%02d", n % 24)):00:00Z", "\(n % 50).5"])
            }
        }
        let fast = try SQLiteStore.inMemory()
        let slow = try SQLiteStore.inMemory()
        // Some rows are in both stores before the import.
        let earlier = batches[1].prefix(500).map { try! reader.message(fields: $0.fields, messageId: $0.id, receivedAt: received) }
        _ = try await fast.ingest([earlier])
        _ = try await slow.ingest([earlier])
        let fastOutcome = try await fast.bulkImport { session in
            for rows in batches {
                var batch = reader.makeBatch(receivedAt: received)
                for (i, row) in rows.enumerated() { reader.append(CSVFields(row.fields), line: i + 2, messageId: Array(row.id.utf8), to: &batch) }
                try session.write(ImportedTransactions(batch))
            }
            return try session.outcome
        }
        let slowOutcome = try await slow.bulkImport { session in
            for rows in batches {
                for row in rows { try session.write(try reader.message(fields: row.fields, messageId: row.id, receivedAt: received)) }
            }
            return try session.outcome
        }
        #expect(fastOutcome == slowOutcome)
        let unique = Set(batches.joined().map(\.id)).count
        #expect(fastOutcome.stored == unique - Set(batches[1].prefix(500).map(\.id)).count)
        #expect(try await fast.counts() == (try await slow.counts()))
        for (b, r) in [(0, 0), (0, 3), (0, 8_999), (1, 0), (1, 7_383), (2, 5), (3, 4_000), (3, 8_998)] {
            let userId = batches[b][r].fields[0]
            let f = try #require(try await fast.customer(userId: userId))
            let s = try #require(try await slow.customer(userId: userId))
            #expect(f.firstSeen == s.firstSeen && f.lastSeen == s.lastSeen, "\(userId)")
            #expect(try await fast.events(customerId: f.id, limit: 50) == (try await slow.events(customerId: s.id, limit: 50)), "\(userId)")
        }
        #expect(try await fast.counts().events == unique)
    }

    /// v4 moves `customer.user_id`'s uniqueness to a named index: a v3 store keeps its customers,
    /// lookups, trait search and uniqueness.
    @Test func aV3StoreKeepsItsCustomersWhenUserIdsMoveToANamedIndex() async throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/v3.sqlite"
        let v3 = try DatabaseQueue(path: path)
        try SQLiteMigrations.migrator.migrate(v3, upTo: "v3-customer-trait-search")
        try await v3.write { db in
            try db.execute(sql: """
                INSERT INTO customer (id, user_id, traits, first_seen, last_seen, created_at) VALUES
                  (1, 'u1', '{"plan":"gold"}', 10, 20, 5), (2, NULL, '{}', 11, 12, 5), (3, 'u3', '{"plan":"silver"}', 30, 40, 5);
                """)
        }
        let store = try SQLiteStore(path: path)
        #expect(try await store.customer(userId: "u3")?.id == 3)
        #expect(try await store.searchCustomers("silver", limit: 5).map(\.id) == [3])
        _ = try await store.ingest([[identify("m1", user: "u1", ["plan": "platinum"], "2026-01-02T00:00:00Z")]])
        #expect(try await store.searchCustomers("platinum", limit: 5).map(\.id) == [1])
        #expect(try await store.searchCustomers("gold", limit: 5).isEmpty)
        let duplicateStored = try await store.writer.write { db in
            (try? db.execute(sql: "INSERT INTO customer (user_id, first_seen, last_seen, created_at) VALUES ('u1', 0, 0, 0)")) != nil
        }
        #expect(!duplicateStored)  // still unique
        let plan = try await store.writer.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT id FROM customer WHERE user_id = 'u1'").map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains(SQLiteMigrations.customerUserIndex) })
    }
}
