import Foundation
import GRDB
import GRDBSQLite
import TenureCore

extension SQLiteStore {
    /// Survey scores, discounted orders and `identify` traits of the snapshot's customers, indexed
    /// like the snapshot (merged anonymous ids and old user ids count for the customer they were
    /// merged into). Only events of the snapshot (sequence numbers below `snapshot.nextSequence`)
    /// are read, so the attributes and the snapshot describe the same moment.
    ///
    /// Reads the `event_block` type column of every block, and the JSON payloads (in place, in
    /// `event_block_detail`) only of survey events and orders; an order's JSON is parsed only when
    /// its text mentions a coupon or a non-zero discount. What counts as a survey score, a
    /// discounted order and a usable trait: ``CustomerAttributes/npsScore(properties:)``,
    /// ``CustomerAttributes/isDiscountedOrder(properties:)`` and ``CustomerTraitColumns``.
    public func customerAttributes(of snapshot: StoreSnapshot) async throws -> CustomerAttributes {
        try await writer.read { db in try Self.buildAttributes(db, snapshot: snapshot) }
    }

    static func buildAttributes(_ db: Database, snapshot: StoreSnapshot) throws -> CustomerAttributes {
        var attributes = CustomerAttributes(customerCount: snapshot.customerIds.count)
        try readSurveysAndOrders(db, snapshot: snapshot, into: &attributes)
        var traits = CustomerTraitColumns(customerCount: snapshot.customerIds.count)
        var members: [(String, JSONValue)] = []
        let statement = try db.makeStatement(sql: "SELECT id, traits FROM customer")
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        while try step(handle, db) {
            let id = Int(sqlite3_column_int64(handle, 0))
            // Customers created after the snapshot, and rows that are not the snapshot's own, are skipped.
            guard id < snapshot.denseIndex.count, case let index = Int(snapshot.denseIndex[id]), index >= 0,
                snapshot.customerIds[index] == Int64(id), let text = sqlite3_column_text(handle, 1)
            else { continue }
            let length = Int(sqlite3_column_bytes(handle, 1))
            guard length > 2 else { continue }  // "{}"
            let raw = UnsafeRawBufferPointer(start: UnsafeRawPointer(text), count: length)
            // Traits are usually a flat object: walk it without building a dictionary per customer.
            if flatMembers(raw, into: &members) {
                for (name, value) in members { traits.add(customer: index, name: name, value: value) }
            } else if let object = (try? JSONParser.parse(raw))?.objectValue {
                traits.add(customer: index, traits: object)
            }
        }
        for trait in traits.columns() { attributes.addTrait(trait) }
        return attributes
    }

    private enum Wanted: UInt8 {
        case none, survey, order
    }

    private static func readSurveysAndOrders(_ db: Database, snapshot: StoreSnapshot, into attributes: inout CustomerAttributes) throws {
        var wanted: [Wanted] = []
        for row in try Row.fetchAll(db, sql: "SELECT id, name FROM event_type WHERE kind = 'track'") {
            let id = Int(row[0] as Int64), name: String = row[1]
            let kind: Wanted =
                CustomerAttributes.surveyEventNames.contains(name) ? .survey : name == StandardEvent.orderCompleted ? .order : .none
            guard kind != .none, id >= 0 else { continue }
            if id >= wanted.count { wanted += Array(repeating: .none, count: id + 1 - wanted.count) }
            wanted[id] = kind
        }
        guard !wanted.isEmpty else { return }
        let dense = snapshot.denseIndex
        let blocks = try db.makeStatement(
            sql: "SELECT id, first_seq, events, customers, types, times FROM event_block WHERE first_seq < ? ORDER BY id")
        try blocks.setArguments([snapshot.nextSequence])
        let details = try db.makeStatement(sql: "SELECT details FROM event_block_detail WHERE block_id = ?")
        let blockHandle = blocks.sqliteStatement, detailHandle = details.sqliteStatement
        defer {
            sqlite3_reset(blockHandle)
            sqlite3_reset(detailHandle)
        }
        var rows: [(row: Int, customer: Int, day: Int32, kind: Wanted)] = []
        while try step(blockHandle, db) {
            let blockId = sqlite3_column_int64(blockHandle, 0)
            let count = min(Int(sqlite3_column_int64(blockHandle, 2)), Int(snapshot.nextSequence - sqlite3_column_int64(blockHandle, 1)))
            guard count > 0, let customers = UnsafeRawPointer(sqlite3_column_blob(blockHandle, 3)),
                let types = UnsafeRawPointer(sqlite3_column_blob(blockHandle, 4)),
                let times = UnsafeRawPointer(sqlite3_column_blob(blockHandle, 5)),
                sqlite3_column_bytes(blockHandle, 3) >= count * 4, sqlite3_column_bytes(blockHandle, 4) >= count * 4,
                sqlite3_column_bytes(blockHandle, 5) >= count * 8
            else { continue }
            rows.removeAll(keepingCapacity: true)
            for i in 0..<count {
                let type = Int(UInt32(littleEndian: types.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
                guard type < wanted.count, wanted[type] != .none else { continue }
                let customer = Int(UInt32(littleEndian: customers.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
                guard customer < dense.count, dense[customer] >= 0 else { continue }
                let ms = Int64(littleEndian: times.loadUnaligned(fromByteOffset: i * 8, as: Int64.self))
                rows.append((i, Int(dense[customer]), day(ms), wanted[type]))
            }
            guard !rows.isEmpty else { continue }
            sqlite3_reset(detailHandle)
            sqlite3_bind_int64(detailHandle, 1, blockId)
            guard try step(detailHandle, db), let blob = sqlite3_column_blob(detailHandle, 0) else {
                throw EventLogError.corruptBlock("block \(blockId) has no details")
            }
            let raw = UnsafeRawBufferPointer(start: blob, count: Int(sqlite3_column_bytes(detailHandle, 0)))
            for (row, customer, day, kind) in rows {
                guard let payload = try EventBlockCoding.payload(inDetails: raw, event: row) else { continue }
                switch kind {
                case .survey:
                    if let properties = (try? JSONParser.parse(payload))?.objectValue,
                        let score = CustomerAttributes.npsScore(properties: properties)
                    {
                        attributes.addSurveyScore(customer: customer, day: day, score: score)
                    }
                case .order:
                    guard mayBeDiscounted(payload) else { continue }
                    if let properties = (try? JSONParser.parse(payload))?.objectValue, CustomerAttributes.isDiscountedOrder(properties: properties) {
                        attributes.addDiscountedOrder(customer: customer, day: day)
                    }
                case .none:
                    break
                }
            }
        }
    }

    /// False only when the JSON text cannot describe a discounted order: it has no `"coupon"` and
    /// every `"discount"` in it is followed by a zero (or null); true leaves the decision to parsing.
    static func mayBeDiscounted(_ json: UnsafeRawBufferPointer) -> Bool {
        let coupon = couponKey, discount = discountKey
        let n = json.count
        var i = 0
        while i < n {
            guard json[i] == UInt8(ascii: "\"") else {
                i += 1
                continue
            }
            if matches(json, at: i, coupon) { return true }
            if matches(json, at: i, discount) {
                var j = i + discount.count
                while j < n, json[j] == UInt8(ascii: " ") || json[j] == UInt8(ascii: ":") || json[j] == UInt8(ascii: "\t") { j += 1 }
                var k = j
                while k < n, isNumberByte(json[k]) { k += 1 }
                let isNull = n - j >= 4 && json[j] == UInt8(ascii: "n")
                if !isNull {
                    guard k > j, let value = Double(String(decoding: UnsafeRawBufferPointer(rebasing: json[j..<k]), as: UTF8.self)), value == 0
                    else { return true }
                }
                i = k
                continue
            }
            i += 1
        }
        return false
    }

    private static let couponKey = Array("\"coupon\"".utf8), discountKey = Array("\"discount\"".utf8)

    /// The top-level members of a JSON object in `raw` whose strings have no escapes, nested
    /// arrays and objects given as `.null` (traits ignore them); false when the text is anything
    /// else, for the full parser to read.
    static func flatMembers(_ raw: UnsafeRawBufferPointer, into out: inout [(String, JSONValue)]) -> Bool {
        out.removeAll(keepingCapacity: true)
        let n = raw.count
        var i = 0
        func skipSpace() {
            while i < n, raw[i] == 0x20 || raw[i] == 0x0A || raw[i] == 0x0D || raw[i] == 0x09 { i += 1 }
        }
        func plainString() -> String? {  // at the opening quote
            let start = i + 1
            var j = start
            while j < n, raw[j] != UInt8(ascii: "\"") {
                if raw[j] == UInt8(ascii: "\\") || raw[j] < 0x20 { return nil }
                j += 1
            }
            guard j < n else { return nil }
            i = j + 1
            return String(decoding: UnsafeRawBufferPointer(rebasing: raw[start..<j]), as: UTF8.self)
        }
        func literal(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard n - i >= count else { return false }
            for k in 0..<count where raw[i + k] != text.utf8Start[k] { return false }
            i += count
            return true
        }
        func skipNested() -> Bool {  // at `[` or `{`
            var depth = 0
            while i < n {
                let c = raw[i]
                if c == UInt8(ascii: "\"") {
                    i += 1
                    while i < n, raw[i] != UInt8(ascii: "\"") { i += raw[i] == UInt8(ascii: "\\") ? 2 : 1 }
                } else if c == UInt8(ascii: "[") || c == UInt8(ascii: "{") {
                    depth += 1
                } else if c == UInt8(ascii: "]") || c == UInt8(ascii: "}") {
                    depth -= 1
                    if depth == 0 {
                        i += 1
                        return true
                    }
                }
                i += 1
            }
            return false
        }
        skipSpace()
        guard i < n, raw[i] == UInt8(ascii: "{") else { return false }
        i += 1
        skipSpace()
        if i < n, raw[i] == UInt8(ascii: "}") { return true }
        while true {
            skipSpace()
            guard i < n, raw[i] == UInt8(ascii: "\""), let key = plainString() else { return false }
            skipSpace()
            guard i < n, raw[i] == UInt8(ascii: ":") else { return false }
            i += 1
            skipSpace()
            guard i < n else { return false }
            switch raw[i] {
            case UInt8(ascii: "\""):
                guard let value = plainString() else { return false }
                out.append((key, .string(value)))
            case UInt8(ascii: "t"):
                guard literal("true") else { return false }
                out.append((key, .bool(true)))
            case UInt8(ascii: "f"):
                guard literal("false") else { return false }
                out.append((key, .bool(false)))
            case UInt8(ascii: "n"):
                guard literal("null") else { return false }
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                guard skipNested() else { return false }
                out.append((key, .null))
            default:
                let start = i
                while i < n, isNumberByte(raw[i]) { i += 1 }
                guard i > start, let number = Double(String(decoding: UnsafeRawBufferPointer(rebasing: raw[start..<i]), as: UTF8.self))
                else { return false }
                out.append((key, .number(number)))
            }
            skipSpace()
            guard i < n else { return false }
            if raw[i] == UInt8(ascii: ",") {
                i += 1
            } else {
                return raw[i] == UInt8(ascii: "}")
            }
        }
    }

    private static func isNumberByte(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: ".") || c == UInt8(ascii: "-") || c == UInt8(ascii: "+")
            || c == UInt8(ascii: "e") || c == UInt8(ascii: "E")
    }

    private static func matches(_ json: UnsafeRawBufferPointer, at i: Int, _ pattern: [UInt8]) -> Bool {
        guard json.count - i >= pattern.count else { return false }
        for (k, byte) in pattern.enumerated() where json[i + k] != byte { return false }
        return true
    }
}
