import Foundation
import TenureCore

/// What the last evaluation of saved segments saw and found, kept by a long-running caller
/// (`tenure serve`'s segment service) so the next evaluation can be incremental: when only new
/// events arrived since (same evaluation day, same churn scores, same merge generation, same
/// definitions), ``SegmentMembership/refresh(store:snapshot:scores:scoresVersion:at:asOf:state:)``
/// reads only those events and re-evaluates only the customers they touch.
public struct SegmentRefreshState: Sendable {
    /// The segments' members and the population they were evaluated over.
    public internal(set) var live: SegmentLiveMembership
    /// Whether the evaluation that left this state continued from the one before (true) or
    /// evaluated every segment in full.
    public internal(set) var continuedFromPrevious = false
    /// The saved segments evaluated: id, name and definition text.
    var segments: [SavedSegment.Identity]
    var asOf: Int32
    var scoresVersion: Date?
    var mergeGeneration: Int
    /// The snapshot's next sequence number: events from here on are new.
    var nextSequence: Int64
    var customers: Int

    /// Whether an evaluation of `segments` over `snapshot` on `asOf` may start from this state.
    func continues(segments: [SavedSegment.Identity], snapshot: StoreSnapshot, asOf: Int32, scoresVersion: Date?) -> Bool {
        self.segments == segments && self.asOf == asOf && self.scoresVersion == scoresVersion
            && mergeGeneration == snapshot.mergeGeneration && nextSequence <= snapshot.nextSequence
            && customers <= snapshot.customerIds.count
    }
}

extension SavedSegment {
    /// What identifies a saved segment's evaluation: its id, name and definition.
    struct Identity: Sendable, Hashable {
        var id: Int64
        var name: String
        var definition: String
    }

    var identity: Identity { Identity(id: id, name: name, definition: definition) }
}
