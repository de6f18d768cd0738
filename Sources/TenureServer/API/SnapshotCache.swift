import Foundation
import TenureCore
import TenureStore

/// The analytics snapshot the JSON API answers from: built on first use, then refreshed with
/// the events stored since, at most once a second, so reports see new events within a second.
public actor SnapshotCache {
    private let store: any SnapshotSource
    private var snapshot: StoreSnapshot?
    private var refreshedAt: ContinuousClock.Instant?

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
}
