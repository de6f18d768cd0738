import Foundation
import GRDB
import GRDBSQLite
import TenureCore

/// The columnar analytics snapshot of a store, with what it takes to refresh it incrementally.
public struct StoreSnapshot: Sendable {
    public var activity: ActivitySnapshot
    /// `customerIds[i]` is the store's id of snapshot customer `i`.
    public var customerIds: [Int64]
    /// Store customer id → snapshot index (-1 when unknown).
    var denseIndex: [Int32]
    /// Store event type id → snapshot type id.
    var typeMap: [Int64: UInt16]
    /// The last event row read; newer rows are the next refresh's delta.
    public var lastEventId: Int64
    /// Customer merges seen; a new merge moves old events, so the next refresh rebuilds.
    var mergeCount: Int
    /// Events read per second by the last build or refresh.
    public var eventsPerSecond: Double
    /// Subscription changes in time order (snapshot customer index, change), for contractual
    /// churn, MRR and subscription lifetimes.
    public var subscriptionChanges: [(customer: Int32, change: SubscriptionChange)] = []

    /// Subscription spans as of `asOf` (a day number).
    public func subscriptions(asOf: Int32) -> SubscriptionSpans {
        SubscriptionSpans(changes: subscriptionChanges, asOf: asOf)
    }
}

extension SQLiteStore: SnapshotSource {
    /// Reads every event into the analytics snapshot: one sequential scan of the event table
    /// through SQLite's C API, no per-row objects.
    public func activitySnapshot() async throws -> StoreSnapshot {
        try await writer.read { db in try Self.buildSnapshot(db) }
    }

    /// The snapshot with the events stored since it was taken appended; a full rebuild when
    /// customers were merged or new event names appeared since.
    public func refreshed(_ snapshot: StoreSnapshot) async throws -> StoreSnapshot {
        try await writer.read { db in
            let merges = try Int.fetchOne(db, sql: "SELECT count(*) FROM customer_merge") ?? 0
            let types = try Int.fetchOne(db, sql: "SELECT count(*) FROM event_type") ?? 0
            if merges != snapshot.mergeCount || types != snapshot.typeMap.count { return try Self.buildSnapshot(db) }
            var next = snapshot
            let started = ContinuousClock.now
            for row in try Row.fetchAll(db, sql: "SELECT id, first_seen FROM customer WHERE id >= ? ORDER BY id", arguments: [snapshot.denseIndex.count]) {
                let id: Int64 = row[0]
                if Int(id) >= next.denseIndex.count { next.denseIndex += Array(repeating: -1, count: Int(id) + 1 - next.denseIndex.count) }
                next.denseIndex[Int(id)] = Int32(next.customerIds.count)
                next.customerIds.append(id)
            }
            var batch = ActivityEventBatch()
            let statement = try db.makeStatement(sql: "SELECT id, customer_id, timestamp, type_id, revenue FROM event WHERE id > ? ORDER BY id")
            try statement.setArguments([snapshot.lastEventId])
            let handle = statement.sqliteStatement
            while try Self.step(handle, db) {
                next.lastEventId = sqlite3_column_int64(handle, 0)
                let customer = Int(sqlite3_column_int64(handle, 1))
                guard customer < next.denseIndex.count, next.denseIndex[customer] >= 0 else { continue }
                batch.append(
                    customer: next.denseIndex[customer], day: Self.day(sqlite3_column_int64(handle, 2)),
                    type: next.typeMap[sqlite3_column_int64(handle, 3)] ?? UInt16.max, value: Float32(sqlite3_column_double(handle, 4)))
            }
            sqlite3_reset(handle)
            if !batch.isEmpty {
                next.activity.append(batch)
                next.subscriptionChanges = try Self.subscriptionChanges(db, dense: next.denseIndex)
            }
            if next.activity.needsCompaction { next.activity = next.activity.compacted() }
            next.eventsPerSecond = Double(batch.count) / max(Self.seconds(since: started), 1e-9)
            return next
        }
    }

    static func buildSnapshot(_ db: Database) throws -> StoreSnapshot {
        let started = ContinuousClock.now
        var table = EventTypeTable.standard
        // Store event types → snapshot type ids (page/screen/identify by kind, track by name).
        var typeMap: [Int64: UInt16] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, kind, name FROM event_type") {
            let kind: String = row["kind"]
            let name: String = row["name"]
            typeMap[row["id"]] = table.intern(kind == "track" ? name : kind)
        }
        let mergeCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM customer_merge") ?? 0
        let maxCustomer = try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM customer") ?? 0
        var dense = [Int32](repeating: -1, count: Int(maxCustomer) + 1)
        var customerIds: [Int64] = []
        var firstSeen: [Int32] = []
        let customers = try Row.fetchCursor(db, sql: "SELECT id, first_seen FROM customer ORDER BY id")
        while let row = try customers.next() {
            let id: Int64 = row[0]
            dense[Int(id)] = Int32(customerIds.count)
            firstSeen.append(day(row[1]))
            customerIds.append(id)
        }
        let expected = try Int.fetchOne(db, sql: "SELECT count(*) FROM event") ?? 0
        var builder = ActivitySnapshotBuilder(eventTypes: table, customerCount: customerIds.count, expectedEvents: expected)
        for (customer, day) in firstSeen.enumerated() { builder.setFirstSeen(customer: Int32(customer), day: day) }
        // Type ids are small dense integers: an array beats a dictionary in the per-row loop.
        var typeArray = [UInt16](repeating: .max, count: Int(typeMap.keys.max() ?? 0) + 1)
        for (id, type) in typeMap { typeArray[Int(id)] = type }
        let statement = try db.makeStatement(sql: "SELECT id, customer_id, timestamp, type_id, revenue FROM event")
        let handle = statement.sqliteStatement
        var events = 0
        var lastEventId: Int64 = 0
        while try step(handle, db) {
            lastEventId = max(lastEventId, sqlite3_column_int64(handle, 0))
            let customer = Int(sqlite3_column_int64(handle, 1))
            guard customer < dense.count, dense[customer] >= 0 else { continue }
            let typeId = Int(sqlite3_column_int64(handle, 3))
            builder.add(
                customer: dense[customer], day: day(sqlite3_column_int64(handle, 2)),
                type: typeId < typeArray.count ? typeArray[typeId] : .max,
                value: Float32(sqlite3_column_double(handle, 4)))  // NULL revenue reads as 0
            events += 1
        }
        sqlite3_reset(handle)
        return StoreSnapshot(
            activity: builder.build(), customerIds: customerIds, denseIndex: dense, typeMap: typeMap, lastEventId: lastEventId,
            mergeCount: mergeCount, eventsPerSecond: Double(events) / max(seconds(since: started), 1e-9),
            subscriptionChanges: try subscriptionChanges(db, dense: dense))
    }

    /// The subscription events, oldest first, read back into `SubscriptionChange`s.
    static func subscriptionChanges(_ db: Database, dense: [Int32]) throws -> [(customer: Int32, change: SubscriptionChange)] {
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT e.customer_id, e.timestamp, e.message_id, e.properties, t.name FROM event e JOIN event_type t ON t.id = e.type_id
                WHERE t.kind = 'track' AND t.name IN (?, ?, ?) ORDER BY e.timestamp, e.id
                """,
            arguments: [StandardEvent.subscriptionStarted, StandardEvent.subscriptionRenewed, StandardEvent.subscriptionCancelled])
        var changes: [(customer: Int32, change: SubscriptionChange)] = []
        while let row = try rows.next() {
            let customer = Int(row[0] as Int64)
            guard customer < dense.count, dense[customer] >= 0 else { continue }
            let properties = (row[3] as String?).flatMap { try? JSONParser.parse(Data($0.utf8)).objectValue } ?? [:]
            let message = Message(
                kind: .track, messageId: row[2], userId: "-", name: row[4],
                timestamp: Date(timeIntervalSince1970: Double(row[1] as Int64) / 1000), properties: properties)
            if let change = SubscriptionChange(message: message) { changes.append((dense[customer], change)) }
        }
        return changes
    }

    private static func step(_ handle: OpaquePointer, _ db: Database) throws -> Bool {
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        if code == SQLITE_DONE { return false }
        throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
    }

    /// Days since 1970-01-01 UTC of a millisecond timestamp (floor, also before 1970).
    private static func day(_ ms: Int64) -> Int32 {
        Int32(ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000)
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
