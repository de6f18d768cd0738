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
