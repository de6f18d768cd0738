import Foundation
import GRDB
import GRDBSQLite
import TenureCore

extension SQLiteStore: SegmentPopulationSource {
    /// What segments needing `requirements` are evaluated over on day `asOf`, for the customers of
    /// `snapshot` and its events (sequence numbers below `snapshot.nextSequence`): the traits they
    /// test (read from `customer.traits`), the metrics (from the snapshot and `scores`) and, per
    /// event source, the matching events. Payloads are parsed only for sources with a filter or a
    /// summed property, and once per event however many sources read it.
    public func segmentPopulation(
        of snapshot: StoreSnapshot, requirements: SegmentRequirements, asOf: Int32, scores: CustomerScores?
    ) async throws -> SegmentPopulation {
        let metrics = requirements.metrics.isEmpty
            ? nil : SegmentMetricColumns(snapshot: snapshot.activity, asOf: asOf, metrics: requirements.metrics, scores: scores)
        return try await writer.read { db in
            let n = snapshot.customerIds.count
            var traits = SegmentTraitTable(customerCount: n, names: requirements.traits)
            if !requirements.traits.isEmpty { try Self.readSegmentTraits(db, snapshot: snapshot, into: &traits) }
            let events = try Self.readSegmentEvents(db, snapshot: snapshot, sources: requirements.eventSources, asOf: asOf)
            return SegmentPopulation(customerCount: n, asOf: asOf, traits: traits, metrics: metrics, events: events)
        }
    }

    /// What arrived between the snapshot a population was gathered from (its events below
    /// sequence `sequence`, its first `customers` customers) and `snapshot`, of the same merge
    /// generation: only events at or after `sequence` are read, and the traits of the customers
    /// they belong to.
    public func segmentPopulationChange(
        since sequence: Int64, customers: Int, in snapshot: StoreSnapshot, requirements: SegmentRequirements, asOf: Int32
    ) async throws -> SegmentPopulationChange? {
        guard sequence <= snapshot.nextSequence, customers <= snapshot.customerIds.count else { return nil }
        return try await writer.read { db in
            var touched: [Int32] = []
            let events = try Self.readSegmentEvents(
                db, snapshot: snapshot, sources: requirements.eventSources, asOf: asOf, from: sequence, touched: &touched)
            var customerList = Array(Set(touched.lazy.map { Int($0) })).sorted()
            customerList += customers..<snapshot.customerIds.count
            var traits: [Int: [String: JSONValue]] = [:]
            if !requirements.traits.isEmpty, !customerList.isEmpty {
                traits = try Self.readSegmentTraits(db, snapshot: snapshot, customers: customerList)
            }
            return SegmentPopulationChange(
                customerCount: snapshot.customerIds.count, customers: customerList, events: events, traits: traits)
        }
    }

    /// The traits of some customers (snapshot indices), each a full object (empty when unset).
    static func readSegmentTraits(_ db: Database, snapshot: StoreSnapshot, customers: [Int]) throws -> [Int: [String: JSONValue]] {
        var out: [Int: [String: JSONValue]] = [:]
        let ids = customers.compactMap { $0 < snapshot.customerIds.count ? snapshot.customerIds[$0] : nil }
        for c in customers { out[c] = [:] }
        let list = "[" + ids.map(String.init).joined(separator: ",") + "]"
        let rows = try Row.fetchCursor(db, sql: "SELECT id, traits FROM customer WHERE id IN (SELECT value FROM json_each(?))", arguments: [list])
        while let row = try rows.next() {
            let id: Int64 = row[0]
            guard let index = snapshot.index(ofCustomer: id), snapshot.customerIds[index] == id else { continue }
            let text = (row[1] as String?) ?? "{}"
            out[index] = (try? JSONParser.parse(Data(text.utf8)))?.objectValue ?? [:]
        }
        return out
    }

    static func readSegmentTraits(_ db: Database, snapshot: StoreSnapshot, into traits: inout SegmentTraitTable) throws {
        let statement = try db.makeStatement(sql: "SELECT id, traits FROM customer")
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        var members: [(String, JSONValue)] = []
        let names = traits.names
        while try step(handle, db) {
            let id = Int(sqlite3_column_int64(handle, 0))
            guard id < snapshot.denseIndex.count, case let index = Int(snapshot.denseIndex[id]), index >= 0,
                snapshot.customerIds[index] == Int64(id), let text = sqlite3_column_text(handle, 1)
            else { continue }
            let length = Int(sqlite3_column_bytes(handle, 1))
            guard length > 2 else { continue }  // "{}"
            let raw = UnsafeRawBufferPointer(start: UnsafeRawPointer(text), count: length)
            if flatMembers(raw, into: &members) {
                for (name, value) in members where names.contains(name) { traits.set(customer: index, name: name, value) }
            } else if let object = (try? JSONParser.parse(raw))?.objectValue {
                traits.set(customer: index, traits: object)
            }
        }
    }

    static func readSegmentEvents(
        _ db: Database, snapshot: StoreSnapshot, sources: Set<SegmentEventSource>, asOf: Int32
    ) throws -> [SegmentEventSource: SegmentEventFacts] {
        var touched: [Int32] = []
        return try readSegmentEvents(db, snapshot: snapshot, sources: sources, asOf: asOf, from: nil, touched: &touched)
    }

    /// The facts of the events with sequence numbers from `from` (all when nil) below the
    /// snapshot's next; with a `from`, the snapshot index of every such event's customer is
    /// appended to `touched`, whatever its type.
    static func readSegmentEvents(
        _ db: Database, snapshot: StoreSnapshot, sources: Set<SegmentEventSource>, asOf: Int32, from: Int64?,
        touched: inout [Int32]
    ) throws -> [SegmentEventSource: SegmentEventFacts] {
        var facts = Dictionary(uniqueKeysWithValues: sources.map { ($0, SegmentEventFacts(asOf: asOf)) })
        let collecting = from != nil
        guard !sources.isEmpty || collecting else { return facts }
        // Store type id → the sources reading it (events are named as the snapshot names them:
        // track events by name, page/screen/identify… by kind).
        let byName = Dictionary(grouping: sources, by: \.event)
        var wanted: [[SegmentEventSource]] = []
        for row in try Row.fetchAll(db, sql: "SELECT id, kind, name FROM event_type") {
            let id = Int(row[0] as Int64), kind: String = row[1], name: String = row[2]
            guard id >= 0, let readers = byName[kind == "track" ? name : kind] else { continue }
            if id >= wanted.count { wanted += Array(repeating: [], count: id + 1 - wanted.count) }
            wanted[id] = readers
        }
        guard !wanted.isEmpty || collecting else { return facts }
        let needsProperties = wanted.map { $0.contains(where: \.needsProperties) }
        let dense = snapshot.denseIndex
        let blocks = try db.makeStatement(
            sql: "SELECT id, first_seq, events, customers, types, times FROM event_block WHERE first_seq < ? AND first_seq + events > ? ORDER BY id")
        try blocks.setArguments([snapshot.nextSequence, from ?? Int64.min])
        let details = try db.makeStatement(sql: "SELECT details FROM event_block_detail WHERE block_id = ?")
        let blockHandle = blocks.sqliteStatement, detailHandle = details.sqliteStatement
        defer {
            sqlite3_reset(blockHandle)
            sqlite3_reset(detailHandle)
        }
        var rows: [(row: Int, customer: Int32, day: Int32, type: Int)] = []
        while try step(blockHandle, db) {
            let blockId = sqlite3_column_int64(blockHandle, 0)
            let skip = Int(max(0, min(Int64(Int32.max), (from ?? 0) &- sqlite3_column_int64(blockHandle, 1))))
            let count = min(Int(sqlite3_column_int64(blockHandle, 2)), Int(snapshot.nextSequence - sqlite3_column_int64(blockHandle, 1)))
            guard count > 0, let customers = UnsafeRawPointer(sqlite3_column_blob(blockHandle, 3)),
                let types = UnsafeRawPointer(sqlite3_column_blob(blockHandle, 4)),
                let times = UnsafeRawPointer(sqlite3_column_blob(blockHandle, 5)),
                sqlite3_column_bytes(blockHandle, 3) >= count * 4, sqlite3_column_bytes(blockHandle, 4) >= count * 4,
                sqlite3_column_bytes(blockHandle, 5) >= count * 8
            else { continue }
            rows.removeAll(keepingCapacity: true)
            var anyProperties = false
            for i in skip..<max(skip, count) {
                let customer = Int(UInt32(littleEndian: customers.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
                guard customer < dense.count, dense[customer] >= 0 else { continue }
                if collecting { touched.append(dense[customer]) }
                let type = Int(UInt32(littleEndian: types.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
                guard type < wanted.count, !wanted[type].isEmpty else { continue }
                let ms = Int64(littleEndian: times.loadUnaligned(fromByteOffset: i * 8, as: Int64.self))
                rows.append((i, dense[customer], day(ms), type))
                anyProperties = anyProperties || needsProperties[type]
            }
            guard !rows.isEmpty else { continue }
            var raw: UnsafeRawBufferPointer?
            if anyProperties {
                sqlite3_reset(detailHandle)
                sqlite3_bind_int64(detailHandle, 1, blockId)
                guard try step(detailHandle, db), let blob = sqlite3_column_blob(detailHandle, 0) else {
                    throw EventLogError.corruptBlock("block \(blockId) has no details")
                }
                raw = UnsafeRawBufferPointer(start: blob, count: Int(sqlite3_column_bytes(detailHandle, 0)))
            }
            for (row, customer, day, type) in rows {
                var properties: [String: JSONValue]?
                if needsProperties[type], let raw {
                    properties = [:]
                    if let payload = try EventBlockCoding.payload(inDetails: raw, event: row) {
                        properties = (try? JSONParser.parse(payload))?.objectValue ?? [:]
                    }
                }
                for source in wanted[type] {
                    if source.needsProperties {
                        facts[source]!.append(customer: customer, day: day, properties: properties ?? [:], of: source)
                    } else {
                        facts[source]!.append(customer: customer, day: day)
                    }
                }
            }
        }
        return facts
    }
}
