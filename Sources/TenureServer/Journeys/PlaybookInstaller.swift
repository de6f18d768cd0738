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
        var existing: [String] = []
        // Segments in an order that creates a referenced segment before the one referring to it.
        var pending = playbook.segments.sorted { $0.key < $1.key }
        var known = saved
        while !pending.isEmpty {
            let before = pending.count
            for (segmentName, text) in pending {
                if known.contains(segmentName) && saved.contains(segmentName) {
                    existing.append(segmentName)
                    pending.removeAll { $0.key == segmentName }
                    continue
                }
                let requirements = SegmentRequirements(try SegmentExpression(parsing: text))
                guard requirements.segments.isSubset(of: known) else { continue }
                _ = try SegmentExpression(parsing: text, knownSegments: known)
                _ = try await store.createSegment(name: segmentName, definition: text, description: "Installed with the \(playbook.id) playbook.", by: by)
                known.insert(segmentName)
                created.append(segmentName)
                pending.removeAll { $0.key == segmentName }
            }
            guard pending.count < before else { break }
        }
        let journey = try await store.saveJourney(definition, by: by)
        return Outcome(
            playbook: playbook.id, industry: industry.rawValue, journey: journey.name, version: journey.version,
            createdSegments: created, existingSegments: existing.sorted())
    }
}
