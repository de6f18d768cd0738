import Foundation

/// Reads PostHog capture bodies (`/batch/`, `/capture/`, `/e/`, `/i/v0/e/`) into messages, so
/// PostHog's client libraries can send to Tenure too.
///
/// Mapping: `$identify` → identify (`$anon_distinct_id` merged into the customer); `$set` and
/// `$set_once` events → identify too (they only change the person, and the timeline shows them as
/// the trait update they are); `$create_alias` → alias; `$pageview` → page; `$screen` → screen;
/// `$groupidentify` → group; any other event → track. `distinct_id` is the customer's id unless
/// the event says `$is_identified: false`, when it is an anonymous id.
///
/// Person properties, PostHog's semantics, on every kind of event (a `$pageview` or custom event
/// carrying them updates the person as an identify would): `$set` overwrites traits, `$set_once`
/// sets only traits the customer has no value for yet, `$unset` (an array of names) removes them.
/// They are read from `properties` and, as older clients and `set()`/`set_once()` send them, from
/// the event's top level (`properties` wins on the same key). On an identify, `$set` becomes the
/// message's `traits`; everything else goes into `Message.traitChanges`. A part of the wrong type
/// (a `$set` that is not an object) is ignored, as PostHog ignores it.
///
/// `$create_alias` (posthog-python's `alias(previous_id:, distinct_id:)` sends `distinct_id:
/// previous_id, properties.alias: distinct_id`; posthog-js's `alias(alias)` sends its current id
/// and the id to use "in the future") becomes a Segment alias with `userId = properties.alias`
/// and `previousId = distinct_id`: the person is known by the new id afterwards, and the earlier
/// id keeps finding them.
public enum PostHogParser {
    public static func parse(
        body: Data, receivedAt: Date, limits: IngestLimits = .segment,
        makeMessageId: () -> String = { UUID().uuidString.lowercased() }
    ) throws(IngestError) -> IngestRequest {
        guard body.count <= limits.maxRequestBytes else {
            throw IngestError(.requestTooLarge, "request body is \(body.count) bytes; the limit is \(limits.maxRequestBytes) bytes (500 KB)")
        }
        let root: JSONValue
        do {
            root = try JSONParser.parse(body)
        } catch {
            throw IngestError(.invalidJSON, "body is not valid JSON: \(error)")
        }
        let items: [JSONValue]
        var apiKey: String?
        var sentAt: Date?
        switch root {
        case .array(let array):
            items = array
        case .object(let object):
            apiKey = object["api_key"]?.stringValue ?? object["token"]?.stringValue
            sentAt = try SegmentParser.optionalTimestamp(object, "sent_at", index: nil)
            if case .array(let batch)? = object["batch"] {
                items = batch
            } else {
                items = [root]
            }
        default:
            throw IngestError(.invalidJSON, "body must be a JSON object or array")
        }
        guard items.count <= limits.maxBatchItems else {
            throw IngestError(.batchTooLarge, "batch has \(items.count) events; the limit is \(limits.maxBatchItems) events per batch")
        }
        var request = IngestRequest(writeKey: nil, messages: [])
        request.messages.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard case .object(let object) = item else {
                throw IngestError(.invalidField, "batch item \(index) must be a JSON object", index: index)
            }
            let size = JSONWriter.bytes(item).count
            if size > limits.maxEventBytes {
                throw IngestError(.eventTooLarge, "batch item \(index) is \(size) bytes; the limit is \(limits.maxEventBytes) bytes (32 KB) per event", index: index)
            }
            if apiKey == nil { apiKey = object["api_key"]?.stringValue ?? object["token"]?.stringValue }
            request.admit(
                try message(from: object, index: index, receivedAt: receivedAt, sentAt: sentAt, limits: limits, makeMessageId: makeMessageId),
                index: index, limits: limits)
        }
        request.writeKey = apiKey
        return request
    }

    static func message(
        from object: [String: JSONValue], index: Int, receivedAt: Date, sentAt: Date?, limits: IngestLimits,
        makeMessageId: () -> String
    ) throws(IngestError) -> Message {
        let event: String
        switch object["event"] {
        case nil, .null?: throw IngestError(.missingField, "batch item \(index) has no `event`", index: index, field: "event")
        case .string(let name)? where !name.isEmpty: event = name
        default: throw IngestError(.invalidField, "batch item \(index) `event` must be a non-empty string", index: index, field: "event")
        }
        let properties = try SegmentParser.optionalObject(object, "properties", index: index)
        var distinctId = try SegmentParser.identifier(object, "distinct_id", index: index, limits: limits)
        if distinctId == nil {
            distinctId = try SegmentParser.identifier(properties, "distinct_id", index: index, limits: limits)
        }
        guard let distinctId else {
            throw IngestError(.noUserAnonId, "batch item \(index) has no `distinct_id`", index: index, field: "distinct_id")
        }
        let identified = properties["$is_identified"]?.boolValue ?? true
        var segment: [String: JSONValue] = [
            "messageId": object["uuid"] ?? .null,
            "timestamp": object["timestamp"] ?? .null,
        ]
        if identified || event == "$identify" {
            segment["userId"] = .string(distinctId)
        } else {
            segment["anonymousId"] = .string(distinctId)
        }
        var changes = traitChanges(object, properties)
        let kind: Message.Kind
        switch event {
        case "$identify", "$set", "$set_once":
            kind = .identify
            segment["traits"] = .object(changes.set)
            changes.set = [:]
            if event == "$identify", let anon = properties["$anon_distinct_id"]?.identifierValue, anon != distinctId {
                segment["anonymousId"] = .string(anon)
            }
        case "$create_alias":
            kind = .alias
            guard let alias = properties["alias"]?.identifierValue, !alias.isEmpty else {
                throw IngestError(.missingField, "batch item \(index) is a $create_alias without `properties.alias`", index: index, field: "properties.alias")
            }
            // `alias` is the id the person is known by from now on; `distinct_id` the earlier one.
            segment["userId"] = .string(alias)
            segment["anonymousId"] = nil
            segment["previousId"] = .string(distinctId)
        case "$pageview":
            kind = .page
            segment["name"] = properties["$pathname"] ?? properties["$current_url"] ?? .null
        case "$screen":
            kind = .screen
            segment["name"] = properties["$screen_name"] ?? .null
        case "$groupidentify":
            kind = .group
            segment["groupId"] = properties["$group_key"] ?? .null
            segment["traits"] = properties["$group_set"] ?? .null
        default:
            kind = .track
            segment["event"] = .string(event)
        }
        segment["properties"] = .object(properties)
        var message = try SegmentParser.message(
            from: segment, kind: kind, index: index, receivedAt: receivedAt, batchSentAt: sentAt, batchContext: [:],
            batchIntegrations: [:], limits: limits, makeMessageId: makeMessageId)
        message.traitChanges = changes
        return message
    }

    /// The event's person properties: `$set`, `$set_once` and `$unset` from its top level, then
    /// from `properties` (which wins on the same key).
    static func traitChanges(_ object: [String: JSONValue], _ properties: [String: JSONValue]) -> TraitChanges {
        let top = TraitChanges(json: .object(object)), inner = TraitChanges(json: .object(properties))
        return TraitChanges(
            set: top.set.merging(inner.set) { $1 }, setOnce: top.setOnce.merging(inner.setOnce) { $1 },
            unset: top.unset + inner.unset)
    }
}
