import Foundation
import Testing
import TenureCore
import TenureStore

@Suite struct SQLiteStoreSnapshotTests {
    @Test func snapshotHoldsEveryEventOfEveryCustomer() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.ingest([[
            track("1", user: "a", "Order Completed", "2026-01-05T10:00:00Z", ["order_id": "o1", "total": 10]),
            track("2", user: "a", "Order Completed", "2026-02-07T10:00:00Z", ["order_id": "o2", "total": 20]),
            track("3", user: "b", "Order Completed", "2026-01-20T10:00:00Z", ["order_id": "o3", "total": 5]),
            track("4", user: "b", "Application Opened", "2026-03-01T10:00:00Z"),
            identify("5", user: "c", ["email": "c@x.io"], "2026-03-02T00:00:00Z"),
        ]])
        let snapshot = try await store.activitySnapshot()
        #expect(snapshot.activity.customerCount == 3 && snapshot.activity.eventCount == 5)
        #expect(snapshot.customerIds.count == 3)
        // January cohort: a and b bought; in February only a came back.
        let jan = DayNumber.day(year: 2026, month: 1, day: 1), mar = DayNumber.day(year: 2026, month: 3, day: 31)
        let matrix = CohortRetentionQuery(startEvent: .purchases, returnEvent: .purchases, unit: .month, range: DayRange(first: jan, last: mar))
            .run(on: snapshot.activity)
        let january = try #require(matrix.cohorts.first)
        #expect(january.size == 2 && january.counts.prefix(3) == [2, 1, 0])
        #expect(january.revenue.prefix(2) == [15, 20])
        let a = try #require(try await store.customer(userId: "a"))
        let index = try #require(snapshot.customerIds.firstIndex(of: a.id))
        #expect(snapshot.activity.eventCount(of: index) == 2)
    }
}

@Suite struct SnapshotRefreshTests {
    @Test func refreshAppendsNewEventsAndCustomers() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.ingest([[track("1", user: "a", "Order Completed", "2026-01-05T10:00:00Z", ["total": 10])]])
        let first = try await store.activitySnapshot()
        _ = try await store.ingest([[
            track("2", user: "a", "Order Completed", "2026-02-05T10:00:00Z", ["total": 7]),
            track("3", user: "new", "Order Completed", "2026-02-06T10:00:00Z", ["total": 3]),
        ]])
        let refreshed = try await store.refreshed(first)
        let rebuilt = try await store.activitySnapshot()
        #expect(refreshed.activity.eventCount == 3 && refreshed.customerIds == rebuilt.customerIds)
        let range = DayRange(first: DayNumber.day(year: 2026, month: 1, day: 1), last: DayNumber.day(year: 2026, month: 2, day: 28))
        let query = CohortRetentionQuery(startEvent: .purchases, returnEvent: .purchases, range: range)
        #expect(query.run(on: refreshed.activity) == query.run(on: rebuilt.activity))
        // Nothing new: the same snapshot.
        #expect(try await store.refreshed(refreshed).activity.eventCount == 3)
    }

    @Test func aMergeTriggersARebuild() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.ingest([[track("1", user: nil, anon: "v", "Order Completed", "2026-01-05T10:00:00Z", ["total": 10])]])
        let first = try await store.activitySnapshot()
        _ = try await store.ingest([[identify("2", user: "known", anon: "v", [:], "2026-01-06T00:00:00Z")]])
        let refreshed = try await store.refreshed(first)
        #expect(refreshed.customerIds.count == 1 && refreshed.activity.eventCount == 2)
    }
}
