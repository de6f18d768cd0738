import Foundation
import TenureCore

/// A batch of messages with what storing them derives already worked out: their dedupe keys,
/// the user id's key, the order or subscription change they carry, their revenue and times, and
/// their stored record (message id, JSON text, currency) encoded. Built by whoever received the
/// batch (an HTTP request's task), so the store's single writer only looks up, decides and copies.
public struct PreparedMessages: Sendable {
    public let messages: [Message]
    /// Each message's dedupe key (`MessageKey(messageId)`).
    let keys: [MessageKey]
    /// The key of the order a message carries when its `order_id` differs from its message id;
    /// zero otherwise.
    let orderKeys: [MessageKey]
    /// The user id's key in the customer index; zero without a user id.
    let userKeys: [MessageKey]
    /// Event time (ms since 1970 UTC).
    let times: [Int64]
    /// Money the message brought in (`Message.revenue`), NaN for none.
    let revenues: [Double]
    /// For an order: its line count (else -1), and its value.
    let orderLines: [Int32]
    let orderValues: [Double]
    /// Track messages that start, renew or cancel a subscription, or leave exit feedback.
    let subscriptionChanges: [Int: SubscriptionChange]
    let exitFeedback: [Int: ExitFeedback]
    /// Each message's stored record (see `EventDetails`).
    let details: EventDetails

    public var count: Int { messages.count }

    public init(_ messages: [Message]) {
        self.messages = messages
        var keys: [MessageKey] = [], orderKeys: [MessageKey] = [], userKeys: [MessageKey] = []
        var times: [Int64] = [], revenues: [Double] = []
        var orderLines: [Int32] = [], orderValues: [Double] = []
        var subscriptionChanges: [Int: SubscriptionChange] = [:], exitFeedback: [Int: ExitFeedback] = [:]
        var details = EventDetails()
        keys.reserveCapacity(messages.count)
        orderKeys.reserveCapacity(messages.count)
        userKeys.reserveCapacity(messages.count)
        times.reserveCapacity(messages.count)
        revenues.reserveCapacity(messages.count)
        orderLines.reserveCapacity(messages.count)
        orderValues.reserveCapacity(messages.count)
        details.reserve(records: messages.count, bytes: messages.count * 128)
        func add(_ message: Message, at i: Int) {
            let order = Order(message: message)
            var revenue = order?.value
            if message.kind == .track, order == nil {
                if let change = SubscriptionChange(message: message) {
                    subscriptionChanges[i] = change
                    revenue = change.action == .cancelled ? nil : change.amount
                } else {
                    if let feedback = ExitFeedback(message: message) { exitFeedback[i] = feedback }
                    revenue = message.revenue
                }
            }
            keys.append(MessageKey(message.messageId))
            orderKeys.append(order.flatMap { $0.orderId == message.messageId ? nil : MessageKey($0.orderId, domain: .order) } ?? .zero)
            userKeys.append(message.userId.map(CustomerIdIndex.key) ?? .zero)
            let time = message.timestamp.storeMillis, received = message.receivedAt.storeMillis
            times.append(time)
            revenues.append(revenue ?? .nan)
            orderLines.append(order.map { Int32(clamping: $0.lines.count) } ?? -1)
            orderValues.append(order?.value ?? 0)
            let (payload, payloadJSON) =
                message.kind == .identify || message.kind == .group
                ? (message.traits, message.traitsJSON) : (message.properties, message.propertiesJSON)
            details.append(
                receivedDelta: received &- time, messageId: message.messageId,
                payload: payload.isEmpty ? nil : payloadJSON ?? JSONWriter.string(payload),
                context: message.context.isEmpty ? nil : message.contextJSON ?? JSONWriter.string(message.context),
                currency: revenue == nil ? nil : order?.currency ?? message.currency,
                traitChanges: message.traitChanges.isEmpty ? nil : JSONWriter.string(message.traitChanges.json))
        }
        // Through the buffer: `for message in messages` would copy (retain and release) each one.
        messages.withUnsafeBufferPointer { buffer in
            for i in buffer.indices { add(buffer[i], at: i) }
        }
        (self.keys, self.orderKeys, self.userKeys) = (keys, orderKeys, userKeys)
        (self.times, self.revenues) = (times, revenues)
        (self.orderLines, self.orderValues) = (orderLines, orderValues)
        (self.subscriptionChanges, self.exitFeedback, self.details) = (subscriptionChanges, exitFeedback, details)
    }
}
