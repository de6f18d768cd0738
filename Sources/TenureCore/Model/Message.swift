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
    public var traits: [String: JSONValue] { didSet { traitsJSON = nil } }
    /// For `track`, `page`, `screen`: the event's properties.
    public var properties: [String: JSONValue] { didSet { propertiesJSON = nil } }
    /// Client context (library, ip, locale, campaign…), kept as sent.
    public var context: [String: JSONValue] { didSet { contextJSON = nil } }
    /// Trait changes besides an identify's `traits`, for any kind of message: PostHog's `$set`,
    /// `$set_once` and `$unset` (see `TraitChanges`). Empty for Segment messages.
    public var traitChanges: TraitChanges

    /// `traits` as compact JSON text, when the parser kept the text the client sent (its keys in
    /// the client's order), so the store need not write it again; nil means not known. Changing
    /// `traits` clears it. Not part of equality: it is the same value.
    public internal(set) var traitsJSON: String?
    /// `properties` as compact JSON text, when known; see `traitsJSON`.
    public internal(set) var propertiesJSON: String?
    /// `context` as compact JSON text, when known; see `traitsJSON`.
    public internal(set) var contextJSON: String?

    public init(
        kind: Kind, messageId: String, userId: String? = nil, anonymousId: String? = nil,
        previousId: String? = nil, groupId: String? = nil, name: String? = nil,
        timestamp: Date, receivedAt: Date? = nil,
        traits: [String: JSONValue] = [:], properties: [String: JSONValue] = [:],
        context: [String: JSONValue] = [:], traitChanges: TraitChanges = TraitChanges()
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
        self.traitChanges = traitChanges
    }
}

extension Message {
    /// Equal when every field is, whatever JSON text was kept for the objects.
    public static func == (a: Message, b: Message) -> Bool {
        a.kind == b.kind && a.messageId == b.messageId && a.userId == b.userId && a.anonymousId == b.anonymousId
            && a.previousId == b.previousId && a.groupId == b.groupId && a.name == b.name && a.timestamp == b.timestamp
            && a.receivedAt == b.receivedAt && a.traits == b.traits && a.properties == b.properties && a.context == b.context
            && a.traitChanges == b.traitChanges
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(messageId)
        hasher.combine(userId)
        hasher.combine(anonymousId)
        hasher.combine(previousId)
        hasher.combine(groupId)
        hasher.combine(name)
        hasher.combine(timestamp)
        hasher.combine(receivedAt)
        hasher.combine(traits)
        hasher.combine(properties)
        hasher.combine(context)
        hasher.combine(traitChanges)
    }
}
