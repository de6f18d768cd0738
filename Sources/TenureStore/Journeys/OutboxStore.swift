import Foundation
import TenureCore

/// One message waiting in the outbox, as a channel receives it.
public struct OutboxMessage: Sendable, Hashable {
    public var id: Int64
    /// Unique per message for ever: a receiver that sees it twice has seen one message.
    public var idempotencyKey: String
    /// The configured channel's name (`webhook`), or the URL's host for a webhook step.
    public var channel: String
    /// For a webhook step, where to post; nil for a channel message.
    public var url: String?
    public var customerId: Int64
    /// The message as JSON (customer, journey, step, template, trigger).
    public var payload: Data
    public var topic: String
    public var transactional: Bool
    /// Sends tried before.
    public var attempts: Int
    /// Whether the customer opted out of this message since it was queued (it is then
    /// suppressed, never sent).
    public var optedOut: Bool
    /// The journey that sent it, by name (caps per journey count by it).
    public var journey: String?
    /// Higher goes first when messages compete for a capped slot.
    public var priority: Int
    /// Whether a capped message waits for the cap to free (else it is dropped).
    public var deferrable: Bool
    /// The customer's `timezone` trait, for quiet hours (nil: the business's).
    public var timeZone: String?

    public init(
        id: Int64, idempotencyKey: String, channel: String, url: String?, customerId: Int64, payload: Data, topic: String, transactional: Bool,
        attempts: Int, optedOut: Bool, journey: String? = nil, priority: Int = 0, deferrable: Bool = true, timeZone: String? = nil
    ) {
        self.journey = journey
        self.priority = priority
        self.deferrable = deferrable
        self.timeZone = timeZone
        self.id = id
        self.idempotencyKey = idempotencyKey
        self.channel = channel
        self.url = url
        self.customerId = customerId
        self.payload = payload
        self.topic = topic
        self.transactional = transactional
        self.attempts = attempts
        self.optedOut = optedOut
    }
}

/// What became of one outbox message.
public enum OutboxDelivery: Sendable, Hashable {
    /// The channel accepted it.
    case sent(id: Int64)
    /// Try again at this time (a 5xx, a timeout).
    case retry(id: Int64, at: Date, error: String)
    /// Never to be sent (a 4xx, too many attempts).
    case failed(id: Int64, error: String)
    /// Not sent because the customer opted out.
    case suppressed(id: Int64, reason: String)
    /// Held back by a frequency cap or quiet hours until this time (no try is counted).
    case deferred(id: Int64, until: Date, reason: String)
    /// Not sent, for good, because a frequency cap was reached and the message may not wait.
    case dropped(id: Int64, reason: String)
}

/// The outbox: messages committed with the step that sent them, handed to channels by a
/// dispatcher with their idempotency keys, and marked with what became of them.
public protocol OutboxStore: Sendable {
    /// Pending messages due at `time`, oldest first, with the customer's opt-out state now.
    func pendingOutbox(at time: Date, limit: Int) async throws -> [OutboxMessage]
    /// Records deliveries in one transaction.
    func recordDeliveries(_ deliveries: [OutboxDelivery], at time: Date) async throws
    /// The marketing and transactional messages sent to these customers since `time` (what
    /// frequency caps count), by customer.
    func sentMessages(to customers: [Int64], since time: Date) async throws -> [Int64: [SentMessage]]
    /// Messages by state (`pending`, `sent`, `failed`, `suppressed`, `dropped`).
    func outboxCounts() async throws -> [String: Int]
    /// Messages that failed for good (the dead letters), newest first.
    func failedOutbox(limit: Int) async throws -> [FailedOutboxMessage]
    /// Puts failed messages back in the queue, due at `time` with a fresh count of tries (all of
    /// them when `ids` is nil); returns how many. Their idempotency keys stay, so a receiver that
    /// did take one sees the same message again, not a new one.
    func retryFailed(ids: [Int64]?, at time: Date) async throws -> Int
}

/// A dead letter: a message that failed for good, and why.
public struct FailedOutboxMessage: Sendable, Hashable, Codable {
    public var id: Int64
    public var idempotencyKey: String
    public var channel: String
    public var customerId: Int64
    public var attempts: Int
    public var error: String
    public var failedAt: Date

    public init(id: Int64, idempotencyKey: String, channel: String, customerId: Int64, attempts: Int, error: String, failedAt: Date) {
        self.id = id
        self.idempotencyKey = idempotencyKey
        self.channel = channel
        self.customerId = customerId
        self.attempts = attempts
        self.error = error
        self.failedAt = failedAt
    }
}
