/// Why a tracking request or an imported record was refused. `code` is stable and machine-readable
/// (Segment clients read it); `message` tells a person what to fix, naming the field, limit or item.
public struct IngestError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Codable {
        case invalidJSON = "invalid_json"
        case requestTooLarge = "request_too_large"
        case eventTooLarge = "event_too_large"
        case batchTooLarge = "batch_too_large"
        case noUserAnonId = "no_user_anon_id"
        case invalidTimestamp = "invalid_timestamp"
        case invalidField = "invalid_field"
        case missingField = "missing_field"
        case invalidType = "invalid_type"
    }

    public var code: Code
    public var message: String
    /// Position of the offending item in a batch (0-based), when the request was a batch.
    public var index: Int?
    /// The offending field, when one is to blame.
    public var field: String?

    public init(_ code: Code, _ message: String, index: Int? = nil, field: String? = nil) {
        self.code = code
        self.message = message
        self.index = index
        self.field = field
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
