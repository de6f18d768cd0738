import Foundation
import TenureCore
import TenureStore

/// What the scheduled triggers were evaluated on: evaluating again with the same key would fire
/// the same keys for the same customers, which the store would only count as already enrolled.
struct ScheduledEvaluationKey: Equatable {
    /// The snapshot's events and merges (a refresh).
    var events: Int
    var merges: Int
    /// The UTC hour: customers' local days begin at different UTC hours.
    var hour: Int64
    /// The latest scoring.
    var scoredAt: Date?
    /// The journeys and versions evaluated.
    var journeys: [String]
}

extension JourneyScheduler {
    /// Evaluates the scheduled triggers of `journeys` over the current snapshot and enrols who
    /// they fire for; `nil` when nothing changed since the last evaluation (the same snapshot,
    /// hour, scoring and journeys), or only the snapshot did, within
    /// ``Configuration/scheduledTriggerInterval``.
    func evaluateScheduledTriggers(_ journeys: [SavedJourney]) async throws -> JourneyScheduledPass? {
        let now = clock.now()
        let snapshot = try await cache.current()
        let ranking = await scores?.latest
        let key = ScheduledEvaluationKey(
            events: snapshot.activity.eventCount, merges: snapshot.mergeGeneration, hour: Int64((now.timeIntervalSince1970 / 3600).rounded(.down)),
            scoredAt: ranking?.scoredAt, journeys: journeys.map { "\($0.id)/\($0.version)" })
        if let last = scheduledEvaluation {
            if last.key == key { return nil }
            var onlyEvents = last.key
            onlyEvents.events = key.events
            if onlyEvents == key, now.timeIntervalSince(last.at) < configuration.scheduledTriggerInterval { return nil }
        }
        let risk = noteScoring(ranking, snapshot: snapshot)
        let triggers = journeys.map(\.definition.trigger)
        let population = try await store.segmentPopulation(
            of: snapshot, requirements: ScheduledTriggerEvaluator.requirements(of: triggers), asOf: DayNumber.day(of: now), scores: nil)
        let evaluator = ScheduledTriggerEvaluator(
            snapshot: snapshot.activity, population: population, now: now, defaultTimeZone: configuration.defaultTimeZone, risk: risk)
        var pass = JourneyScheduledPass()
        for journey in journeys {
            let firings = evaluator.firings(journey.definition.trigger)
            guard !firings.isEmpty else { continue }
            let kind = Self.kindName(journey.definition.trigger)
            let known = committedFirings[journey.id] ?? []
            var hashes = Set<Int>(minimumCapacity: firings.count)
            // In slices, so a million firings never hold a million candidates' trigger documents.
            for start in stride(from: 0, to: firings.count, by: Self.candidateSlice) {
                var fresh: [ScheduledEnrolmentCandidate] = []
                fresh.reserveCapacity(min(Self.candidateSlice, firings.count - start))
                for f in firings[start..<min(start + Self.candidateSlice, firings.count)] {
                    guard f.customer >= 0, Int(f.customer) < snapshot.customerIds.count else { continue }
                    let customerId = snapshot.customerIds[Int(f.customer)]
                    let hash = Self.firingHash(customerId: customerId, key: f.key)
                    hashes.insert(hash)
                    // Committed by the last evaluation (the store would find them enrolled, at a
                    // cost per customer that a million birthdays make seconds).
                    if known.contains(hash) {
                        pass.already += 1
                        continue
                    }
                    var trigger: [String: JSONValue] = ["scheduled": .string(kind), "key": .string(f.key)]
                    if let r = f.replenishment {
                        trigger["replenishment"] = [
                            "interval_days": .number(r.intervalDays), "runs_out_on": .string(DayNumber.isoString(r.runsOutOn)),
                            "last_order_on": .string(DayNumber.isoString(r.lastOrderDay)), "orders": .number(Double(r.orders)),
                        ]
                    }
                    fresh.append(ScheduledEnrolmentCandidate(customerId: customerId, key: f.key, trigger: .object(trigger)))
                }
                let part = try await store.enrolScheduled(
                    journey: journey, candidates: fresh, at: now, globalControlShare: configuration.globalControlShare, target: targetSets[journey.id])
                pass.entered += part.entered
                pass.refused += part.refused
                pass.already += part.already
            }
            committedFirings[journey.id] = hashes
        }
        committedFirings = committedFirings.filter { id, _ in journeys.contains { $0.id == id } }
        scheduledEvaluation = (key, now)
        return pass
    }

    /// Records a new scoring; the latest two, when both are known for this snapshot's customers.
    /// The first scoring this scheduler sees is only a baseline: scores are not persisted, so
    /// after a restart whether a customer was below the threshold before is unknown.
    private func noteScoring(_ ranking: RiskScores.Ranking?, snapshot: StoreSnapshot) -> ChurnRiskScorings? {
        guard let ranking, let scores = ranking.customerScores(for: snapshot) else { return nil }
        if riskSeen?.scoredAt != ranking.scoredAt {
            let previous = riskSeen.flatMap { $0.generation == snapshot.mergeGeneration ? $0.latest : nil }
            riskSeen = (ranking.scoredAt, snapshot.mergeGeneration, scores.churnRisk, previous)
        }
        guard let seen = riskSeen, let previous = seen.previous else { return nil }
        return ChurnRiskScorings(latest: seen.latest, scoredAt: seen.scoredAt, previous: previous)
    }

    /// A firing's identity for ``JourneyScheduler/committedFirings`` (in memory only, so the
    /// per-process seed of `Hasher` is fine; a 64-bit collision among a million firings, about
    /// one chance in 10⁷, would skip that one firing until the scheduler restarts).
    static func firingHash(customerId: Int64, key: String) -> Int {
        var h = Hasher()
        h.combine(customerId)
        h.combine(key)
        return h.finalize()
    }

    /// Firings turned into candidates and sent to the store at a time.
    static let candidateSlice = 50_000

    static func kindName(_ trigger: JourneyTrigger) -> String {
        switch trigger {
        case .inactivity: "inactivity"
        case .date: "date"
        case .replenishment: "replenishment"
        case .churnRiskAbove: "churn_risk_above"
        case .event: "event"
        case .segmentEntered: "segment_entered"
        case .segmentExited: "segment_exited"
        case .cancellation: "cancellation"
        }
    }
}
