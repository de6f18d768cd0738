import Foundation
import GRDB
import GRDBSQLite

/// Reads and writes `EventBlock`s in the SQLite file (`event_block` + `event_block_detail`),
/// and keeps the log's tail compact: a freshly written block is merged with the `mergeFanIn - 1`
/// blocks before it once none of them is bigger (a base-`mergeFanIn` counter), so a stream of
/// small commits rewrites each event a logarithmic number of times (log₄, half of a binary
/// counter's) and blocks grow to `maximumEvents`.
enum SQLiteEventLog {
    /// Events per block written by a bulk import and the size compaction stops at.
    static let maximumEvents = 16_384

    /// The sequence number the next stored event gets.
    static func nextSequence(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT first_seq + events FROM event_block ORDER BY id DESC LIMIT 1") ?? 0
    }

    static func insert(_ block: EventBlock, id: Int64? = nil, _ db: Database) throws {
        // Cached statements: a stream of small commits runs these many times a second.
        try db.cachedStatement(
            sql: """
                INSERT INTO event_block (id, first_seq, events, first_time, last_time, orders, order_lines, order_revenue,
                                         customers, types, times, revenues)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                id, block.firstSequence, block.count, block.firstTime, block.lastTime, block.orders, block.orderLines,
                block.orderRevenue, EventBlockCoding.blob(block.customers), EventBlockCoding.blob(block.types),
                EventBlockCoding.blob(block.times), EventBlockCoding.blob(block.revenues),
            ])
        let blockId = id ?? db.lastInsertedRowID
        try db.cachedStatement(sql: "INSERT INTO event_block_detail (block_id, keys, order_keys, details) VALUES (?, ?, ?, ?)").execute(
            arguments: [
                blockId, EventBlockCoding.blob(block.keys), EventBlockCoding.blob(block.orderKeys), EventBlockCoding.blob(block.details),
            ])
    }

    /// Blocks merged into one at a time by the tail compaction.
    static let mergeFanIn = 4

    /// Writes `block` and merges the tail as described above.
    static func append(_ block: EventBlock, _ db: Database) throws {
        guard !block.isEmpty else { return }
        var newest = block
        while true {
            let previous = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT id, events FROM event_block ORDER BY id DESC LIMIT ?"), arguments: [mergeFanIn - 1]
            ).map { (id: $0["id"] as Int64, events: $0["events"] as Int) }
            guard previous.count == mergeFanIn - 1, previous.allSatisfy({ $0.events <= newest.count }),
                previous.reduce(newest.count, { $0 + $1.events }) <= maximumEvents
            else { break }
            var merged = try read(id: previous.last!.id, db)
            for earlier in previous.dropLast().reversed() { merged.append(try read(id: earlier.id, db)) }
            merged.append(newest)
            for earlier in previous {
                try db.cachedStatement(sql: "DELETE FROM event_block WHERE id = ?").execute(arguments: [earlier.id])
                try db.cachedStatement(sql: "DELETE FROM event_block_detail WHERE block_id = ?").execute(arguments: [earlier.id])
            }
            newest = merged
        }
        try insert(newest, db)
    }

    /// One whole block.
    static func read(id: Int64, _ db: Database) throws -> EventBlock {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT b.first_seq, b.orders, b.order_lines, b.order_revenue, b.customers, b.types, b.times, b.revenues,
                               d.keys, d.order_keys, d.details
                        FROM event_block b JOIN event_block_detail d ON d.block_id = b.id WHERE b.id = ?
                        """), arguments: [id])
        else { throw EventLogError.corruptBlock("block \(id) is missing") }
        var block = EventBlock(firstSequence: row[0])
        block.orders = row[1]
        block.orderLines = row[2]
        block.orderRevenue = row[3]
        block.customers = try EventBlockCoding.array(row[4], as: UInt32.self)
        block.types = try EventBlockCoding.array(row[5], as: UInt32.self)
        block.times = try EventBlockCoding.array(row[6], as: Int64.self)
        block.revenues = try EventBlockCoding.array(row[7], as: Double.self)
        block.keys = (row[8] as Data).withUnsafeBytes { EventBlockCoding.keys($0) }
        block.orderKeys = (row[9] as Data).withUnsafeBytes { EventBlockCoding.keys($0) }
        block.details = try EventBlockCoding.details(row[10])
        let n = block.customers.count
        guard block.types.count == n, block.times.count == n, block.revenues.count == n, block.keys.count == n, block.details.count == n
        else { throw EventLogError.corruptBlock("block \(id) has columns of different lengths") }
        return block
    }

    /// Every stored message and order key, for deduplication.
    static func loadKeys(_ db: Database) throws -> MessageKeySet {
        let total = try Int.fetchOne(db, sql: "SELECT coalesce(sum(events), 0) + coalesce((SELECT sum(length(order_keys)) / 16 FROM event_block_detail), 0) FROM event_block") ?? 0
        var set = MessageKeySet(minimumCapacity: max(total * 5 / 4, 1024))
        let statement = try db.makeStatement(sql: "SELECT keys, order_keys FROM event_block_detail")
        let handle = statement.sqliteStatement
        while sqlite3_step(handle) == SQLITE_ROW {
            for column in Int32(0)...1 {
                guard let pointer = sqlite3_column_blob(handle, column) else { continue }
                let raw = UnsafeRawBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(handle, column)))
                for i in 0..<raw.count / 16 {
                    set.insert(
                        MessageKey(
                            high: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 16, as: UInt64.self)),
                            low: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 16 + 8, as: UInt64.self))))
                }
            }
        }
        sqlite3_reset(handle)
        return set
    }

    /// Store customer id → the customer it was merged into at last (itself when never merged).
    static func mergeTargets(_ db: Database) throws -> [Int64: Int64] {
        var into: [Int64: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT from_id, into_id FROM customer_merge ORDER BY rowid") {
            into[row[0]] = row[1]
        }
        var resolved: [Int64: Int64] = [:]
        for from in into.keys {
            var target = from
            var hops = 0
            while let next = into[target], next != target, hops <= into.count {
                target = next
                hops += 1
            }
            resolved[from] = target
        }
        return resolved
    }
}
