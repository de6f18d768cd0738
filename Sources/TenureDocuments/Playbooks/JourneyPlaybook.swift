import TenureCore

/// A journey Tenure ships, ready to install with one command (`tenure journeys install NAME`):
/// its document in YAML for each industry, and the saved segments it needs.
///
/// The documents are the same files a marketer would write, read by the same reader, so what
/// `tenure journeys install win-back --print` shows can be edited and saved with
/// `tenure journeys create FILE`.
public struct JourneyPlaybook: Sendable, Hashable {
    /// The name `install` takes: `onboarding`, `win-back`, …
    public var id: String
    /// One line for the list.
    public var summary: String
    /// The document for each industry; an industry without its own uses the D2C one.
    public var documents: [JourneyIndustry: String]
    /// The saved segments the documents name, by name: their segment expressions. Installing
    /// creates those that are missing and leaves existing ones as they are.
    public var segments: [String: String]

    public init(id: String, summary: String, documents: [JourneyIndustry: String], segments: [String: String] = [:]) {
        self.id = id
        self.summary = summary
        self.documents = documents
        self.segments = segments
    }

    /// The YAML document for an industry.
    public func document(for industry: JourneyIndustry) -> String {
        documents[industry] ?? documents[.d2c] ?? ""
    }

    /// The journey for an industry, read and validated like any journey file. `channel`, when
    /// given, replaces the channel of every send step (the documents send through `webhook`,
    /// the channel every server has); `name` renames the journey.
    public func definition(
        for industry: JourneyIndustry, channel: String? = nil, name: String? = nil, knownSegments: Set<String>? = nil
    ) throws(JourneyDocumentFileError) -> JourneyDefinition {
        var json = try JourneyDocumentFile.json(from: document(for: industry), format: .yaml)
        if case .object(var root) = json {
            if let name { root["name"] = .string(name) }
            if let channel, case .array(let steps) = root["steps"] {
                root["steps"] = .array(steps.map { step in
                    guard case .object(var s) = step, case .object(var send) = s["send"] else { return step }
                    send["channel"] = .string(channel)
                    s["send"] = .object(send)
                    return .object(s)
                })
            }
            json = .object(root)
        }
        do {
            return try JourneyDefinition(json: json, knownSegments: knownSegments.map { $0.union(segments.keys) })
        } catch {
            throw .journey(error)
        }
    }

    /// The industries with a document of their own.
    public var industries: [JourneyIndustry] { JourneyIndustry.allCases.filter { documents[$0] != nil } }
}

/// The kinds of business the playbooks are written for.
public enum JourneyIndustry: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Direct-to-consumer brands with replenishable products (the default).
    case d2c
    /// Online shops with a wide catalogue.
    case ecommerce
    /// Subscriptions: banking and insurance, media, software.
    case subscription
    /// Games: re-engagement with new content, and the strictest frequency.
    case games

    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }

    private var rank: Int {
        switch self {
        case .d2c: 0
        case .ecommerce: 1
        case .subscription: 2
        case .games: 3
        }
    }
}
