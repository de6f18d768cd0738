import Foundation
import GRDB
import TenureCore

/// The outbox in SQLite: rows written by ``SQLiteStore/commitSteps(_:at:)`` in the step's own
/// transaction, read in order by the dispatcher and marked with what became of them.
extension SQLiteStore: OutboxStore {
    public func pendingOutbox(at time: Date, limit: Int) async throws -> [OutboxMessage] {
        try await writer.read { db in
            var optOuts: [Int64: Set<String>] = [:]
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT o.id, o.idempotency_key, o.channel, o.url, o.customer_id, o.payload, o.topic, o.transactional, o.attempts, c.traits,
                      j.name, o.priority, o.may_defer
                    FROM outbox o LEFT JOIN customer c ON c.id = o.customer_id LEFT JOIN journey j ON j.id = o.journey_id
                    WHERE o.state = 'pending' AND o.due_at <= ? ORDER BY o.due_at, o.id LIMIT ?
                    """, arguments: [time.storeMillis, limit])
            return try rows.map { row in
                let customer: Int64 = row[4], url: String? = row[3]
                var optedOut = false
                var timeZone: String?
                // A webhook step calls the business's own system, not the customer.
                if url == nil {
                    if optOuts[customer] == nil { optOuts[customer] = try Self.unsubscribedChannels(db, customer: customer) }
                    let traits = (try? JSONParser.parse(Data((row[9] as String? ?? "{}").utf8)))?.objectValue ?? [:]
                    optedOut = MessageConsent.refusal(
                        traits: traits, unsubscribedChannels: optOuts[customer] ?? [], channel: row[2], topic: row[6], transactional: row[7] as Bool) != nil
                    timeZone = traits["timezone"]?.stringValue
                }
                return OutboxMessage(
                    id: row[0], idempotencyKey: row[1], channel: row[2], url: url, customerId: customer, payload: Data((row[5] as String).utf8),
                    topic: row[6], transactional: row[7], attempts: row[8], optedOut: optedOut, journey: row[10], priority: row[11],
                    deferrable: row[12], timeZone: timeZone)
            }
        }
    }

    public func recordDeliveries(_ deliveries: [OutboxDelivery], at time: Date) async throws {
        guard !deliveries.isEmpty else { return }
        let nowMs = time.storeMillis
        try await writer.write { db in
            for delivery in deliveries {
                switch delivery {
                case .sent(let id):
                    try db.cachedStatement(sql: "UPDATE outbox SET state = 'sent', attempts = attempts + 1, done_at = ?, last_error = NULL WHERE id = ?")
                        .execute(arguments: [nowMs, id])
                case .retry(let id, let at, let error):
                    try db.cachedStatement(sql: "UPDATE outbox SET attempts = attempts + 1, due_at = ?, last_error = ? WHERE id = ? AND state = 'pending'")
                        .execute(arguments: [at.storeMillis, String(error.prefix(1000)), id])
                case .failed(let id, let error):
                    try db.cachedStatement(sql: "UPDATE outbox SET state = 'failed', attempts = attempts + 1, done_at = ?, last_error = ? WHERE id = ?")
                        .execute(arguments: [nowMs, String(error.prefix(1000)), id])
                case .suppressed(let id, let reason):
                    try db.cachedStatement(sql: "UPDATE outbox SET state = 'suppressed', done_at = ?, last_error = ? WHERE id = ? AND state = 'pending'")
                        .execute(arguments: [nowMs, reason, id])
                case .deferred(let id, let until, let reason):
                    try db.cachedStatement(sql: "UPDATE outbox SET due_at = ?, deferrals = deferrals + 1, last_error = ? WHERE id = ? AND state = 'pending'")
                        .execute(arguments: [until.storeMillis, reason, id])
                case .dropped(let id, let reason):
                    try db.cachedStatement(sql: "UPDATE outbox SET state = 'dropped', done_at = ?, last_error = ? WHERE id = ? AND state = 'pending'")
                        .execute(arguments: [nowMs, reason, id])
                }
            }
        }
    }

    public func sentMessages(to customers: [Int64], since time: Date) async throws -> [Int64: [SentMessage]] {
        guard !customers.isEmpty else { return [:] }
        return try await writer.read { db in
            var out: [Int64: [SentMessage]] = [:]
            let statement = try db.cachedStatement(
                sql: """
                    SELECT o.done_at, o.channel, j.name, o.transactional FROM outbox o LEFT JOIN journey j ON j.id = o.journey_id
                    WHERE o.customer_id = ? AND o.state = 'sent' AND o.done_at >= ? AND o.url IS NULL
                    """)
            for customer in Set(customers) {
                let rows = try Row.fetchAll(statement, arguments: [customer, time.storeMillis])
                out[customer] = rows.map { SentMessage(at: Date(storeMillis: $0[0]), channel: $0[1], journey: $0[2], transactional: $0[3]) }
            }
            return out
        }
    }

    public func failedOutbox(limit: Int) async throws -> [FailedOutboxMessage] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, idempotency_key, channel, customer_id, attempts, coalesce(last_error, ''), coalesce(done_at, created_at)
                    FROM outbox WHERE state = 'failed' ORDER BY done_at DESC, id DESC LIMIT ?
                    """, arguments: [max(0, limit)]
            ).map { row in
                FailedOutboxMessage(
                    id: row[0], idempotencyKey: row[1], channel: row[2], customerId: row[3], attempts: row[4], error: row[5],
                    failedAt: Date(storeMillis: row[6]))
            }
        }
    }

    public func retryFailed(ids: [Int64]?, at time: Date) async throws -> Int {
        try await writer.write { db in
            let set = "state = 'pending', attempts = 0, due_at = ?, done_at = NULL"
            if let ids {
                var count = 0
                for id in ids {
                    try db.execute(sql: "UPDATE outbox SET \(set) WHERE id = ? AND state = 'failed'", arguments: [time.storeMillis, id])
                    count += db.changesCount
                }
                return count
            }
            try db.execute(sql: "UPDATE outbox SET \(set) WHERE state = 'failed'", arguments: [time.storeMillis])
            return db.changesCount
        }
    }

    public func outboxCounts() async throws -> [String: Int] {
        try await writer.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) FROM outbox GROUP BY state") { counts[row[0]] = row[1] }
            return counts
        }
    }
}
