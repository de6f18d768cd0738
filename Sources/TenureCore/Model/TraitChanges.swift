import Foundation

/// Changes to a customer's traits that a message carries besides an identify's `traits`:
/// PostHog's person properties (`$set`, `$set_once`, `$unset`), which any event may carry.
///
/// Applied by the store in the transaction that stores the message, with PostHog's outcome:
/// `set` overwrites (unless an identify or change stamped later than this message already set
/// the traits), `setOnce` only fills keys the customer has no value for (within one message,
/// `set` wins on the same key), and `unset` removes keys under the same newer-wins rule as `set`.
public struct TraitChanges: Sendable, Hashable {
    /// Traits to overwrite (`$set`); an identify's own `traits` are applied the same way.
    public var set: [String: JSONValue]
    /// Traits set only where the customer has no value for the key yet (`$set_once`), whatever
    /// the message's time: a value set earlier, by a `$set` or an identify, is never replaced.
    public var setOnce: [String: JSONValue]
    /// Names of traits to remove (`$unset`), in the order sent, without repeats.
    public var unset: [String]

    public init(set: [String: JSONValue] = [:], setOnce: [String: JSONValue] = [:], unset: [String] = []) {
        self.set = set
        self.setOnce = setOnce
        var seen = Set<String>()
        self.unset = unset.filter { seen.insert($0).inserted }
    }

    /// No change at all.
    public var isEmpty: Bool { self.set.isEmpty && setOnce.isEmpty && unset.isEmpty }

    /// The changes as PostHog spells them, `{"$set": {…}, "$set_once": {…}, "$unset": […]}`, with
    /// the empty parts left out: how the store's event record keeps them.
    public var json: JSONValue {
        var object: [String: JSONValue] = [:]
        if !set.isEmpty { object["$set"] = .object(set) }
        if !setOnce.isEmpty { object["$set_once"] = .object(setOnce) }
        if !unset.isEmpty { object["$unset"] = .array(unset.map(JSONValue.string)) }
        return .object(object)
    }

    /// Reads `json`'s shape back; parts of the wrong type (a `$set` that is not an object, an
    /// `$unset` entry that is not a string) are left out, as PostHog leaves them out.
    public init(json: JSONValue) {
        self.init(set: json["$set"]?.objectValue ?? [:], setOnce: json["$set_once"]?.objectValue ?? [:], unset: Self.names(json["$unset"]))
    }

    /// `$unset`'s trait names: an array of strings, or (as some clients send) an object whose keys
    /// are the names.
    static func names(_ value: JSONValue?) -> [String] {
        switch value {
        case .array(let items)?: items.compactMap(\.stringValue)
        case .object(let members)?: members.keys.sorted()
        default: []
        }
    }
}

extension TraitChanges: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(json: try JSONValue(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }
}
