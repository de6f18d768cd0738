import Foundation

/// Computed page data, kept per snapshot version: a page is computed once for the data it shows
/// and then only rendered. When the data changes, the last value is served (stale) while the new
/// one is computed in the background, so a steady stream of events never makes pages wait; only
/// the very first request for a page waits (or, for slow work such as model training, is told
/// that it is still running).
actor DashboardCache {
    private struct Entry {
        var version: DashboardSnapshot.Version
        var value: any Sendable
        var used: UInt64
    }

    private var entries: [String: Entry] = [:]
    private var running: [String: Task<any Sendable, any Error>] = [:]
    private var clock: UInt64 = 0
    /// Parameterised pages (dates, units) make many keys; the least recently used go first.
    private let capacity: Int

    init(capacity: Int = 256) {
        self.capacity = capacity
    }

    /// The value for `key` at `version`. A value computed for an earlier version is returned at
    /// once while the current one is computed; with no value at all, waits for it when `wait`, else
    /// returns nil and leaves it computing.
    func value<T: Sendable>(
        _ key: String, version: DashboardSnapshot.Version, wait: Bool, compute: @escaping @Sendable () async throws -> T
    ) async throws -> T? {
        clock += 1
        if var entry = entries[key] {
            entry.used = clock
            entries[key] = entry
            if entry.version != version { _ = start(key, version: version, compute: compute) }
            return entry.value as? T
        }
        let task = start(key, version: version, compute: compute)
        guard wait else { return nil }
        return try await task.value as? T
    }

    private func start<T: Sendable>(
        _ key: String, version: DashboardSnapshot.Version, compute: @escaping @Sendable () async throws -> T
    ) -> Task<any Sendable, any Error> {
        let id = key + "@" + version.description
        if let task = running[id] { return task }
        let task = Task<any Sendable, any Error>.detached(priority: .medium) { try await compute() }
        running[id] = task
        Task { await self.finish(key, id: id, version: version, task: task) }
        return task
    }

    private func finish(_ key: String, id: String, version: DashboardSnapshot.Version, task: Task<any Sendable, any Error>) async {
        let result = try? await task.value
        running[id] = nil
        guard let result else { return }
        clock += 1
        entries[key] = Entry(version: version, value: result, used: clock)
        if entries.count > capacity, let oldest = entries.min(by: { $0.value.used < $1.value.used })?.key {
            entries[oldest] = nil
        }
    }
}
