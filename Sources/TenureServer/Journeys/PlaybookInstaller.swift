import Foundation
import TenureCore
import TenureDocuments
import TenureStore

/// Installs a shipped playbook: creates the saved segments it needs that are missing (leaving
/// existing ones as they are), then saves its journey, a new journey or a new version of one.
/// What `tenure journeys install` and `POST /api/v1/journeys/install` do.
public struct PlaybookInstaller: Sendable {
    let store: any JourneyStore & SegmentStore

    public init(store: any JourneyStore & SegmentStore) {
        self.store = store
    }

    /// What an installation did.
    public struct Outcome: Sendable, Encodable {
        public var playbook: String
        public var industry: String
        public var journey: String
        public var version: Int
        /// The segments it created (those that were missing).
        public var createdSegments: [String]
        /// The segments it needed and found saved already (kept as they were).
        public var existingSegments: [String]
    }

    /// Installs `playbook` for `industry`; `channel` replaces every send step's channel, `name`
    /// renames the journey. Nothing is saved when the journey is refused.
    public func install(
        _ playbook: JourneyPlaybook, industry: JourneyIndustry, channel: String? = nil, name: String? = nil, by: String
    ) async throws -> Outcome {
        let saved = Set(try await store.segments().map(\.name))
        // Validate everything before saving anything.
        let definition = try playbook.definition(for: industry, channel: channel, name: name, knownSegments: saved)
        if let existing = try await store.journey(named: definition.name), existing.status == .archived {
            throw JourneyStoreError.archived(definition.name)
        }
        var created: [String] = []
        let existing = playbook.segments.keys.filter(saved.contains)
        // The missing segments, each created once the segments it refers to exist.
        var pending = playbook.segments.filter { !saved.contains($0.key) }.sorted { $0.key < $1.key }
        var known = saved
        while let next = pending.firstIndex(where: { (_, text) in
            (try? SegmentExpression(parsing: text)).map { SegmentRequirements($0).segments.isSubset(of: known) } ?? true
        }) {
            let (segmentName, text) = pending.remove(at: next)
            _ = try SegmentExpression(parsing: text, knownSegments: known)
            _ = try await store.createSegment(name: segmentName, definition: text, description: "Installed with the \(playbook.id) playbook.", by: by)
            known.insert(segmentName)
            created.append(segmentName)
        }
        let journey = try await store.saveJourney(definition, by: by)
        return Outcome(
            playbook: playbook.id, industry: industry.rawValue, journey: journey.name, version: journey.version,
            createdSegments: created, existingSegments: existing.sorted())
    }
}
