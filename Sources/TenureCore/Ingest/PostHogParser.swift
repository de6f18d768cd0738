import Foundation

/// Reads PostHog capture bodies (`/batch/`, `/capture/`, `/e/`, `/i/v0/e/`) into messages, so
/// PostHog's client libraries can send to Tenure too.
///
/// Mapping: `$identify` → identify (traits from `$set` and `$set_once`, `$anon_distinct_id` merged
/// into the customer); `$create_alias` → alias; `$pageview` → page; `$screen` → screen;
/// `$groupidentify` → group; any other event → track. `distinct_id` is the customer's id unless
/// the event says `$is_identified: false`, when it is an anonymous id.
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
        var properties = try SegmentParser.optionalObject(object, "properties", index: index)
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
        let kind: Message.Kind
        switch event {
        case "$identify":
            kind = .identify
            var traits = properties["$set_once"]?.objectValue ?? [:]
            for (key, value) in properties["$set"]?.objectValue ?? object["$set"]?.objectValue ?? [:] { traits[key] = value }
            segment["traits"] = .object(traits)
            if let anon = properties["$anon_distinct_id"]?.identifierValue, anon != distinctId {
                segment["anonymousId"] = .string(anon)
            }
        case "$create_alias":
            kind = .alias
            guard let alias = properties["alias"]?.identifierValue else {
                throw IngestError(.missingField, "batch item \(index) is a $create_alias without `properties.alias`", index: index, field: "properties.alias")
            }
            segment["previousId"] = .string(alias)
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
        if let set = properties["$set"], kind != .identify {
            properties["$set"] = set
        }
        segment["properties"] = .object(properties)
        return try SegmentParser.message(
            from: segment, kind: kind, index: index, receivedAt: receivedAt, batchSentAt: sentAt, batchContext: [:],
            batchIntegrations: [:], limits: limits, makeMessageId: makeMessageId)
    }
}
