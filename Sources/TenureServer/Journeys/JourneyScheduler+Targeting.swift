import Foundation
import Logging
import TenureCore
import TenureStore

/// Targets (``JourneyTarget``): the customers each journey with a budget may take in, the top
/// of its ranking, worked out at most once an hour (or when the scores, the merges or the
/// journeys change), not on every pass.
extension JourneyScheduler {
    struct TargetCache {
        struct Key: Equatable {
            var hour: Int64
            var merges: Int
            var scoredAt: Date?
            var journeys: [String]
        }
        var key: Key
        var sets: [Int64: Set<Int64>]
    }

    /// The customers (store ids) each active targeted journey may take in now.
    func targets(for journeys: [SavedJourney], at now: Date) async throws -> [Int64: Set<Int64>] {
        let targeted = journeys.filter { $0.status == .active && $0.definition.target != nil }
        guard !targeted.isEmpty else { return [:] }
        let snapshot = try await cache.current()
        let ranking = await scores?.latest
        let key = TargetCache.Key(
            hour: Int64((now.timeIntervalSince1970 / 3600).rounded(.down)), merges: snapshot.mergeGeneration, scoredAt: ranking?.scoredAt,
            journeys: targeted.map { "\($0.id)/\($0.version)" })
        if let cached = targetCache, cached.key == key { return cached.sets }
        let risk = ranking?.customerScores(for: snapshot)?.churnRisk
        var sets: [Int64: Set<Int64>] = [:]
        for journey in targeted {
            guard let target = journey.definition.target else { continue }
            var scores = risk
            if target.by == .uplift, let uplift = try await upliftScores(journey, snapshot: snapshot, at: now) { scores = uplift }
            guard let scores else {
                logger.info("a targeted journey takes nobody until customers are scored", metadata: ["journey": "\(journey.name)"])
                sets[journey.id] = []
                continue
            }
            let ids = snapshot.customerIds
            sets[journey.id] = Set(JourneyTarget.topPositions(Array(scores.prefix(ids.count)), top: target.top).map { ids[$0] })
        }
        targetCache = TargetCache(key: key, sets: sets)
        return sets
    }

    /// Predicted uplift for every customer (``JourneyUpliftModel``); nil until the journey has
    /// enough decided entries of its own.
    func upliftScores(_ journey: SavedJourney, snapshot: StoreSnapshot, at now: Date) async throws -> [Double]? {
        guard let model = JourneyUpliftModel(entries: try await store.journeyEntries(id: journey.id, at: now), snapshot: snapshot) else { return nil }
        return try model.scores(snapshot: snapshot, asOf: DayNumber.day(of: now))
    }
}
