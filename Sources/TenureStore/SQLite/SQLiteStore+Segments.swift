import Foundation
import GRDB
import TenureCore

extension SQLiteStore: SegmentStore {
    public func createSegment(name: String, definition: String, description: String, by: String) async throws -> SavedSegment {
        try Self.checkName(name)
        return try await writer.write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM segment WHERE name = ?", arguments: [name]) == nil else {
                throw SegmentStoreError.segmentExists(name)
            }
            let now = Date().storeMillis
            try db.execute(
                sql: """
                    INSERT INTO segment (name, definition, description, created_by, created_at, updated_by, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [name, definition, description, by, now, by, now])
            return try Self.segments(db, where: "s.id = ?", [db.lastInsertedRowID])[0]
        }
    }

    public func updateSegment(name: String, definition: String, description: String?, by: String) async throws -> SavedSegment {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE segment SET definition = ?, description = coalesce(?, description), updated_by = ?, updated_at = ? WHERE name = ?",
                arguments: [definition, description, by, Date().storeMillis, name])
            guard db.changesCount > 0 else { throw SegmentStoreError.noSuchSegment(name) }
            return try Self.segments(db, where: "s.name = ?", [name])[0]
        }
    }

    public func segments() async throws -> [SavedSegment] {
        try await writer.read { db in try Self.segments(db, where: "1", []) }
    }

    public func segment(named name: String) async throws -> SavedSegment? {
        try await writer.read { db in try Self.segments(db, where: "s.name = ?", [name]).first }
    }

    public func deleteSegment(named name: String) async throws -> Bool {
        try await writer.write { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM segment WHERE name = ?", arguments: [name]) else { return false }
            // Refuse while another segment refers to this one.
            var users: [String] = []
            for row in try Row.fetchAll(db, sql: "SELECT name, definition FROM segment WHERE id != ?", arguments: [id]) {
                let other: String = row[0], definition: String = row[1]
                if let e = try? SegmentExpression(parsing: definition), SegmentRequirements(e).segments.contains(name) { users.append(other) }
            }
            guard users.isEmpty else { throw SegmentStoreError.usedBy(segment: name, users: users.sorted()) }
            try db.execute(sql: "DELETE FROM segment WHERE id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM segment_membership WHERE segment_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM segment_size WHERE segment_id = ?", arguments: [id])
            return true
        }
    }

    public func recordedMembers(of segmentId: Int64) async throws -> [Int64]? {
        try await writer.read { db in
            try Data.fetchOne(db, sql: "SELECT members FROM segment_membership WHERE segment_id = ?", arguments: [segmentId])
                .map(Self.ids(inBitset:))
        }
    }

    public func recordMemberships(_ updates: [SegmentMembershipUpdate], at time: Date) async throws -> [SegmentMembershipOutcome] {
        let ms = time.storeMillis
        return try await write { messageWriter in
            let db = messageWriter.database
            let merged = try SQLiteEventLog.mergeTargets(db)
            var outcomes: [SegmentMembershipOutcome] = []
            for update in updates {
                guard let name = try String.fetchOne(db, sql: "SELECT name FROM segment WHERE id = ?", arguments: [update.segmentId]) else {
                    continue  // deleted meanwhile
                }
                let row = try Row.fetchOne(db, sql: "SELECT members, generation FROM segment_membership WHERE segment_id = ?", arguments: [update.segmentId])
                let previous = (row?["members"] as Data?).map(Self.ids(inBitset:)) ?? []
                let generation = (row?["generation"] as Int64? ?? 0) + 1
                let transitions = SegmentTransitions(previous: previous, current: update.members, mergedInto: merged)
                var messages: [Message] = [], customers: [Int64] = []
                let properties: [String: JSONValue] = ["segment": .string(name), "segment_id": .number(Double(update.segmentId))]
                for (ids, event, tag) in [(transitions.entered, StandardEvent.segmentEntered, "in"), (transitions.exited, StandardEvent.segmentExited, "out")] {
                    for customer in ids {
                        messages.append(Message(
                            kind: .track, messageId: "tenure-segment-\(update.segmentId)-\(generation)-\(tag)-\(customer)",
                            userId: nil, anonymousId: "tenure-system", name: event, timestamp: time, receivedAt: time, properties: properties))
                        customers.append(customer)
                    }
                }
                let stored = messages.isEmpty ? 0 : try messageWriter.writeSystemEvents(PreparedMessages(messages), customers: customers).stored
                try db.execute(
                    sql: """
                        INSERT INTO segment_membership (segment_id, members, member_count, as_of, evaluated_at, generation)
                        VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT(segment_id) DO UPDATE SET members = excluded.members, member_count = excluded.member_count,
                          as_of = excluded.as_of, evaluated_at = excluded.evaluated_at, generation = excluded.generation
                        """,
                    arguments: [update.segmentId, Self.bitset(update.members), update.members.count, update.asOf, ms, generation])
                try db.execute(
                    sql: """
                        INSERT INTO segment_size (segment_id, day, members) VALUES (?, ?, ?)
                        ON CONFLICT(segment_id, day) DO UPDATE SET members = excluded.members
                        """, arguments: [update.segmentId, Self.day(ms), update.members.count])
                outcomes.append(SegmentMembershipOutcome(segmentId: update.segmentId, transitions: transitions, eventsStored: stored))
            }
            return outcomes
        }
    }

    public func segmentSizes(of segmentId: Int64, days: Int) async throws -> [(day: Int32, members: Int)] {
        try await writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT day, members FROM segment_size WHERE segment_id = ? ORDER BY day DESC LIMIT ?",
                arguments: [segmentId, max(0, days)]
            ).map { (day: Int32($0[0] as Int64), members: $0[1] as Int) }.reversed()
        }
    }

    private static func checkName(_ name: String) throws {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw SegmentStoreError.invalidName("a name is needed") }
        guard trimmed == name else { throw SegmentStoreError.invalidName("no spaces at the start or end") }
        guard name.count <= 200 else { throw SegmentStoreError.invalidName("at most 200 characters") }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw SegmentStoreError.invalidName("no control characters")
        }
    }

    private static func segments(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> [SavedSegment] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT s.id, s.name, s.definition, s.description, s.created_by, s.created_at, s.updated_by, s.updated_at,
                       m.member_count, m.evaluated_at
                FROM segment s LEFT JOIN segment_membership m ON m.segment_id = s.id
                WHERE \(condition) ORDER BY s.name
                """, arguments: arguments
        ).map { row in
            SavedSegment(
                id: row[0], name: row[1], definition: row[2], description: row[3], createdBy: row[4],
                createdAt: Date(storeMillis: row[5]), updatedBy: row[6], updatedAt: Date(storeMillis: row[7]),
                memberCount: row[8], evaluatedAt: (row[9] as Int64?).map(Date.init(storeMillis:)))
        }
    }

    /// Ascending ids → bitset bytes (bit `id % 8` of byte `id / 8`).
    static func bitset(_ ids: [Int64]) -> Data {
        guard let last = ids.last, last >= 0 else { return Data() }
        var bytes = [UInt8](repeating: 0, count: Int(last) / 8 + 1)
        for id in ids where id >= 0 { bytes[Int(id) >> 3] |= 1 << UInt8(id & 7) }
        return Data(bytes)
    }

    static func ids(inBitset data: Data) -> [Int64] {
        var out: [Int64] = []
        for (i, byte) in data.enumerated() where byte != 0 {
            for bit in 0..<8 where byte & (1 << UInt8(bit)) != 0 { out.append(Int64(i * 8 + bit)) }
        }
        return out
    }
}
