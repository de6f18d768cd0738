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
