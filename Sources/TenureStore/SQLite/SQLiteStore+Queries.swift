import Foundation
import GRDB
import TenureCore

extension SQLiteStore {
    /// Blocks whose order revenue is beyond the value policy (an older build stored it) are left
    /// out of `orderRevenue`.
    public func counts() async throws -> StoreCounts {
        try await writer.read { db in
            let customers = try Row.fetchOne(
                db, sql: "SELECT count(user_id), count(*) - count(user_id) FROM customer")!
            let events = try Row.fetchOne(
                db,
                sql: """
                    SELECT coalesce(sum(events), 0), min(first_time), max(last_time), coalesce(sum(orders), 0),
                           coalesce(sum(CASE WHEN abs(order_revenue) <= ? * max(orders, 1) THEN order_revenue END), 0),
                           coalesce(sum(order_lines), 0)
                    FROM event_block
                    """, arguments: [ValuePolicy.live.maxMoney])!
            let first: Int64? = events[1]
            let last: Int64? = events[2]
            return StoreCounts(
                customers: customers[0], anonymousVisitors: customers[1], events: events[0],
                orders: events[3], orderLines: events[5],
                subscriptions: try Int.fetchOne(db, sql: "SELECT count(*) FROM subscription") ?? 0,
                orderRevenue: events[4],
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

    /// The customer's events (including those of visitors and earlier ids merged into them),
    /// oldest first. Scans the log's customer column, then decodes only the blocks that hold any.
    public func events(customerId: Int64, limit: Int) async throws -> [StoredEvent] {
        try await writer.read { db in
            var ids: Set<UInt32> = [UInt32(truncatingIfNeeded: customerId)]
            for (from, into) in try SQLiteEventLog.mergeTargets(db) where into == customerId {
                ids.insert(UInt32(truncatingIfNeeded: from))
            }
            var types: [UInt32: (kind: String, name: String)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, kind, name FROM event_type") { types[UInt32(row[0] as Int64)] = (row[1], row[2]) }
            var found: [(sequence: Int64, event: StoredEvent)] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT id, customers FROM event_block ORDER BY id")
            while let row = try rows.next() {
                let customers = try EventBlockCoding.array(row[1] as Data, as: UInt32.self)
                let matches = customers.indices.filter { ids.contains(customers[$0]) }
                guard !matches.isEmpty else { continue }
                let block = try SQLiteEventLog.read(id: row[0], db)
                for i in matches {
                    let record = block.details.record(i, time: block.times[i])
                    let type = types[block.types[i]] ?? ("track", "")
                    let revenue = block.revenues[i]
                    found.append(
                        (block.firstSequence + Int64(i),
                         StoredEvent(
                            messageId: record.messageId, kind: Message.Kind(rawValue: type.kind) ?? .track,
                            name: type.name.isEmpty ? nil : type.name,
                            timestamp: Date(timeIntervalSince1970: Double(block.times[i]) / 1000),
                            receivedAt: Date(timeIntervalSince1970: Double(record.receivedAt) / 1000),
                            properties: record.payload.flatMap { try? JSONParser.parse(Data($0.utf8)).objectValue } ?? [:],
                            revenue: revenue.isNaN ? nil : revenue, currency: record.currency,
                            traitChanges: record.traitChanges.flatMap { try? JSONParser.parse(Data($0.utf8)) }.map(TraitChanges.init(json:)))))
                }
            }
            found.sort { ($0.event.timestamp, $0.sequence) < ($1.event.timestamp, $1.sequence) }
            return found.prefix(max(limit, 0)).map(\.event)
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
