import Foundation

/// A message as a channel delivers it: already decided and committed (it is in the outbox),
/// with the key a receiver deduplicates on.
public struct OutgoingMessage: Sendable, Hashable {
    /// Unique per message for ever; sent again after a crash, it names the same message.
    public var idempotencyKey: String
    /// The message as JSON.
    public var payload: Data
    /// Where to post, for a journey's webhook step (the channel's own address otherwise).
    public var url: String?
    /// Tries before this one.
    public var attempts: Int

    public init(idempotencyKey: String, payload: Data, url: String? = nil, attempts: Int = 0) {
        self.idempotencyKey = idempotencyKey
        self.payload = payload
        self.url = url
        self.attempts = attempts
    }
}

/// What a channel made of one message.
public enum DeliveryOutcome: Sendable, Hashable {
    /// Accepted by the receiver.
    case delivered
    /// Not accepted this time (a 5xx, 429 or 408 reply, a timeout, a refused connection): try again later.
    case retry(String)
    /// Refused for good (another 4xx reply): trying again would fail again.
    case rejected(String)
}

/// Where messages go: a webhook, an email server, an in-app inbox. Channels only deliver; what
/// to send, to whom and when was decided and committed before (see the outbox).
public protocol MessageChannel: Sendable {
    /// Delivers the messages (in any order, concurrently where the channel can); one outcome
    /// per message, in their order.
    func deliver(_ messages: [OutgoingMessage]) async -> [DeliveryOutcome]
}

/// When to try a message again after `attempts` failed tries: exponential backoff (1 s, 2 s,
/// 4 s, … at most an hour) with jitter of ±50%, so a receiver coming back up is not hit by every
/// retry at once. `unit` is a draw in [0, 1).
public enum DeliveryBackoff {
    public static func delay(afterAttempts attempts: Int, unit: Double) -> TimeInterval {
        let base = min(3_600, pow(2, Double(max(0, min(attempts, 30)))))
        return base * (0.5 + unit)
    }

    /// Tries after which a message is failed for good (dead-lettered, an admin can retry it).
    public static let maximumAttempts = 12
}
