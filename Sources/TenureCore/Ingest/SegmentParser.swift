import Foundation

/// A parsed tracking request: the write key it carried in its body (if any), its messages, and
/// the records refused by the value policy (``ValuePolicy``), which are left out of `messages`.
public struct IngestRequest: Sendable {
    public var writeKey: String?
    public var messages: [Message]
    /// One error per refused record, naming its index in the batch and the field.
    public var rejected: [IngestError]

    public init(writeKey: String?, messages: [Message], rejected: [IngestError] = []) {
        self.writeKey = writeKey
        self.messages = messages
        self.rejected = rejected
    }

    /// Adds `message` unless `limits.values` refuses it, which adds the reason to `rejected`.
    /// `consuming`: the message moves into `messages` rather than being copied (a copy retains
    /// and later releases each of its strings and dictionaries, for every event that arrives).
    mutating func admit(_ message: consuming Message, index: Int?, limits: IngestLimits) {
        do {
            try limits.values.check(message, index: index)
            messages.append(consume message)
        } catch {
            rejected.append(error)
        }
    }
}

/// Reads Segment HTTP Tracking API bodies (`/v1/identify`, `track`, `page`, `screen`, `group`,
/// `alias`, `batch`) into validated messages. A malformed request or item (not JSON, no user id,
/// a missing field, an unknown type) refuses the whole request, and the error names the item's
/// index and the field; an item whose values or time are outside ``IngestLimits/values`` is
/// refused alone (``IngestRequest/rejected``) and the rest are kept.
public enum SegmentParser {
    /// - Parameters:
    ///   - kind: the endpoint's message kind, or `nil` for `/v1/batch`.
    ///   - makeMessageId: gives the id of a message that carries none.
    public static func parse(
        body: Data, kind: Message.Kind?, receivedAt: Date, limits: IngestLimits = .segment,
        makeMessageId: () -> String = { UUID().uuidString.lowercased() }
    ) throws(IngestError) -> IngestRequest {
        guard body.count <= limits.maxRequestBytes else {
            throw IngestError(
                .requestTooLarge, "request body is \(body.count) bytes; the limit is \(limits.maxRequestBytes) bytes (500 KB)")
        }
        let document: SegmentDocument
        do {
            document = try body.withUnsafeBytes { raw throws(JSONParseError) in
                try SegmentDocument(raw, batch: kind == nil, maxEventBytes: limits.maxEventBytes)
            }
        } catch {
            throw IngestError(.invalidJSON, "body is not valid JSON: \(error)")
        }
        switch (document.body, kind) {
        case (.batch(let batch), _):
            var request = try parseBatch(batch, receivedAt: receivedAt, limits: limits, makeMessageId: makeMessageId)
            request.writeKey = batch.writeKey?.stringValue
            return request
        case (.message(.object(let fields, let size)), let kind?):
            if let size, size > limits.maxEventBytes {
                throw IngestError(.eventTooLarge, "event is \(size) bytes; the limit is \(limits.maxEventBytes) bytes (32 KB)")
            }
            let message = try message(
                from: fields, kind: kind, index: nil, receivedAt: receivedAt, batchSentAt: nil,
                batchContext: [:], batchIntegrations: [:], limits: limits, makeMessageId: makeMessageId)
            var request = IngestRequest(writeKey: fields.writeKey?.stringValue, messages: [])
            request.admit(message, index: nil, limits: limits)
            return request
        default:
            throw IngestError(.invalidJSON, "body must be a JSON object")
        }
    }

    static func parseBatch(
        _ batch: SegmentDocument.Batch, receivedAt: Date, limits: IngestLimits, makeMessageId: () -> String
    ) throws(IngestError) -> IngestRequest {
        let items: [SegmentDocument.Item]
        switch batch.items {
        case nil: throw IngestError(.missingField, "a batch request needs a `batch` array", field: "batch")
        case .items(let list)?: items = list
        case .notArray?: throw IngestError(.invalidField, "`batch` must be an array", field: "batch")
        }
        guard items.count <= limits.maxBatchItems else {
            throw IngestError(.batchTooLarge, "batch has \(items.count) events; the limit is \(limits.maxBatchItems) events per batch")
        }
        let sentAt = try optionalTimestamp(batch.sentAt, "sentAt", index: nil)
        let context = try optionalObject(batch.context, "context", index: nil)
        let integrations = try optionalObject(batch.integrations, "integrations", index: nil)
        var request = IngestRequest(writeKey: nil, messages: [])
        request.messages.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard case .object(let fields, let size) = item else {
                throw IngestError(.invalidField, "batch item \(index) must be a JSON object", index: index)
            }
            if let size, size > limits.maxEventBytes {
                throw IngestError(
                    .eventTooLarge, "batch item \(index) is \(size) bytes; the limit is \(limits.maxEventBytes) bytes (32 KB) per event",
                    index: index)
            }
            guard let typeName = fields.type?.stringValue else {
                throw IngestError(.missingField, "batch item \(index) has no `type`", index: index, field: "type")
            }
            guard let kind = Message.Kind(rawValue: typeName.lowercased()) else {
                throw IngestError(
                    .invalidType, "batch item \(index) has unknown type \"\(typeName)\"; expected identify, track, page, screen, group or alias",
                    index: index, field: "type")
            }
            request.admit(
                try message(
                    from: fields, kind: kind, index: index, receivedAt: receivedAt, batchSentAt: sentAt,
                    batchContext: context, batchIntegrations: integrations, limits: limits, makeMessageId: makeMessageId),
                index: index, limits: limits)
        }
        return request
    }

    /// What is wrong with a file record `message(record:…)` refused.
    public enum RecordProblem: Error, Sendable {
        case notJSON(String)
        case notObject
        case unknownType
        case invalid(IngestError)

        public var reason: String {
            switch self {
            case .notJSON(let detail): "not valid JSON: \(detail)"
            case .notObject: "must be a JSON object"
            case .unknownType: "`type` must be identify, track, page, screen, group or alias"
            case .invalid(let error): "\(error.code.rawValue): \(error.message)"
            }
        }
    }

    /// One Segment message object read from `bytes` (a JSONL file's record), member by member
    /// like a batch item: its `properties`, `traits` and `context` keep the text sent. A record
    /// without `type` but with an `event` is a track call.
    public static func message(
        record bytes: UnsafeRawBufferPointer, receivedAt: Date, limits: IngestLimits = .segment, makeMessageId: () -> String
    ) throws(RecordProblem) -> Message {
        var parser = JSONParser(bytes: bytes)
        let fields: SegmentFields
        do {
            guard parser.peek() == UInt8(ascii: "{") else {
                _ = try parser.parseValue()
                try parser.expectEnd()
                throw RecordProblem.notObject
            }
            fields = try SegmentFields(reading: &parser)
            try parser.expectEnd()
        } catch let error as RecordProblem {
            throw error
        } catch {
            throw .notJSON("\(error)")
        }
        guard let typeName = fields.type?.stringValue ?? (fields.event != nil ? "track" : nil),
            let kind = Message.Kind(rawValue: typeName.lowercased())
        else { throw .unknownType }
        do {
            let message = try message(
                from: fields, kind: kind, index: nil, receivedAt: receivedAt, batchSentAt: nil, batchContext: [:],
                batchIntegrations: [:], limits: limits, makeMessageId: makeMessageId)
            try limits.values.check(message)
            return message
        } catch {
            throw .invalid(error)
        }
    }

    /// Validates one Segment message object. `index` is its position in a batch, for error messages.
    public static func message(
        from object: [String: JSONValue], kind: Message.Kind, index: Int?, receivedAt: Date, batchSentAt: Date?,
        batchContext: [String: JSONValue], batchIntegrations: [String: JSONValue], limits: IngestLimits,
        makeMessageId: () -> String
    ) throws(IngestError) -> Message {
        try message(
            from: SegmentFields(object), kind: kind, index: index, receivedAt: receivedAt, batchSentAt: batchSentAt,
            batchContext: batchContext, batchIntegrations: batchIntegrations, limits: limits, makeMessageId: makeMessageId)
    }

    static func message(
        from object: SegmentFields, kind: Message.Kind, index: Int?, receivedAt: Date, batchSentAt: Date?,
        batchContext: [String: JSONValue], batchIntegrations: [String: JSONValue], limits: IngestLimits,
        makeMessageId: () -> String
    ) throws(IngestError) -> Message {
        let userId = try identifier(object.userId, "userId", index: index, limits: limits)
        let anonymousId = try identifier(object.anonymousId, "anonymousId", index: index, limits: limits)
        if userId == nil && anonymousId == nil && kind != .alias {
            throw IngestError(
                .noUserAnonId, "\(where_(index))has neither `userId` nor `anonymousId`; send at least one", index: index, field: "userId")
        }
        var message = Message(
            kind: kind, messageId: try identifier(object.messageId, "messageId", index: index, limits: limits) ?? makeMessageId(),
            userId: userId, anonymousId: anonymousId, timestamp: receivedAt, receivedAt: receivedAt)

        switch kind {
        case .track:
            let event: String
            switch object.event {
            case nil, .null?: throw IngestError(.missingField, "\(where_(index))is a track call without an `event` name", index: index, field: "event")
            case .string(let name)? where !name.isEmpty: event = name
            case .string?: throw IngestError(.invalidField, "\(where_(index))`event` is empty; name the event", index: index, field: "event")
            default: throw IngestError(.invalidField, "\(where_(index))`event` must be a string", index: index, field: "event")
            }
            guard event.utf8.count <= limits.maxNameBytes else {
                throw IngestError(.invalidField, "\(where_(index))`event` is longer than \(limits.maxNameBytes) bytes", index: index, field: "event")
            }
            message.name = event
        case .page, .screen:
            if let name = object.name?.stringValue {
                guard name.utf8.count <= limits.maxNameBytes else {
                    throw IngestError(.invalidField, "\(where_(index))`name` is longer than \(limits.maxNameBytes) bytes", index: index, field: "name")
                }
                message.name = name
            }
        case .group:
            guard let groupId = try identifier(object.groupId, "groupId", index: index, limits: limits) else {
                throw IngestError(.missingField, "\(where_(index))is a group call without a `groupId`", index: index, field: "groupId")
            }
            message.groupId = groupId
        case .alias:
            guard let previousId = try identifier(object.previousId, "previousId", index: index, limits: limits) else {
                throw IngestError(.missingField, "\(where_(index))is an alias call without a `previousId`", index: index, field: "previousId")
            }
            guard userId != nil else {
                throw IngestError(.noUserAnonId, "\(where_(index))is an alias call without a `userId`", index: index, field: "userId")
            }
            message.previousId = previousId
        case .identify:
            break
        }

        message.traits = try optionalObject(object.traits?.value, "traits", index: index)
        message.traitsJSON = object.traits?.text
        message.properties = try optionalObject(object.properties?.value, "properties", index: index)
        message.propertiesJSON = object.properties?.text
        let itemContext = try optionalObject(object.context?.value, "context", index: index)
        let itemIntegrations = try optionalObject(object.integrations, "integrations", index: index)
        if batchContext.isEmpty && batchIntegrations.isEmpty && itemIntegrations.isEmpty {
            message.context = itemContext
            message.contextJSON = object.context?.text
        } else {
            var context = batchContext
            for (key, value) in itemContext { context[key] = value }
            // Segment allows traits on context for non-identify calls; keep them where they were sent.
            var integrations = batchIntegrations
            for (key, value) in itemIntegrations { integrations[key] = value }
            if !integrations.isEmpty { context["integrations"] = .object(integrations) }
            message.context = context
        }

        let timestamp = try optionalTimestamp(object.timestamp, "timestamp", index: index)
        let original = try optionalTimestamp(object.originalTimestamp, "originalTimestamp", index: index)
        let sentAt = try optionalTimestamp(object.sentAt, "sentAt", index: index) ?? batchSentAt
        if let timestamp {
            message.timestamp = timestamp
        } else if let original {
            // Correct the client's clock skew the way Segment does.
            message.timestamp = sentAt.map { receivedAt.addingTimeInterval(original.timeIntervalSince($0)) } ?? original
        }
        return message
    }

    private static func where_(_ index: Int?) -> String {
        index.map { "batch item \($0) " } ?? "event "
    }

    static func identifier(_ object: [String: JSONValue], _ field: String, index: Int?, limits: IngestLimits) throws(IngestError) -> String? {
        try identifier(object[field], field, index: index, limits: limits)
    }

    static func identifier(_ value: JSONValue?, _ field: String, index: Int?, limits: IngestLimits) throws(IngestError) -> String? {
        guard let value else { return nil }
        switch value {
        case .null: return nil
        case .string(let s):
            if s.isEmpty { return nil }
            guard s.utf8.count <= limits.maxIdentifierBytes else {
                throw IngestError(
                    .invalidField, "\(where_(index))`\(field)` is longer than \(limits.maxIdentifierBytes) bytes", index: index, field: field)
            }
            return s
        case .number:
            if let id = value.identifierValue { return id }
            fallthrough
        default:
            throw IngestError(.invalidField, "\(where_(index))`\(field)` must be a string", index: index, field: field)
        }
    }

    static func optionalObject(_ object: [String: JSONValue], _ field: String, index: Int?) throws(IngestError) -> [String: JSONValue] {
        try optionalObject(object[field], field, index: index)
    }

    static func optionalObject(_ value: JSONValue?, _ field: String, index: Int?) throws(IngestError) -> [String: JSONValue] {
        switch value {
        case nil, .null?: return [:]
        case .object(let members)?: return members
        default:
            throw IngestError(.invalidField, "\(where_(index))`\(field)` must be a JSON object", index: index, field: field)
        }
    }

    static func optionalTimestamp(_ object: [String: JSONValue], _ field: String, index: Int?) throws(IngestError) -> Date? {
        try optionalTimestamp(object[field], field, index: index)
    }

    static func optionalTimestamp(_ value: JSONValue?, _ field: String, index: Int?) throws(IngestError) -> Date? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?:
            guard let date = ISO8601Timestamp.parse(text) else {
                throw IngestError(
                    .invalidTimestamp, "\(where_(index))`\(field)` \"\(text.prefix(64))\" is not an ISO-8601 timestamp such as 2024-05-01T12:30:00Z",
                    index: index, field: field)
            }
            return date
        default:
            throw IngestError(
                .invalidTimestamp, "\(where_(index))`\(field)` must be an ISO-8601 string such as 2024-05-01T12:30:00Z", index: index,
                field: field)
        }
    }
}
