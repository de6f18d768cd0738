import Foundation

/// A message a customer was sent: what frequency caps count.
public struct SentMessage: Sendable, Hashable {
    public var at: Date
    public var channel: String
    /// The journey (or broadcast) it came from.
    public var journey: String?
    /// Receipts and service messages: never counted against a cap.
    public var transactional: Bool

    public init(at: Date, channel: String, journey: String?, transactional: Bool = false) {
        self.at = at
        self.channel = channel
        self.journey = journey
        self.transactional = transactional
    }
}
