import Foundation
import GRDB
import GRDBSQLite
import TenureCore

/// The columnar analytics snapshot of a store, and how its dense customer indices map back.
public struct StoreSnapshot: Sendable {
    public var activity: ActivitySnapshot
    /// `customerIds[i]` is the store's id of snapshot customer `i`.
    public var customerIds: [Int64]
    /// Events read per second while building it.
    public var eventsPerSecond: Double
}

extension SQLiteStore {
    /// Reads every event of known and anonymous customers into the analytics snapshot: one
    /// sequential scan of the event table through SQLite's C API, no per-row objects.
    public func activitySnapshot() async throws -> StoreSnapshot {
        try await writer.read { db in
            let started = ContinuousClock.now
            var table = EventTypeTable.standard
            // Store event types → snapshot type ids (page/screen/identify by kind, track by name).
            var typeMap: [Int64: UInt16] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, kind, name FROM event_type") {
                let kind: String = row["kind"]
                let name: String = row["name"]
                typeMap[row["id"]] = table.intern(kind == "track" ? name : kind)
            }
            let maxCustomer = try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM customer") ?? 0
            var dense = [Int32](repeating: -1, count: Int(maxCustomer) + 1)
            var customerIds: [Int64] = []
            let customers = try Row.fetchCursor(db, sql: "SELECT id, first_seen FROM customer ORDER BY id")
            var firstSeen: [(Int32, Int32)] = []
            while let row = try customers.next() {
                let id: Int64 = row[0]
                let first: Int64 = row[1]
                dense[Int(id)] = Int32(customerIds.count)
                firstSeen.append((Int32(customerIds.count), Int32(floorDiv(first, 86_400_000))))
                customerIds.append(id)
            }
            let expected = try Int.fetchOne(db, sql: "SELECT max(id) FROM event") ?? 0
            var builder = ActivitySnapshotBuilder(eventTypes: table, customerCount: customerIds.count, expectedEvents: expected)
            for (customer, day) in firstSeen { builder.setFirstSeen(customer: customer, day: day) }
            let statement = try db.makeStatement(sql: "SELECT customer_id, timestamp, type_id, revenue FROM event")
            let handle = statement.sqliteStatement
            var events = 0
            while true {
                let code = sqlite3_step(handle)
                if code == SQLITE_DONE { break }
                guard code == SQLITE_ROW else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                }
                let customer = Int(sqlite3_column_int64(handle, 0))
                guard customer < dense.count, dense[customer] >= 0 else { continue }
                let day = Int32(floorDiv(sqlite3_column_int64(handle, 1), 86_400_000))
                let type = typeMap[sqlite3_column_int64(handle, 2)] ?? UInt16.max
                let value = Float32(sqlite3_column_double(handle, 3))  // NULL reads as 0
                builder.add(customer: dense[customer], day: day, type: type, value: value)
                events += 1
            }
            sqlite3_reset(handle)
            let snapshot = builder.build()
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            return StoreSnapshot(activity: snapshot, customerIds: customerIds, eventsPerSecond: Double(events) / max(seconds, 1e-9))
        }
    }
}

private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    a >= 0 ? a / b : (a - b + 1) / b
}
