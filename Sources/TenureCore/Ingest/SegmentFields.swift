import Foundation

/// The members of one Segment message object that `SegmentParser` reads, as sent: the same
/// whether they come from the request body (read member by member, no dictionary) or from an
/// object another door built (PostHog, JSONL import). A member sent twice keeps its last value,
/// as in a dictionary.
struct SegmentFields {
    var type: JSONValue?
    var userId: JSONValue?
    var anonymousId: JSONValue?
    var messageId: JSONValue?
    var previousId: JSONValue?
    var groupId: JSONValue?
    var event: JSONValue?
    var name: JSONValue?
    var timestamp: JSONValue?
    var originalTimestamp: JSONValue?
    var sentAt: JSONValue?
    var traits: SentValue?
    var properties: SentValue?
    var context: SentValue?
    var integrations: JSONValue?
    /// Only read from a single-event body, where the message is the whole body.
    var writeKey: JSONValue?

    /// A member's value and, for the ones the store keeps as JSON text, that text as sent
    /// (compact, nil when it had escapes): the store need not write the value again.
    struct SentValue {
        var value: JSONValue
        var text: String?
    }

    init() {}

    init(_ object: [String: JSONValue]) {
        type = object["type"]
        userId = object["userId"]
        anonymousId = object["anonymousId"]
        messageId = object["messageId"]
        previousId = object["previousId"]
        groupId = object["groupId"]
        event = object["event"]
        name = object["name"]
        timestamp = object["timestamp"]
        originalTimestamp = object["originalTimestamp"]
        sentAt = object["sentAt"]
        traits = object["traits"].map { SentValue(value: $0) }
        properties = object["properties"].map { SentValue(value: $0) }
        context = object["context"].map { SentValue(value: $0) }
        integrations = object["integrations"]
        writeKey = object["writeKey"]
    }

    /// Reads the object the parser is at (its `{`), keeping the members above and checking the
    /// rest is valid JSON.
    init(reading parser: inout JSONParser) throws(JSONParseError) {
        guard try parser.enterObject() else { return }
        repeat {
            switch try parser.parseKey(Field.init(key:)) {
            case .type?: type = try parser.parseValue()
            case .userId?: userId = try parser.parseValue()
            case .anonymousId?: anonymousId = try parser.parseValue()
            case .messageId?: messageId = try parser.parseValue()
            case .previousId?: previousId = try parser.parseValue()
            case .groupId?: groupId = try parser.parseValue()
            case .event?: event = try parser.parseValue()
            case .name?: name = try parser.parseValue()
            case .timestamp?: timestamp = try parser.parseValue()
            case .originalTimestamp?: originalTimestamp = try parser.parseValue()
            case .sentAt?: sentAt = try parser.parseValue()
            case .traits?: traits = try SentValue(parser.parseValueText())
            case .properties?: properties = try SentValue(parser.parseValueText())
            case .context?: context = try SentValue(parser.parseValueText())
            case .integrations?: integrations = try parser.parseValue()
            case .writeKey?: writeKey = try parser.parseValue()
            case nil: _ = try parser.parseValue()
            }
        } while try parser.nextMember()
    }

    /// The members kept, known by their key's bytes: no `String` is made or hashed per key.
    enum Field {
        case type, userId, anonymousId, messageId, previousId, groupId, event, name
        case timestamp, originalTimestamp, sentAt, traits, properties, context, integrations, writeKey

        init?(key: UnsafeRawBufferPointer) {
            func `is`(_ name: StaticString) -> Bool {
                key.elementsEqual(UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            }
            switch key.count {
            case 4: if `is`("type") { self = .type } else if `is`("name") { self = .name } else { return nil }
            case 5: if `is`("event") { self = .event } else { return nil }
            case 6:
                if `is`("userId") { self = .userId } else if `is`("traits") { self = .traits } else if `is`("sentAt") { self = .sentAt } else { return nil }
            case 7: if `is`("groupId") { self = .groupId } else if `is`("context") { self = .context } else { return nil }
            case 8: if `is`("writeKey") { self = .writeKey } else { return nil }
            case 9: if `is`("messageId") { self = .messageId } else if `is`("timestamp") { self = .timestamp } else { return nil }
            case 10: if `is`("properties") { self = .properties } else if `is`("previousId") { self = .previousId } else { return nil }
            case 11: if `is`("anonymousId") { self = .anonymousId } else { return nil }
            case 12: if `is`("integrations") { self = .integrations } else { return nil }
            case 17: if `is`("originalTimestamp") { self = .originalTimestamp } else { return nil }
            default: return nil
            }
        }
    }
}

extension SegmentFields.SentValue {
    init(value: JSONValue) {
        self.value = value
    }

    init(_ read: (value: JSONValue, text: String?)) {
        value = read.value
        text = read.text
    }
}
