import Foundation

/// One validated tracking message (Segment's spec: identify, track, page, screen, group, alias),
/// whatever door it came in by: the HTTP API, a PostHog capture, a JSONL or CSV import, or the
/// simulator.
public struct Message: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        case identify, track, page, screen, group, alias
    }

    public var kind: Kind
    /// Deduplication key: a message whose id is already stored is acknowledged and not stored again.
    public var messageId: String
    /// The business's own id for the customer, when known.
    public var userId: String?
    /// A device or cookie id for a visitor not yet known; merged into `userId` by identify/alias.
    public var anonymousId: String?
    /// For `alias`: the id being merged into `userId`.
    public var previousId: String?
    /// For `group`: the account the customer belongs to.
    public var groupId: String?
    /// For `track`: the event name ("Order Completed"); for `page`/`screen`: the page name.
    public var name: String?
    /// When the event happened (client clock, corrected for skew when `sentAt` was given).
    public var timestamp: Date
    /// When Tenure received it.
    public var receivedAt: Date
    /// For `identify` and `group`: the traits set on the customer or account.
    public var traits: [String: JSONValue]
    /// For `track`, `page`, `screen`: the event's properties.
    public var properties: [String: JSONValue]
    /// Client context (library, ip, locale, campaign…), kept as sent.
    public var context: [String: JSONValue]

    public init(
        kind: Kind, messageId: String, userId: String? = nil, anonymousId: String? = nil,
        previousId: String? = nil, groupId: String? = nil, name: String? = nil,
        timestamp: Date, receivedAt: Date? = nil,
        traits: [String: JSONValue] = [:], properties: [String: JSONValue] = [:],
        context: [String: JSONValue] = [:]
    ) {
        self.kind = kind
        self.messageId = messageId
        self.userId = userId
        self.anonymousId = anonymousId
        self.previousId = previousId
        self.groupId = groupId
        self.name = name
        self.timestamp = timestamp
        self.receivedAt = receivedAt ?? timestamp
        self.traits = traits
        self.properties = properties
        self.context = context
    }
}
