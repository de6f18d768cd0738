import Foundation
import GRDB
import TenureCore

extension SQLiteStore {
    public func counts() async throws -> StoreCounts {
        try await writer.read { db in
            let customers = try Row.fetchOne(
                db, sql: "SELECT count(user_id), count(*) - count(user_id) FROM customer")!
            let events = try Row.fetchOne(db, sql: "SELECT count(*), min(timestamp), max(timestamp) FROM event")!
            let orders = try Row.fetchOne(db, sql: "SELECT count(*), coalesce(sum(value), 0) FROM \"order\"")!
            let first: Int64? = events[1]
            let last: Int64? = events[2]
            return StoreCounts(
                customers: customers[0], anonymousVisitors: customers[1], events: events[0],
                orders: orders[0], orderLines: try Int.fetchOne(db, sql: "SELECT count(*) FROM order_line") ?? 0,
                subscriptions: try Int.fetchOne(db, sql: "SELECT count(*) FROM subscription") ?? 0,
                orderRevenue: orders[1],
                firstEvent: first.map { Date(timeIntervalSince1970: Double($0) / 1000) },
                lastEvent: last.map { Date(timeIntervalSince1970: Double($0) / 1000) })
        }
    }

    public func customer(userId: String) async throws -> CustomerProfile? {
        try await writer.read { db in
            var row = try Row.fetchOne(
                db, sql: "SELECT id, user_id, traits, first_seen, last_seen FROM customer WHERE user_id = ?", arguments: [userId])
            if row == nil {
                row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT c.id, c.user_id, c.traits, c.first_seen, c.last_seen
                        FROM identity i JOIN customer c ON c.id = i.customer_id WHERE i.alias = ?
                        """, arguments: [userId])
            }
            guard let row else { return nil }
            let id: Int64 = row["id"]
            let aliases = try String.fetchAll(db, sql: "SELECT alias FROM identity WHERE customer_id = ? ORDER BY alias", arguments: [id])
            let traits = (try? JSONParser.parse(Data((row["traits"] as String).utf8)))?.objectValue ?? [:]
            return CustomerProfile(
                id: id, userId: row["user_id"], aliases: aliases, traits: traits,
                firstSeen: Date(timeIntervalSince1970: Double(row["first_seen"] as Int64) / 1000),
                lastSeen: Date(timeIntervalSince1970: Double(row["last_seen"] as Int64) / 1000))
        }
    }

    public func events(customerId: Int64, limit: Int) async throws -> [StoredEvent] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT e.message_id, t.kind, t.name, e.timestamp, e.received_at, e.properties, e.revenue, e.currency
                    FROM event e JOIN event_type t ON t.id = e.type_id
                    WHERE e.customer_id = ? ORDER BY e.timestamp, e.id LIMIT ?
                    """, arguments: [customerId, limit]
            ).map { row in
                let name: String = row["name"]
                let properties: String? = row["properties"]
                return StoredEvent(
                    messageId: row["message_id"], kind: Message.Kind(rawValue: row["kind"]) ?? .track,
                    name: name.isEmpty ? nil : name,
                    timestamp: Date(timeIntervalSince1970: Double(row["timestamp"] as Int64) / 1000),
                    receivedAt: Date(timeIntervalSince1970: Double(row["received_at"] as Int64) / 1000),
                    properties: properties.flatMap { try? JSONParser.parse(Data($0.utf8)).objectValue } ?? [:],
                    revenue: row["revenue"], currency: row["currency"])
            }
        }
    }
}

extension SQLiteStore {
    /// The user ids (nil for anonymous visitors) of the given store customer ids, in order.
    public func userIds(of customerIds: [Int64]) async throws -> [String?] {
        try await writer.read { db in
            try customerIds.map { try String.fetchOne(db, sql: "SELECT user_id FROM customer WHERE id = ?", arguments: [$0]) }
        }
    }
}
