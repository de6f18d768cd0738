import Foundation
import GRDB
import TenureCore

/// One event of the log as the journey scheduler reads it.
struct SQLiteJourneyEvent {
    var sequence: Int64
    /// The store customer id (after merges).
    var customer: Int64
    var name: String
    var messageId: String
    var timestamp: Date
    var properties: [String: JSONValue]
}

/// Reads the log after the journeys' cursor: only the events whose names a journey reacts to
/// (a trigger, a goal, a wait) are decoded; the rest are skipped by their type column.
struct SQLiteJourneyEventReader {
    /// The track event names any active journey reacts to.
    let names: Set<String>
    /// Those that goals and event waits react to (of any version a customer may still be in).
    let reactingNames: Set<String>
    /// Each active journey's first sequence number (events before it trigger nothing).
    let startSequence: [Int64: Int64]
    /// Whether given promo codes wait for their redemption: then `Order Completed` is read for
    /// its `coupon`.
    let redeemsPromoCodes: Bool
    private let typeNames: [UInt32: String]
    private let merged: [Int64: Int64]

    init(_ db: Database, journeys: [SavedJourney]) throws {
        var names = Set(journeys.compactMap(\.definition.trigger.event?.name))
        var reacting: Set<String> = []
        var starts: [Int64: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, start_sequence FROM journey") { starts[row[0]] = row[1] }
        // Goals and waits of every version with customers still inside (or within a goal window).
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT v.document FROM journey_version v
                WHERE EXISTS (SELECT 1 FROM journey_enrolment e WHERE e.journey_id = v.journey_id AND e.version = v.version
                              AND (e.state = 'active' OR e.converted_at IS NULL))
                """)
        {
            guard let definition = try? JourneyDefinition(jsonData: Data((row[0] as String).utf8)) else { continue }
            if let goal = definition.goal { reacting.insert(goal.event) }
            for step in definition.steps {
                if case .wait(let wait) = step.action, let event = wait.event { reacting.insert(event.name) }
            }
        }
        for journey in journeys {
            if let goal = journey.definition.goal { reacting.insert(goal.event) }
        }
        names.formUnion(reacting)
        redeemsPromoCodes = try SQLiteStore.hasOutstandingPromoCodes(db)
        if redeemsPromoCodes { names.insert(StandardEvent.orderCompleted) }
        self.names = names
        reactingNames = reacting
        startSequence = starts
        var typeNames: [UInt32: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, name FROM event_type WHERE kind = 'track'") where names.contains(row[1] as String) {
            typeNames[UInt32(truncatingIfNeeded: row[0] as Int64)] = row[1]
        }
        self.typeNames = typeNames
        merged = try SQLiteEventLog.mergeTargets(db)
    }

    /// The customer a stored customer id is now (after merges).
    func canonical(_ customer: Int64) -> Int64 { merged[customer] ?? customer }

    /// Calls `body` with each wanted event from sequence `from`, reading at most `limit` events
    /// of the log (wanted or not); returns the events read, the sequence to continue from and
    /// whether more remain.
    func read(_ db: Database, from: Int64, limit: Int, _ body: (SQLiteJourneyEvent) throws -> Void) throws -> (events: Int, next: Int64, more: Bool) {
        let end = try SQLiteEventLog.nextSequence(db)
        var next = from
        guard from < end else { return (0, from, false) }
        let blocks = try Row.fetchAll(
            db, sql: "SELECT id, first_seq, events, types FROM event_block WHERE first_seq + events > ? ORDER BY first_seq", arguments: [from])
        var read = 0
        for row in blocks {
            let id: Int64 = row[0], first: Int64 = row[1], count: Int = row[2]
            let start = max(0, Int(next - first))
            guard start < count else { continue }
            let stop = min(count, start + (limit - read))
            let types = try EventBlockCoding.array(row[3] as Data, as: UInt32.self)
            if types[start..<stop].contains(where: { typeNames[$0] != nil }) {
                let block = try SQLiteEventLog.read(id: id, db)
                for i in start..<stop {
                    guard let name = typeNames[block.types[i]] else { continue }
                    let record = block.details.record(i, time: block.times[i])
                    let customer = Int64(block.customers[i])
                    try body(
                        SQLiteJourneyEvent(
                            sequence: first + Int64(i), customer: merged[customer] ?? customer, name: name, messageId: record.messageId,
                            timestamp: Date(timeIntervalSince1970: Double(block.times[i]) / 1000),
                            properties: record.payload.flatMap { try? JSONParser.parse(Data($0.utf8)).objectValue } ?? [:]))
                }
            }
            read += stop - start
            next = first + Int64(stop)
            if read >= limit { break }
        }
        return (read, next, next < end)
    }
}

/// What one pass over events looks up again and again, cached for the pass.
struct SQLiteJourneyLookups {
    private var definitions: [String: JourneyDefinition] = [:]
    private var userIds: [Int64: String?] = [:]

    /// The customer's user id (nil for an anonymous visitor), cached for the pass.
    mutating func userId(_ db: Database, customer: Int64) throws -> String? {
        if let known = userIds[customer] { return known }
        let id = try String.fetchOne(db.cachedStatement(sql: "SELECT user_id FROM customer WHERE id = ?"), arguments: [customer])
        userIds[customer] = id
        return id
    }

    /// A journey version's definition, cached for the pass.
    mutating func definition(_ db: Database, id: Int64, version: Int) throws -> JourneyDefinition? {
        let key = "\(id)/\(version)"
        if let known = definitions[key] { return known }
        let found = try SQLiteStore.definition(db, id: id, version: version)
        definitions[key] = found
        return found
    }
}
