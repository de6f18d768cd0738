import Foundation
import TenureCore

/// A saved segment: a name, its definition (the canonical text form of a ``SegmentExpression``),
/// who changed it and when, and its membership as last recorded.
public struct SavedSegment: Sendable, Hashable, Codable {
    public var id: Int64
    public var name: String
    /// The canonical text form; parse it with ``SegmentExpression/init(parsing:knownSegments:)``.
    public var definition: String
    public var description: String
    public var createdBy: String
    public var createdAt: Date
    public var updatedBy: String
    public var updatedAt: Date
    /// Members at the last recorded evaluation; `nil` before the first.
    public var memberCount: Int?
    /// When membership was last recorded.
    public var evaluatedAt: Date?

    public init(
        id: Int64, name: String, definition: String, description: String, createdBy: String, createdAt: Date, updatedBy: String,
        updatedAt: Date, memberCount: Int? = nil, evaluatedAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.definition = definition
        self.description = description
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedBy = updatedBy
        self.updatedAt = updatedAt
        self.memberCount = memberCount
        self.evaluatedAt = evaluatedAt
    }

    /// The parsed definition.
    public func expression(knownSegments: Set<String>? = nil) throws(SegmentExpressionError) -> SegmentExpression {
        try SegmentExpression(parsing: definition, knownSegments: knownSegments)
    }
}

/// One segment's new membership, to be recorded with its transitions.
public struct SegmentMembershipUpdate: Sendable {
    public var segmentId: Int64
    /// Members now, ascending store customer ids (each the id a merge kept).
    public var members: [Int64]
    /// The evaluation day.
    public var asOf: Int32

    public init(segmentId: Int64, members: [Int64], asOf: Int32) {
        self.segmentId = segmentId
        self.members = members
        self.asOf = asOf
    }
}

/// What recording one segment's membership changed.
public struct SegmentMembershipOutcome: Sendable, Equatable {
    public var segmentId: Int64
    public var transitions: SegmentTransitions
    /// `Segment Entered` / `Segment Exited` events stored (fewer than the transitions only when
    /// the same recording had been committed before, so its events were already stored).
    public var eventsStored: Int
}

/// What went wrong with saved segments.
public enum SegmentStoreError: Error, Equatable, CustomStringConvertible {
    case segmentExists(String)
    case noSuchSegment(String)
    case invalidName(String)
    case usedBy(segment: String, users: [String])

    public var description: String {
        switch self {
        case .segmentExists(let name): "a segment named \(SegmentTextForm.quoted(name)) already exists; pick another name or update it"
        case .noSuchSegment(let name): "no segment named \(SegmentTextForm.quoted(name))"
        case .invalidName(let why): "invalid segment name: \(why)"
        case .usedBy(let segment, let users):
            "segment \(SegmentTextForm.quoted(segment)) is used by \(users.map(SegmentTextForm.quoted).joined(separator: ", ")); change those first"
        }
    }
}

/// Where saved segments and their recorded membership are kept.
///
/// Membership is recorded exactly once per change: ``recordMemberships(_:at:)`` stores the new
/// members and a `Segment Entered` / `Segment Exited` event per transition in one transaction, the
/// events under message ids derived from the segment and the recording's generation, so a crash
/// before the commit records nothing, and a crash after records everything once.
public protocol SegmentStore: Sendable {
    /// Saves a new segment; the definition must already be validated.
    func createSegment(name: String, definition: String, description: String, by: String) async throws -> SavedSegment
    /// Changes a segment's definition (and description, when given).
    func updateSegment(name: String, definition: String, description: String?, by: String) async throws -> SavedSegment
    /// Every saved segment, by name.
    func segments() async throws -> [SavedSegment]
    func segment(named name: String) async throws -> SavedSegment?
    /// Deletes a segment and its recorded membership (no exit events: the segment is gone, not
    /// its members' status); false when there was none. Refuses while other segments refer to it.
    func deleteSegment(named name: String) async throws -> Bool
    /// The recorded members (ascending store customer ids, as recorded: not yet read through later merges).
    func recordedMembers(of segmentId: Int64) async throws -> [Int64]?
    /// Records the new memberships and their transitions; see the protocol's note on exactly-once.
    func recordMemberships(_ updates: [SegmentMembershipUpdate], at time: Date) async throws -> [SegmentMembershipOutcome]
    /// Recorded member counts per day (the last recording of each day), oldest first.
    func segmentSizes(of segmentId: Int64, days: Int) async throws -> [(day: Int32, members: Int)]
}

/// Builds the data segments are evaluated over from a store's snapshot.
public protocol SegmentPopulationSource: Sendable {
    func segmentPopulation(
        of snapshot: StoreSnapshot, requirements: SegmentRequirements, asOf: Int32, scores: CustomerScores?
    ) async throws -> SegmentPopulation

    /// What arrived since a population was gathered from an earlier snapshot of the same merge
    /// generation (its events below sequence `sequence`, its first `customers` customers), for
    /// ``SegmentLiveMembership``; nil when the source cannot tell (evaluate in full then).
    func segmentPopulationChange(
        since sequence: Int64, customers: Int, in snapshot: StoreSnapshot, requirements: SegmentRequirements, asOf: Int32
    ) async throws -> SegmentPopulationChange?
}

extension SegmentPopulationSource {
    public func segmentPopulationChange(
        since sequence: Int64, customers: Int, in snapshot: StoreSnapshot, requirements: SegmentRequirements, asOf: Int32
    ) async throws -> SegmentPopulationChange? { nil }
}
