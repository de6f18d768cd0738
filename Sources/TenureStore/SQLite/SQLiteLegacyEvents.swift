import Foundation
import GRDB

/// Databases written before the event log (schema v1 kept one row per event in `event`, and
/// orders in `order`/`order_line`): their rows move into the log's blocks, in their original
/// order, once, in one transaction.
enum SQLiteLegacyEvents {
    static func moveIntoLog(_ writer: any DatabaseWriter) throws {
        try writer.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM event)") == true else { return }
            var orderFacts: [Int64: (orderId: String, lines: Int, value: Double)] = [:]
            let orders = try Row.fetchCursor(
                db, sql: #"SELECT o.event_id, o.order_id, o.value, (SELECT count(*) FROM order_line l WHERE l.order_ref = o.id) FROM "order" o"#)
            while let row = try orders.next() { orderFacts[row[0]] = (row[1], row[3], row[2]) }
            var block = EventBlock(firstSequence: try SQLiteEventLog.nextSequence(db))
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT id, message_id, customer_id, type_id, timestamp, received_at, properties, context, revenue, currency
                    FROM event ORDER BY id
                    """)
            while let row = try rows.next() {
                let time: Int64 = row[4]
                let revenue: Double? = row[8]
                let key = MessageKey(row[1] as String)
                block.customers.append(UInt32(truncatingIfNeeded: row[2] as Int64))
                block.types.append(UInt32(truncatingIfNeeded: row[3] as Int64))
                block.times.append(time)
                block.revenues.append(revenue ?? .nan)
                block.keys.append(key)
                block.details.append(
                    receivedDelta: (row[5] as Int64) - time, messageId: row[1], payload: row[6], context: row[7], currency: row[9])
                if let order = orderFacts[row[0]] {
                    if order.orderId != row[1] as String { block.orderKeys.append(MessageKey(order.orderId, domain: .order)) }
                    block.orders += 1
                    block.orderLines += order.lines
                    block.orderRevenue += order.value
                }
                if block.count == SQLiteEventLog.maximumEvents {
                    try SQLiteEventLog.insert(block, db)
                    block = EventBlock(firstSequence: block.nextSequence)
                }
            }
            if !block.isEmpty { try SQLiteEventLog.insert(block, db) }
            try db.execute(sql: #"DELETE FROM order_line; DELETE FROM "order"; DELETE FROM event;"#)
        }
    }
}
