import TenureCore

/// Parsed transaction records with their dedupe keys, hashed on the parser's thread, and their
/// event details already encoded, so the store's single writer only looks keys up and copies.
public struct ImportedTransactions: Sendable {
    public let batch: TransactionBatch
    /// Row `i`'s message key.
    let keys: [MessageKey]
    /// Row `i`'s user id as `CustomerIdIndex` keys it.
    let userKeys: [MessageKey]
    /// Row `i`'s order key, zero when the order is known by its message id; empty unless the
    /// rows are orders with an order column.
    let orderKeys: [MessageKey]
    /// Row `i`'s details as the event log stores them.
    let details: EventDetails

    public init(_ batch: TransactionBatch) {
        self.batch = batch
        keys = batch.messageIds.bytes.withUnsafeBytes { ids in
            (0..<batch.count).map { MessageKey(utf8: UnsafeRawBufferPointer(rebasing: ids[batch.messageIds.range($0)])) }
        }
        userKeys = batch.userIds.bytes.withUnsafeBytes { users in
            (0..<batch.count).map { CustomerIdIndex.key(utf8: UnsafeRawBufferPointer(rebasing: users[batch.userIds.range($0)])) }
        }
        details = Self.details(of: batch)
        guard batch.isOrder && batch.hasOrderIds else {
            orderKeys = []
            return
        }
        orderKeys = batch.orderIds.bytes.withUnsafeBytes { orders in
            batch.messageIds.bytes.withUnsafeBytes { ids in
                (0..<batch.count).map { i in
                    let order = UnsafeRawBufferPointer(rebasing: orders[batch.orderIds.range(i)])
                    let id = UnsafeRawBufferPointer(rebasing: ids[batch.messageIds.range(i)])
                    return order.elementsEqual(id) ? MessageKey(high: 0, low: 0) : MessageKey(utf8: order, domain: .order)
                }
            }
        }
    }

    private static func details(of batch: TransactionBatch) -> EventDetails {
        var details = EventDetails()
        details.reserve(records: batch.count, bytes: batch.messageIds.bytes.count + batch.payloads.bytes.count + 8 * batch.count)
        let (receivedAt, currency) = (batch.receivedAt, batch.currency)
        batch.messageIds.withBuffers { messageIds in
            batch.payloads.withBuffers { payloads in
                batch.timestamps.withUnsafeBufferPointer { times in
                    batch.revenues.withUnsafeBufferPointer { revenues in
                        for i in 0..<times.count {
                            details.append(
                                receivedDelta: receivedAt &- times[i], messageId: messageIds.value(i), payload: payloads.value(i),
                                currency: revenues[i].isNaN ? nil : currency)
                        }
                    }
                }
            }
        }
        return details
    }
}
