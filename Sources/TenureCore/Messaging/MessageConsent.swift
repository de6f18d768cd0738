/// Whether a customer may be sent a message, from what they told us: checked when a message is
/// queued and again when it is handed to its channel, so an opt-out that arrives while a message
/// waits in the outbox still stops it.
///
/// Read from the customer's traits:
/// - `unsubscribed: true` — no marketing on any channel (transactional messages still go);
/// - `unsubscribed_channels: ["email", …]` — nothing at all on those channels, transactional
///   included (a hard opt-out of the channel);
/// - `unsubscribed_topics: ["offers", …]` — no marketing of those topics;
///
/// and from the `Unsubscribed` events they sent (`channels` holds each event's `channel`
/// property, else `"topic:<topic>"` for one with a `topic`, else `"*"`): a channel so named is
/// refused like `unsubscribed_channels`, a topic like `unsubscribed_topics`, and an event with
/// neither like `unsubscribed: true`.
public enum MessageConsent {
    /// Why a message may not be sent, or nil when it may.
    public static func refusal(
        traits: [String: JSONValue], unsubscribedChannels: Set<String> = [], channel: String, topic: String, transactional: Bool
    ) -> String? {
        func strings(_ key: String) -> Set<String> {
            switch traits[key] {
            case .array(let items): Set(items.compactMap(\.stringValue).map { $0.lowercased() })
            case .string(let s): [s.lowercased()]
            default: []
            }
        }
        let channel = channel.lowercased()
        if strings("unsubscribed_channels").contains(channel) || unsubscribedChannels.contains(channel) {
            return "the customer opted out of \(channel)"
        }
        if transactional { return nil }
        if traits["unsubscribed"]?.boolValue == true || unsubscribedChannels.contains("*") {
            return "the customer unsubscribed from marketing"
        }
        if strings("unsubscribed_topics").contains(topic.lowercased()) || unsubscribedChannels.contains("topic:" + topic.lowercased()) {
            return "the customer opted out of \(topic)"
        }
        return nil
    }
}
