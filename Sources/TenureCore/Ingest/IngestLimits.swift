import Foundation

/// The limits every ingestion door enforces, after Segment's HTTP Tracking API.
public struct IngestLimits: Sendable, Hashable {
    /// Largest single event, measured on its compact JSON (bytes).
    public var maxEventBytes = 32 * 1024
    /// Largest request body after decompression (bytes).
    public var maxRequestBytes = 500 * 1024
    /// Most events in one batch.
    public var maxBatchItems = 2_500
    /// Longest id (`userId`, `anonymousId`, `messageId`, `groupId`, `previousId`), in bytes.
    public var maxIdentifierBytes = 512
    /// Longest event or page name, in bytes.
    public var maxNameBytes = 512
    /// The bounds of numbers and event times (``ValuePolicy``): a record outside them is refused
    /// alone, the rest of its batch is stored.
    public var values = ValuePolicy.live

    public init() {}

    public static let segment = IngestLimits()
}
