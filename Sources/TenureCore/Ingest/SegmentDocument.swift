import Foundation

/// A Segment request body read in one pass, member by member: a single message, or a batch
/// with its shared members and its items. Only the members `SegmentParser` reads are kept;
/// the rest is checked to be valid JSON and dropped.
struct SegmentDocument {
    enum Body {
        /// Valid JSON, but not an object.
        case notObject
        /// A single-event body (`/v1/track`, …).
        case message(Item)
        /// A `/v1/batch` or `/v1/import` body.
        case batch(Batch)
    }

    /// One message object, or `notObject` for any other JSON value.
    enum Item {
        /// `size` is the length of the object's compact JSON (`JSONWriter.bytes`), the size the
        /// event limit measures; nil when the object is known to be within that limit.
        case object(SegmentFields, size: Int?)
        case notObject
    }

    struct Batch {
        /// Nil when there is no `batch` member; `.notArray` when it is not an array.
        var items: Items?
        var writeKey: JSONValue?
        var sentAt: JSONValue?
        var context: JSONValue?
        var integrations: JSONValue?

        enum Items {
            case items([Item])
            case notArray
        }
    }

    let body: Body

    /// Reads `bytes` as a batch body or a single message; throws for anything that is not JSON.
    init(_ bytes: UnsafeRawBufferPointer, batch: Bool, maxEventBytes: Int) throws(JSONParseError) {
        var parser = JSONParser(bytes: bytes)
        guard parser.peek() == UInt8(ascii: "{") else {
            _ = try parser.parseValue()
            try parser.expectEnd()
            body = .notObject
            return
        }
        if batch {
            body = .batch(try Self.readBatch(&parser, maxEventBytes: maxEventBytes))
        } else {
            body = .message(try Self.readItem(&parser, maxEventBytes: maxEventBytes))
        }
        try parser.expectEnd()
    }

    private static func readBatch(_ parser: inout JSONParser, maxEventBytes: Int) throws(JSONParseError) -> Batch {
        var batch = Batch()
        guard try parser.enterObject() else { return batch }
        repeat {
            switch try parser.parseKey() {
            case "batch": batch.items = try readItems(&parser, maxEventBytes: maxEventBytes)
            case "writeKey": batch.writeKey = try parser.parseValue()
            case "sentAt": batch.sentAt = try parser.parseValue()
            case "context": batch.context = try parser.parseValue()
            case "integrations": batch.integrations = try parser.parseValue()
            default: _ = try parser.parseValue()
            }
        } while try parser.nextMember()
        return batch
    }

    private static func readItems(_ parser: inout JSONParser, maxEventBytes: Int) throws(JSONParseError) -> Batch.Items {
        guard parser.peek() == UInt8(ascii: "[") else {
            _ = try parser.parseValue()
            return .notArray
        }
        var items: [Item] = []
        if try parser.enterArray() {
            repeat {
                items.append(try readItem(&parser, maxEventBytes: maxEventBytes))
            } while try parser.nextElement()
        }
        return .items(items)
    }

    private static func readItem(_ parser: inout JSONParser, maxEventBytes: Int) throws(JSONParseError) -> Item {
        guard parser.peek() == UInt8(ascii: "{") else {
            _ = try parser.parseValue()
            return .notObject
        }
        let start = parser.index
        let fields = try SegmentFields(reading: &parser)
        let sent = UnsafeRawBufferPointer(rebasing: parser.bytes[start..<parser.index])
        // `JSONWriter` writes a value in at most 5 times the bytes it was read from (see
        // `JSONWriter.maximumExpansion`): only a long item needs writing to be measured.
        guard sent.count * JSONWriter.maximumExpansion > maxEventBytes else { return .object(fields, size: nil) }
        return .object(fields, size: JSONWriter.bytes(try JSONParser.parse(sent)).count)
    }
}
