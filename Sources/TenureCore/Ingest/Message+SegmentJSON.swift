import Foundation

extension Message {
    /// The message as a Segment spec JSON object: what `tenure simulate --output` writes one per
    /// line, and what `tenure import` and the `/v1/batch` endpoint read back into the same message.
    public var segmentJSON: JSONValue {
        var object: [String: JSONValue] = [
            "type": .string(kind.rawValue),
            "messageId": .string(messageId),
            "timestamp": .string(ISO8601Timestamp.format(timestamp)),
        ]
        if let userId { object["userId"] = .string(userId) }
        if let anonymousId { object["anonymousId"] = .string(anonymousId) }
        if let previousId { object["previousId"] = .string(previousId) }
        if let groupId { object["groupId"] = .string(groupId) }
        switch kind {
        case .track: object["event"] = name.map(JSONValue.string) ?? .null
        case .page, .screen: if let name { object["name"] = .string(name) }
        default: break
        }
        if !traits.isEmpty { object["traits"] = .object(traits) }
        if !properties.isEmpty { object["properties"] = .object(properties) }
        if !context.isEmpty { object["context"] = .object(context) }
        return .object(object)
    }
}
