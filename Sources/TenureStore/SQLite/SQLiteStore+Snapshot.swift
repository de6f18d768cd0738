import Foundation
import GRDB
import Logging
import GRDBSQLite
import TenureCore

/// The columnar analytics snapshot of a store, with what it takes to refresh it incrementally.
public struct StoreSnapshot: Sendable {
    public var activity: ActivitySnapshot
    /// `customerIds[i]` is the store's id of snapshot customer `i`.
    public var customerIds: [Int64]
    /// Store customer id → snapshot index (-1 when unknown); a merged customer's old id points
    /// at the customer it was merged into.
    var denseIndex: [Int32]
    /// Store event type id → snapshot type id.
    var typeMap: [Int64: UInt16]
    /// The sequence number of the first event not in the snapshot: the next refresh starts there.
    public var nextSequence: Int64
    /// Customer merges seen; a new merge changes whose old events are whose, so the next refresh rebuilds.
    var mergeCount: Int
    /// Changes when a merge rebuilt the snapshot (customer indices may then differ): data indexed
    /// like one snapshot fits another only when both have the same generation.
    public var mergeGeneration: Int { mergeCount }
    /// Events read per second by the last build or refresh.
    public var eventsPerSecond: Double
    /// Subscription changes in time order (snapshot customer index, change), for contractual
    /// churn, MRR and subscription lifetimes.
    public var subscriptionChanges: [(customer: Int32, change: SubscriptionChange)] = []
    /// Stored amounts outside the value policy (only an older build could store them: NaN,
    /// infinite, beyond ±10¹²), read as no amount.
    public var amountsOutOfPolicy = 0

    /// The snapshot index of a store customer id (a merged id gives its survivor's), or nil
    /// when the snapshot does not hold the customer.
    public func index(ofCustomer id: Int64) -> Int? {
        guard id >= 0, id < Int64(denseIndex.count) else { return nil }
        let i = denseIndex[Int(id)]
        return i >= 0 ? Int(i) : nil
    }

    /// Subscription spans as of `asOf` (a day number).
    public func subscriptions(asOf: Int32) -> SubscriptionSpans {
        SubscriptionSpans(changes: subscriptionChanges, asOf: asOf)
    }
}

extension SQLiteStore: SnapshotSource {
    /// Reads the whole event log into the analytics snapshot: the blocks' numeric columns are
    /// read in place through SQLite's C API, no per-event objects.
    public func activitySnapshot() async throws -> StoreSnapshot {
        let snapshot = try await writer.read { db in try Self.buildSnapshot(db) }
        warnAboutAmounts(snapshot, before: 0)
        return snapshot
    }

    private func warnAboutAmounts(_ snapshot: StoreSnapshot, before: Int) {
        guard snapshot.amountsOutOfPolicy > before else { return }
        logger.warning(
            "stored amounts outside the value policy are read as no amount",
            metadata: ["amounts": "\(snapshot.amountsOutOfPolicy - before)", "bound": "±\(ValuePolicy.live.maxMoney)"])
    }

    /// The snapshot with the events stored since it was taken appended (new event names are
    /// added to its type table); a full rebuild when customers were merged since.
    public func refreshed(_ snapshot: StoreSnapshot) async throws -> StoreSnapshot {
        let next = try await refreshedSnapshot(snapshot)
        warnAboutAmounts(next, before: next.mergeCount == snapshot.mergeCount ? snapshot.amountsOutOfPolicy : 0)
        return next
    }

    private func refreshedSnapshot(_ snapshot: StoreSnapshot) async throws -> StoreSnapshot {
        try await writer.read { db in
            let merges = try Int.fetchOne(db, sql: "SELECT count(*) FROM customer_merge") ?? 0
            if merges != snapshot.mergeCount { return try Self.buildSnapshot(db) }
            var next = snapshot
            let started = ContinuousClock.now
            // Event names first seen since: new ids in the snapshot's type table.
            for row in try Row.fetchAll(db, sql: "SELECT id, kind, name FROM event_type") where next.typeMap[row["id"]] == nil {
                let kind: String = row["kind"]
                let name: String = row["name"]
                next.typeMap[row["id"]] = next.activity.internEventType(kind == "track" ? name : kind)
            }
            for row in try Row.fetchAll(
                db, sql: "SELECT id, first_seen FROM customer WHERE id >= ? ORDER BY id", arguments: [snapshot.denseIndex.count])
            {
                let id: Int64 = row[0]
                if Int(id) >= next.denseIndex.count { next.denseIndex += Array(repeating: -1, count: Int(id) + 1 - next.denseIndex.count) }
                next.denseIndex[Int(id)] = Int32(next.customerIds.count)
                next.customerIds.append(id)
            }
            var batch = ActivityEventBatch()
            let reader = LogReader(dense: next.denseIndex, typeMap: next.typeMap)
            var changes: [SequencedChange] = []
            next.nextSequence = try reader.read(db, from: snapshot.nextSequence, changes: &changes, outOfPolicy: &next.amountsOutOfPolicy) { rows in
                batch.append(contentsOf: rows)
            }
            if !batch.isEmpty { next.activity.append(batch) }
            if !changes.isEmpty {
                // Earlier changes keep their order ahead of new ones with the same time.
                let earlier = next.subscriptionChanges.enumerated().map {
                    SequencedChange(customer: $0.element.customer, change: $0.element.change, sequence: Int64($0.offset) - Int64(Int32.max))
                }
                next.subscriptionChanges = Self.ordered(earlier + changes)
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
        let merged = try SQLiteEventLog.mergeTargets(db)
        let maxCustomer = max(try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM customer") ?? 0, merged.keys.max() ?? 0)
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
        for (from, into) in merged where into <= maxCustomer { dense[Int(from)] = dense[Int(into)] }
        let expected = try Int.fetchOne(db, sql: "SELECT coalesce(sum(events), 0) FROM event_block") ?? 0
        var builder = ActivitySnapshotBuilder(eventTypes: table, customerCount: customerIds.count, expectedEvents: expected)
        for (customer, day) in firstSeen.enumerated() { builder.setFirstSeen(customer: Int32(customer), day: day) }
        let reader = LogReader(dense: dense, typeMap: typeMap)
        var changes: [SequencedChange] = []
        var events = 0, outOfPolicy = 0
        let nextSequence = try reader.read(db, from: 0, changes: &changes, outOfPolicy: &outOfPolicy) { rows in
            builder.add(rows)
            events += rows.count
        }
        var snapshot = StoreSnapshot(
            activity: builder.build(), customerIds: customerIds, denseIndex: dense, typeMap: typeMap, nextSequence: nextSequence,
            mergeCount: mergeCount, eventsPerSecond: Double(events) / max(seconds(since: started), 1e-9),
            subscriptionChanges: ordered(changes))
        snapshot.amountsOutOfPolicy = outOfPolicy
        return snapshot
    }

    struct SequencedChange {
        var customer: Int32
        var change: SubscriptionChange
        var sequence: Int64
    }

    /// Subscription changes by time, then by arrival.
    static func ordered(_ changes: [SequencedChange]) -> [(customer: Int32, change: SubscriptionChange)] {
        changes.sorted { ($0.change.at, $0.sequence) < ($1.change.at, $1.sequence) }.map { ($0.customer, $0.change) }
    }

    /// Reads the log's numeric columns from a sequence number on, mapping store ids to snapshot ids.
    struct LogReader {
        var dense: [Int32]
        /// Store type id → snapshot type id (`UInt16.max` for none).
        var types: [UInt16]

        init(dense: [Int32], typeMap: [Int64: UInt16]) {
            self.dense = dense
            // Type ids are small dense integers: an array beats a dictionary in the per-event loop.
            types = [UInt16](repeating: .max, count: Int(typeMap.keys.max() ?? 0) + 1)
            for (id, type) in typeMap { types[Int(id)] = type }
        }

        /// Hands `add` the events with sequence ≥ `from` whose customer is known, a block at a time,
        /// and gathers the subscription changes among them; returns the sequence number after the
        /// last event.
        func read(
            _ db: Database, from: Int64, changes: inout [SequencedChange], outOfPolicy: inout Int, add: (ActivityEventBatch) -> Void
        ) throws -> Int64 {
            let policy = ValuePolicy.live
            var names: [UInt32: String] = [:]
            var subscriptionTypes = [Bool](repeating: false, count: types.count)
            // Tenure's own events about customers are not activity.
            var systemTypes = [Bool](repeating: false, count: types.count)
            let subscriptionNames: Set<String> = [
                StandardEvent.subscriptionStarted, StandardEvent.subscriptionRenewed, StandardEvent.subscriptionCancelled,
            ]
            for row in try Row.fetchAll(db, sql: "SELECT id, kind, name FROM event_type") {
                let id = Int(row[0] as Int64)
                let name: String = row[2]
                names[UInt32(id)] = name
                if row[1] as String == "track", subscriptionNames.contains(name), id < subscriptionTypes.count { subscriptionTypes[id] = true }
                if row[1] as String == "track", StandardEvent.systemEvents.contains(name), id < systemTypes.count { systemTypes[id] = true }
            }
            let anySubscriptions = subscriptionTypes.contains(true)
            var withSubscriptions: [(block: Int64, rows: [Int], customers: [Int32])] = []
            let statement = try db.makeStatement(
                sql: "SELECT id, first_seq, events, customers, types, times, revenues FROM event_block WHERE first_seq + events > ? ORDER BY id")
            try statement.setArguments([from])
            let handle = statement.sqliteStatement
            defer { sqlite3_reset(handle) }
            var next = from
            while try SQLiteStore.step(handle, db) {
                let firstSequence = sqlite3_column_int64(handle, 1)
                let count = Int(sqlite3_column_int64(handle, 2))
                guard count > 0, let customers = UnsafeRawPointer(sqlite3_column_blob(handle, 3)),
                    let typeIds = UnsafeRawPointer(sqlite3_column_blob(handle, 4)),
                    let times = UnsafeRawPointer(sqlite3_column_blob(handle, 5)),
                    let revenues = UnsafeRawPointer(sqlite3_column_blob(handle, 6)),
                    sqlite3_column_bytes(handle, 3) == count * 4, sqlite3_column_bytes(handle, 4) == count * 4,
                    sqlite3_column_bytes(handle, 5) == count * 8, sqlite3_column_bytes(handle, 6) == count * 8
                else { throw EventLogError.corruptBlock("block \(sqlite3_column_int64(handle, 0)) has columns of the wrong size") }
                var subscriptionRows: [Int] = []
                var subscriptionCustomers: [Int32] = []
                let start = max(0, Int(from - firstSequence))
                let capacity = max(count - start, 0)
                var rowCustomers = [Int32](repeating: 0, count: capacity)
                var rowDays = [Int32](repeating: 0, count: capacity)
                var rowTypes = [UInt16](repeating: 0, count: capacity)
                var rowValues = [Float32](repeating: 0, count: capacity)
                var kept = 0
                rowCustomers.withUnsafeMutableBufferPointer { oc in
                    rowDays.withUnsafeMutableBufferPointer { od in
                        rowTypes.withUnsafeMutableBufferPointer { ot in
                            rowValues.withUnsafeMutableBufferPointer { ov in
                                dense.withUnsafeBufferPointer { dense in
                                    types.withUnsafeBufferPointer { types in
                                        for i in start..<count {
                                            let customer = Int(UInt32(littleEndian: customers.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
                                            guard customer < dense.count else { continue }
                                            let index = dense[customer]
                                            guard index >= 0 else { continue }
                                            let typeId = Int(UInt32(littleEndian: typeIds.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
                                            if typeId < systemTypes.count, systemTypes[typeId] { continue }
                                            let ms = Int64(littleEndian: times.loadUnaligned(fromByteOffset: i * 8, as: Int64.self))
                                            let revenue = Double(
                                                bitPattern: UInt64(littleEndian: revenues.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)))
                                            let known = typeId < types.count
                                            oc[kept] = index
                                            od[kept] = SQLiteStore.day(ms)
                                            ot[kept] = known ? types[typeId] : .max
                                            if revenue.isNaN {
                                                ov[kept] = 0
                                            } else {
                                                let amount = policy.storedMoney(revenue)
                                                if amount.isNaN { outOfPolicy += 1 }
                                                ov[kept] = amount.isNaN ? 0 : Float32(amount)
                                            }
                                            kept += 1
                                            if anySubscriptions, known, subscriptionTypes[typeId] {
                                                subscriptionRows.append(i)
                                                subscriptionCustomers.append(index)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                if kept < capacity {
                    rowCustomers.removeLast(capacity - kept)
                    rowDays.removeLast(capacity - kept)
                    rowTypes.removeLast(capacity - kept)
                    rowValues.removeLast(capacity - kept)
                }
                if kept > 0 { add(ActivityEventBatch(customers: rowCustomers, days: rowDays, types: rowTypes, values: rowValues)) }
                if !subscriptionRows.isEmpty {
                    withSubscriptions.append((sqlite3_column_int64(handle, 0), subscriptionRows, subscriptionCustomers))
                }
                next = max(next, firstSequence + Int64(count))
            }
            guard !withSubscriptions.isEmpty else { return next }
            for (blockId, rows, customers) in withSubscriptions {
                let block = try SQLiteEventLog.read(id: blockId, db)
                for (row, customer) in zip(rows, customers) {
                    let record = block.details.record(row, time: block.times[row])
                    let properties = record.payload.flatMap { try? JSONParser.parse(Data($0.utf8)).objectValue } ?? [:]
                    let message = Message(
                        kind: .track, messageId: record.messageId, userId: "-", name: names[block.types[row]],
                        timestamp: Date(timeIntervalSince1970: Double(block.times[row]) / 1000), properties: properties)
                    if let change = SubscriptionChange(message: message) {
                        changes.append(SequencedChange(customer: customer, change: change, sequence: block.firstSequence + Int64(row)))
                    }
                }
            }
            return next
        }
    }

    static func step(_ handle: OpaquePointer, _ db: Database) throws -> Bool {
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        if code == SQLITE_DONE { return false }
        throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
    }

    /// Days since 1970-01-01 UTC of a millisecond timestamp (floor, also before 1970).
    static func day(_ ms: Int64) -> Int32 {
        Int32(clamping: ms >= 0 ? ms / 86_400_000 : (ms &- 86_399_999) / 86_400_000)
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        (ContinuousClock.now - start).inSeconds
    }
}
