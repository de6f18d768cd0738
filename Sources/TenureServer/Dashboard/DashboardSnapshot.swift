import Foundation
import TenureCore
import TenureStore

/// The data every dashboard page is computed from: the analytics snapshot, the subscription
/// changes, and which store customer each snapshot index is.
public struct DashboardSnapshot: Sendable {
    public var activity: ActivitySnapshot
    /// Subscription changes in time order (snapshot customer index, change).
    public var subscriptionChanges: [(customer: Int32, change: SubscriptionChange)]
    /// `customerIds[i]` is the store id of snapshot customer `i`.
    public var customerIds: [Int64]
    /// Identifies the data: pages computed for one version are reused until it changes.
    public var version: Version

    /// Changes whenever the snapshot gains events, customers or subscription changes.
    public struct Version: Sendable, Hashable, CustomStringConvertible {
        public var lastEventId: Int64
        public var events: Int
        public var customers: Int
        public var subscriptionChanges: Int

        public var description: String { "\(lastEventId).\(events).\(customers).\(subscriptionChanges)" }
    }

    public init(
        activity: ActivitySnapshot, subscriptionChanges: [(customer: Int32, change: SubscriptionChange)] = [],
        customerIds: [Int64], lastEventId: Int64
    ) {
        self.activity = activity
        self.subscriptionChanges = subscriptionChanges
        self.customerIds = customerIds
        self.version = Version(
            lastEventId: lastEventId, events: activity.eventCount, customers: activity.customerCount,
            subscriptionChanges: subscriptionChanges.count)
        customerIdsAscending = zip(customerIds, customerIds.dropFirst()).allSatisfy { $0 < $1 }
    }

    public init(_ store: StoreSnapshot) {
        self.init(
            activity: store.activity, subscriptionChanges: store.subscriptionChanges, customerIds: store.customerIds,
            lastEventId: store.nextSequence)
        self.store = store
    }

    /// The store snapshot this was built from, which saved segments are evaluated over (nil for a
    /// synthetic snapshot: the segment editor then says it cannot count).
    public var store: StoreSnapshot?

    /// Reads the churn models' customer attributes of this snapshot (nil: none, e.g. a synthetic snapshot).
    public var loadAttributes: (@Sendable () async throws -> CustomerAttributes)?

    /// The customer attributes, or nil when there are none or they cannot be read (the model then trains without them).
    func attributes() async -> CustomerAttributes? {
        try? await loadAttributes?()
    }

    private var customerIdsAscending: Bool

    /// Subscription spans as of `asOf` (a day number).
    func subscriptions(asOf: Int32) -> SubscriptionSpans {
        SubscriptionSpans(changes: subscriptionChanges, asOf: asOf)
    }

    /// The snapshot index of the store customer `id`, or nil when the snapshot does not know them.
    func index(ofStoreId id: Int64) -> Int? {
        if customerIdsAscending {
            var low = 0, high = customerIds.count
            while low < high {
                let mid = (low + high) / 2
                if customerIds[mid] < id { low = mid + 1 } else { high = mid }
            }
            return low < customerIds.count && customerIds[low] == id ? low : nil
        }
        return customerIds.firstIndex(of: id)
    }

    /// The days pages cover: the data's days without far outliers (`ActivitySnapshot.reportRange`),
    /// or nil without events.
    var range: DayRange? {
        activity.reportRange.map { DayRange(first: $0.lowerBound, last: $0.upperBound) }
    }
}

/// Where the dashboard gets its current snapshot.
public protocol DashboardDataSource: Sendable {
    func current() async throws -> DashboardSnapshot
}

/// The server's snapshot cache (refreshed at most once a second) as a dashboard source.
struct SnapshotCacheSource: DashboardDataSource {
    let cache: SnapshotCache

    func current() async throws -> DashboardSnapshot {
        let store = try await cache.current(), cache = self.cache
        var snapshot = DashboardSnapshot(store)
        snapshot.loadAttributes = { try await cache.attributes(of: store) }
        return snapshot
    }
}

/// A fixed snapshot, for benchmarks and tests.
public struct FixedDashboardSource: DashboardDataSource {
    let snapshot: DashboardSnapshot

    public init(_ snapshot: DashboardSnapshot) {
        self.snapshot = snapshot
    }

    public func current() async throws -> DashboardSnapshot { snapshot }
}
