import Foundation
import Logging
import ServiceLifecycle
import TenureCore
import TenureStore

/// Hands the outbox's messages to their channels in `tenure serve`, oldest first, each with its
/// idempotency key, and records what became of them: sent, retried later with backoff, failed
/// for good, or suppressed because the customer opted out since the message was queued. Before
/// a message goes, the frequency caps and quiet hours (``MessagePolicy``) are checked against
/// what the customer was sent: a held-back message waits (or, capped and not allowed to wait,
/// is dropped with the cap named); opt-outs come first and are never bypassed.
///
/// A crash between a channel's acceptance and the record sends that message again with the
/// same key: receivers deduplicate on it (delivery is at least once, the message exactly once).
public actor OutboxDispatcher: Service {
    public struct Configuration: Sendable {
        public var interval: Duration
        /// Messages read per pass.
        public var batch: Int
        /// Frequency caps and quiet hours (none unless configured).
        public var policy: MessagePolicy
        public init(interval: Duration = .milliseconds(200), batch: Int = 2_000, policy: MessagePolicy = .none) {
            self.interval = interval
            self.batch = batch
            self.policy = policy
        }
    }

    let configuration: Configuration
    let store: any OutboxStore
    /// Channels by the name journeys' send steps use.
    let channels: [String: any MessageChannel]
    /// The channel that calls webhook steps' own URLs.
    let webhookSteps: (any MessageChannel)?
    let clock: any WallClock
    let logger: Logger
    private var random = SystemRandomNumberGenerator()

    public init(
        configuration: Configuration = Configuration(), store: any OutboxStore, channels: [String: any MessageChannel],
        webhookSteps: (any MessageChannel)?, clock: any WallClock = SystemWallClock(), logger: Logger
    ) {
        self.configuration = configuration
        self.store = store
        self.channels = channels
        self.webhookSteps = webhookSteps
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        await ServiceLoop.run(every: configuration.interval, logger: logger, failure: "outbox dispatch failed") {
            try await dispatchOnce() >= configuration.batch
        }
    }

    /// Sends one batch of due messages; returns how many were handled.
    @discardableResult
    public func dispatchOnce() async throws -> Int {
        let now = clock.now()
        let pending = try await store.pendingOutbox(at: now, limit: configuration.batch)
        guard !pending.isEmpty else { return 0 }
        var deliveries: [OutboxDelivery] = []
        var byChannel: [String: [OutboxMessage]] = [:]
        let held = try await policyDecisions(for: pending, at: now)
        for message in pending {
            if message.optedOut {
                deliveries.append(.suppressed(id: message.id, reason: "the customer opted out after the message was queued"))
            } else if let decision = held[message.id] {
                deliveries.append(decision)
            } else if message.url == nil, channels[message.channel] == nil {
                deliveries.append(.retry(id: message.id, at: now.addingTimeInterval(60), error: "no channel named \"\(message.channel)\" is configured"))
            } else {
                byChannel[message.url == nil ? message.channel : "\u{0}webhook-steps", default: []].append(message)
            }
        }
        // Channels in parallel; each channel delivers its own messages concurrently.
        let results = await withTaskGroup(of: [(OutboxMessage, DeliveryOutcome)].self) { group in
            for (name, messages) in byChannel {
                guard let channel = name == "\u{0}webhook-steps" ? webhookSteps : channels[name] else { continue }
                group.addTask {
                    let outgoing = messages.map { OutgoingMessage(idempotencyKey: $0.idempotencyKey, payload: $0.payload, url: $0.url, attempts: $0.attempts) }
                    return Array(zip(messages, await channel.deliver(outgoing)))
                }
            }
            var all: [(OutboxMessage, DeliveryOutcome)] = []
            for await part in group { all.append(contentsOf: part) }
            return all
        }
        for (message, outcome) in results {
            switch outcome {
            case .delivered:
                deliveries.append(.sent(id: message.id))
            case .rejected(let error):
                deliveries.append(.failed(id: message.id, error: error))
            case .retry(let error):
                if message.attempts + 1 >= DeliveryBackoff.maximumAttempts {
                    deliveries.append(.failed(id: message.id, error: "gave up after \(message.attempts + 1) tries: \(error)"))
                } else {
                    let unit = Double(random.next() >> 11) / Double(UInt64(1) << 53)
                    deliveries.append(.retry(id: message.id, at: now.addingTimeInterval(DeliveryBackoff.delay(afterAttempts: message.attempts, unit: unit)), error: error))
                }
            }
        }
        try await store.recordDeliveries(deliveries, at: clock.now())
        return pending.count
    }

    /// The messages the policy holds back now (deferred or dropped), by id. Messages to one
    /// customer in the batch compete with each other and with what was sent to them before.
    private func policyDecisions(for pending: [OutboxMessage], at now: Date) async throws -> [Int64: OutboxDelivery] {
        let policy = configuration.policy
        guard !policy.caps.isEmpty || policy.quietHours != nil else { return [:] }
        var byCustomer: [Int64: [OutboxMessage]] = [:]
        for m in pending where m.url == nil && !m.optedOut { byCustomer[m.customerId, default: []].append(m) }
        guard !byCustomer.isEmpty else { return [:] }
        let horizon = policy.caps.map(\.window).max() ?? 0
        let history = horizon > 0 ? try await store.sentMessages(to: Array(byCustomer.keys), since: now.addingTimeInterval(-horizon)) : [:]
        var out: [Int64: OutboxDelivery] = [:]
        for (customer, messages) in byCustomer {
            let zone = messages.first?.timeZone.flatMap(TimeZone.init(identifier:))
            let candidates = messages.map {
                MessagePolicy.Candidate(channel: $0.channel, journey: $0.journey, transactional: $0.transactional, priority: $0.priority, deferrable: $0.deferrable)
            }
            for (message, decision) in zip(messages, policy.arbitrate(candidates, sent: history[customer] ?? [], now: now, timeZone: zone)) {
                switch decision {
                case .send: break
                case .deferred(let until, let reason): out[message.id] = .deferred(id: message.id, until: until, reason: reason)
                case .dropped(let reason): out[message.id] = .dropped(id: message.id, reason: reason)
                }
            }
        }
        return out
    }
}
