import Foundation
import TenureCore

/// Evaluates saved segments over a store snapshot and records their membership: the one path
/// the CLI (`tenure segments refresh`) and the server's ``SegmentService`` share.
public enum SegmentMembership {
    /// The expressions of `segments`, each checked against the others' names.
    public static func expressions(of segments: [SavedSegment]) throws -> [String: SegmentExpression] {
        let names = Set(segments.map(\.name))
        var out: [String: SegmentExpression] = [:]
        for s in segments { out[s.name] = try s.expression(knownSegments: names) }
        return out
    }

    /// Members (snapshot indices) of every segment in `definitions`, evaluated on `asOf`; `extra`
    /// expressions (a preview) may refer to them.
    public static func evaluate(
        _ definitions: [String: SegmentExpression], source: any SegmentPopulationSource, snapshot: StoreSnapshot, asOf: Int32,
        scores: CustomerScores?
    ) async throws -> (members: [String: SegmentMembers], population: SegmentPopulation) {
        let population = try await source.segmentPopulation(
            of: snapshot, requirements: SegmentRequirements(definitions.values), asOf: asOf, scores: scores)
        let members = try SegmentEvaluator.evaluateAll(definitions, population: population, threads: ProcessInfo.processInfo.activeProcessorCount)
        return (members, population)
    }

    /// The store customer ids of members given as snapshot indices, ascending.
    public static func storeIds(_ members: SegmentMembers, in snapshot: StoreSnapshot) -> [Int64] {
        var ids: [Int64] = []
        ids.reserveCapacity(members.count)
        members.forEach { if $0 < snapshot.customerIds.count { ids.append(snapshot.customerIds[$0]) } }
        return ids.sorted()
    }

    /// ``refresh(store:snapshot:scores:at:asOf:)`` for a caller that keeps `state` between calls:
    /// when only new events arrived since the state's evaluation (same day, same
    /// `scoresVersion`, same merge generation, same definitions), only those events are read and
    /// only the customers they touch are evaluated again (see ``SegmentLiveMembership``); else
    /// every segment is evaluated in full. `state` is updated either way.
    public static func refresh(
        store: any SegmentStore & SegmentPopulationSource, snapshot: StoreSnapshot, scores: CustomerScores?, scoresVersion: Date?,
        at time: Date, asOf: Int32? = nil, state: inout SegmentRefreshState?
    ) async throws -> [SegmentMembershipOutcome] {
        let saved = try await store.segments()
        guard !saved.isEmpty else {
            state = nil
            return []
        }
        let day = asOf ?? DayNumber.day(of: time)
        let identities = saved.map(\.identity)
        let threads = ProcessInfo.processInfo.activeProcessorCount
        var next: SegmentRefreshState
        if var previous = state, previous.continues(segments: identities, snapshot: snapshot, asOf: day, scoresVersion: scoresVersion),
            let change = try await store.segmentPopulationChange(
                since: previous.nextSequence, customers: previous.customers, in: snapshot,
                requirements: SegmentRequirements(previous.live.definitions.values), asOf: day)
        {
            state = nil  // no copy of the population while it is patched
            _ = try previous.live.refresh(change, snapshot: snapshot.activity, scores: scores, threads: threads)
            next = previous
            next.continuedFromPrevious = true
        } else {
            state = nil
            let definitions = try expressions(of: saved)
            let population = try await store.segmentPopulation(
                of: snapshot, requirements: SegmentRequirements(definitions.values), asOf: day, scores: scores)
            let live = try SegmentLiveMembership(definitions: definitions, population: population, threads: threads)
            next = SegmentRefreshState(
                live: live, segments: identities, asOf: day, scoresVersion: scoresVersion, mergeGeneration: snapshot.mergeGeneration,
                nextSequence: snapshot.nextSequence, customers: snapshot.customerIds.count)
        }
        next.nextSequence = snapshot.nextSequence
        next.customers = snapshot.customerIds.count
        let members = next.live.members
        let updates = saved.map { s in
            SegmentMembershipUpdate(segmentId: s.id, members: storeIds(members[s.name] ?? SegmentMembers(customerCount: 0), in: snapshot), asOf: day)
        }
        let outcomes = try await store.recordMemberships(updates, at: time)
        state = next
        return outcomes
    }

    /// Evaluates every saved segment on `asOf` and records the memberships and their entry/exit
    /// events (exactly once; see ``SegmentStore``). The evaluation day defaults to `time`'s UTC day.
    public static func refresh(
        store: any SegmentStore & SegmentPopulationSource, snapshot: StoreSnapshot, scores: CustomerScores?, at time: Date,
        asOf: Int32? = nil
    ) async throws -> [SegmentMembershipOutcome] {
        let saved = try await store.segments()
        guard !saved.isEmpty else { return [] }
        let day = asOf ?? DayNumber.day(of: time)
        let (members, _) = try await evaluate(expressions(of: saved), source: store, snapshot: snapshot, asOf: day, scores: scores)
        let updates = saved.map { s in
            SegmentMembershipUpdate(segmentId: s.id, members: storeIds(members[s.name] ?? SegmentMembers(customerCount: 0), in: snapshot), asOf: day)
        }
        return try await store.recordMemberships(updates, at: time)
    }
}
