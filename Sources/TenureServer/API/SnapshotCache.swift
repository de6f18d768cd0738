import Foundation
import TenureCore
import TenureStore

/// The analytics snapshot the JSON API answers from: built on first use, then refreshed with
/// the events stored since, at most once a second, so reports see new events within a second.
public actor SnapshotCache {
    private let store: any SnapshotSource
    private var snapshot: StoreSnapshot?
    private var refreshedAt: ContinuousClock.Instant?
    /// The customer attributes of the latest snapshot asked for, built once per snapshot.
    private var attributesTask: (key: AttributesKey, task: Task<CustomerAttributes, any Error>)?

    private struct AttributesKey: Equatable {
        var nextSequence: Int64
        var customers: Int
    }

    public init(store: any SnapshotSource) {
        self.store = store
    }

    public func current() async throws -> StoreSnapshot {
        if let snapshot, let refreshedAt, ContinuousClock.now - refreshedAt < .seconds(1) { return snapshot }
        let next: StoreSnapshot
        if let snapshot {
            next = try await store.refreshed(snapshot)
        } else {
            next = try await store.activitySnapshot()
        }
        snapshot = next
        refreshedAt = .now
        return next
    }

    /// The churn models' customer attributes (NPS, discounted orders, traits) of `snapshot`, read
    /// from the store once per snapshot and shared by every caller asking for the same one.
    public func attributes(of snapshot: StoreSnapshot) async throws -> CustomerAttributes {
        let key = AttributesKey(nextSequence: snapshot.nextSequence, customers: snapshot.customerIds.count)
        if let current = attributesTask, current.key == key { return try await current.task.value }
        let store = self.store
        let task = Task { try await store.customerAttributes(of: snapshot) }
        attributesTask = (key, task)
        return try await task.value
    }
}
