import Foundation
import GRDB
import TenureCore

/// Journeys in SQLite: definitions and versions, and the scheduler's state (enrolments, step
/// counts, the event cursor). See ``JourneyStore`` for the contract; the outbox is in
/// `SQLiteStore+Outbox.swift`.
extension SQLiteStore: JourneyStore {
    /// Events older than this, when the scheduler reads them, fire no trigger: importing last
    /// year's orders must not start a post-purchase journey for each of them.
    public static let maximumTriggerAge: TimeInterval = 86_400

    public func saveJourney(_ definition: JourneyDefinition, by: String) async throws -> SavedJourney {
        try definition.validate()
        let document = String(decoding: definition.jsonData, as: UTF8.self)
        return try await writer.write { db in
            let now = Date().storeMillis
            let id: Int64
            if let row = try Row.fetchOne(db, sql: "SELECT id, version, status FROM journey WHERE name = ?", arguments: [definition.name]) {
                id = row[0]
                let version = (row[1] as Int) + 1
                try db.execute(
                    sql: "UPDATE journey SET version = ?, group_name = ?, updated_by = ?, updated_at = ? WHERE id = ?",
                    arguments: [version, definition.group, by, now, id])
                try db.execute(
                    sql: "INSERT INTO journey_version (journey_id, version, document, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [id, version, document, by, now])
            } else {
                // Events already in the log trigger nothing: the journey starts with the next one.
                let start = try SQLiteEventLog.nextSequence(db)
                try db.execute(
                    sql: """
                        INSERT INTO journey (name, status, version, group_name, start_sequence, created_by, created_at, updated_by, updated_at)
                        VALUES (?, 'active', 1, ?, ?, ?, ?, ?, ?)
                        """, arguments: [definition.name, definition.group, start, by, now, by, now])
                id = db.lastInsertedRowID
                try db.execute(
                    sql: "INSERT INTO journey_version (journey_id, version, document, created_by, created_at) VALUES (?, 1, ?, ?, ?)",
                    arguments: [id, document, by, now])
                try db.execute(sql: "INSERT OR IGNORE INTO journey_cursor (id, next_sequence) VALUES (1, ?)", arguments: [start])
            }
            return try Self.journeys(db, where: "j.id = ?", [id])[0]
        }
    }

    public func journeys(includingArchived: Bool) async throws -> [SavedJourney] {
        try await writer.read { db in try Self.journeys(db, where: includingArchived ? "1" : "j.status != 'archived'", []) }
    }

    public func journey(named name: String) async throws -> SavedJourney? {
        try await writer.read { db in try Self.journeys(db, where: "j.name = ?", [name]).first }
    }

    public func journeyDefinition(id: Int64, version: Int) async throws -> JourneyDefinition? {
        try await writer.read { db in try Self.definition(db, id: id, version: version) }
    }

    public func setJourneyStatus(named name: String, to status: JourneyStatus, by: String) async throws -> SavedJourney {
        try await writer.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT id, status FROM journey WHERE name = ?", arguments: [name]) else {
                throw JourneyStoreError.noSuchJourney(name)
            }
            let id: Int64 = row[0]
            if row[1] as String == JourneyStatus.archived.rawValue, status != .archived { throw JourneyStoreError.archived(name) }
            try db.execute(sql: "UPDATE journey SET status = ?, updated_by = ?, updated_at = ? WHERE id = ?", arguments: [status.rawValue, by, Date().storeMillis, id])
            if status == .archived {
                try db.execute(
                    sql: "UPDATE journey_enrolment SET state = 'stopped', ended_at = ? WHERE journey_id = ? AND state = 'active'",
                    arguments: [Date().storeMillis, id])
            }
            return try Self.journeys(db, where: "j.id = ?", [id])[0]
        }
    }

    static func journeys(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> [SavedJourney] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT j.id, j.name, j.status, j.version, j.created_by, j.created_at, j.updated_by, j.updated_at, v.document
                FROM journey j JOIN journey_version v ON v.journey_id = j.id AND v.version = j.version
                WHERE \(condition) ORDER BY j.name
                """, arguments: arguments
        ).map { row in
            SavedJourney(
                id: row[0], name: row[1], status: JourneyStatus(rawValue: row[2]) ?? .paused, version: row[3],
                definition: try JourneyDefinition(jsonData: Data((row[8] as String).utf8)), createdBy: row[4],
                createdAt: Date(storeMillis: row[5]), updatedBy: row[6], updatedAt: Date(storeMillis: row[7]))
        }
    }

    static func definition(_ db: Database, id: Int64, version: Int) throws -> JourneyDefinition? {
        try String.fetchOne(db, sql: "SELECT document FROM journey_version WHERE journey_id = ? AND version = ?", arguments: [id, version])
            .map { try JourneyDefinition(jsonData: Data($0.utf8)) }
    }

    // MARK: Events: entries, conversions, woken waits

    public func processEvents(
        journeys: [SavedJourney], limit: Int, at time: Date, globalControlShare: Double, targets: [Int64: Set<Int64>]
    ) async throws -> JourneyEventPass {
        let active = journeys.filter { $0.status == .active }
        return try await writer.write { db in
            var pass = JourneyEventPass()
            guard var cursor = try Int64.fetchOne(db, sql: "SELECT next_sequence FROM journey_cursor WHERE id = 1") else { return pass }
            let reader = try SQLiteJourneyEventReader(db, journeys: active)
            var lookups = SQLiteJourneyLookups()
            guard !reader.names.isEmpty else {
                // Nothing can react: move past what is there.
                try db.execute(sql: "UPDATE journey_cursor SET next_sequence = ? WHERE id = 1", arguments: [try SQLiteEventLog.nextSequence(db)])
                return pass
            }
            let nowMs = time.storeMillis
            let day = DayNumber.day(of: time)
            let read = try reader.read(db, from: cursor, limit: limit) { event in
                if reader.redeemsPromoCodes, try Self.redeemPromoCode(db, event: event, canonical: reader.canonical) { pass.promoCodesRedeemed += 1 }
                let userId = try lookups.userId(db, customer: event.customer)
                // Triggers.
                for journey in active where event.sequence >= reader.startSequence[journey.id, default: .max] {
                    let trigger = journey.definition.trigger
                    guard trigger.fires(name: event.name, properties: event.properties, asOf: day) else { continue }
                    guard event.timestamp.storeMillis >= nowMs - Int64(Self.maximumTriggerAge * 1000), let userId else {
                        pass.refused += 1
                        continue
                    }
                    let entry = SQLiteJourneyEntry(
                        customer: event.customer, userId: userId, triggerMessage: event.messageId, triggerSequence: event.sequence,
                        trigger: ["event": .string(event.name), "properties": .object(event.properties), "message_id": .string(event.messageId)])
                    if try Self.enter(db, journey: journey, entry, at: nowMs, globalControlShare: globalControlShare, target: targets[journey.id]) {
                        pass.entered[journey.id, default: 0] += 1
                    } else {
                        pass.refused += 1
                    }
                }
                // Goals and waits of the customer's journeys.
                guard reader.reactingNames.contains(event.name) else { return }
                let rows = try Row.fetchAll(
                    db.cachedStatement(
                        sql: """
                            SELECT id, journey_id, version, state, step, wait_started_at, event_arrived, goal_deadline, converted_at, trigger_sequence
                            FROM journey_enrolment WHERE customer_id = ? AND (state = 'active' OR (converted_at IS NULL AND goal_deadline >= ?))
                            """), arguments: [event.customer, event.timestamp.storeMillis])
                for row in rows {
                    let id: Int64 = row[0], journeyId: Int64 = row[1], version: Int = row[2], state: String = row[3]
                    guard let definition = try lookups.definition(db, id: journeyId, version: version) else { continue }
                    let triggerSequence: Int64 = row[9]
                    guard event.sequence > triggerSequence else { continue }
                    if let goal = definition.goal, row[8] as Int64? == nil, let deadline = row[7] as Int64?, event.timestamp.storeMillis <= deadline,
                        goal.converts(name: event.name, properties: event.properties, asOf: day)
                    {
                        try db.execute(
                            sql: """
                                UPDATE journey_enrolment SET converted_at = ?,
                                  state = CASE state WHEN 'active' THEN 'converted' ELSE state END,
                                  ended_at = CASE state WHEN 'active' THEN ? ELSE ended_at END
                                WHERE id = ?
                                """, arguments: [event.timestamp.storeMillis, nowMs, id])
                        pass.converted += 1
                        continue
                    }
                    guard state == "active", row[5] as Int64? != nil, row[6] as Int == 0 else { continue }
                    let step: Int = row[4]
                    guard step < definition.steps.count, case .wait(let wait) = definition.steps[step].action, let awaited = wait.event,
                        awaited.name == event.name, awaited.filter.allSatisfy({ $0.holds(properties: event.properties, asOf: day) })
                    else { continue }
                    try db.execute(sql: "UPDATE journey_enrolment SET event_arrived = 1, wake_at = ? WHERE id = ?", arguments: [nowMs, id])
                    pass.woken += 1
                }
            }
            pass.events = read.events
            pass.more = read.more
            cursor = read.next
            try db.execute(sql: "UPDATE journey_cursor SET next_sequence = ? WHERE id = 1", arguments: [cursor])
            return pass
        }
    }

    /// Enrols the customer unless the entry rule, the group or the journey's target forbids it
    /// (or the trigger message already enrolled them); false when refused. Shared by event and
    /// scheduled triggers. A targeted journey takes only customers in `target` (nil: none).
    static func enter(
        _ db: Database, journey: SavedJourney, _ entry: SQLiteJourneyEntry, at nowMs: Int64, globalControlShare: Double, target: Set<Int64>? = nil
    ) throws -> Bool {
        let userId = entry.userId
        let definition = journey.definition
        if definition.target != nil, target?.contains(entry.customer) != true { return false }
        var previous: [Double] = []
        var active = false
        for row in try Row.fetchAll(
            db.cachedStatement(sql: "SELECT entered_at, state FROM journey_enrolment WHERE customer_id = ? AND journey_id = ?"),
            arguments: [entry.customer, journey.id])
        {
            previous.append(Double(row[0] as Int64) / 1000)
            if row[1] as String == "active" { active = true }
        }
        guard definition.entry.allows(previousEntries: previous, active: active, now: Double(nowMs) / 1000) else { return false }
        if let group = definition.group {
            let busy = try Bool.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT EXISTS(SELECT 1 FROM journey_enrolment e JOIN journey j ON j.id = e.journey_id
                                      WHERE e.customer_id = ? AND e.state = 'active' AND j.group_name = ? AND j.id != ?)
                        """), arguments: [entry.customer, group, journey.id])
            if busy == true { return false }
        }
        let arm: JourneyArm =
            JourneyHoldout.isInGlobalControl(customer: userId, share: globalControlShare) ? .globalControl
            : JourneyHoldout.isHeldOut(customer: userId, journey: definition.name, share: definition.holdout) ? .holdout : .treatment
        let deadline = definition.goal.map { nowMs + Int64($0.withinDays) * 86_400_000 }
        try db.cachedStatement(
            sql: """
                INSERT INTO journey_enrolment (journey_id, version, customer_id, trigger_message, trigger_sequence, trigger, entered_at, arm,
                  state, step, steps_taken, wake_at, goal_deadline)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', 0, 0, ?, ?) ON CONFLICT(journey_id, trigger_message) DO NOTHING
                """
        ).execute(arguments: [
            journey.id, journey.version, entry.customer, entry.triggerMessage, entry.triggerSequence, JSONWriter.string(entry.trigger),
            nowMs, arm.rawValue, nowMs, deadline,
        ])
        return db.changesCount > 0
    }

    // MARK: Due steps

    public func dueEnrolments(at time: Date, limit: Int) async throws -> [JourneyEnrolment] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT e.id, e.journey_id, e.version, e.customer_id, c.user_id, e.entered_at, e.arm, e.step, e.steps_taken, e.wait_started_at,
                           e.wake_at, e.event_arrived, c.traits, e.trigger
                    FROM journey_enrolment e JOIN journey j ON j.id = e.journey_id JOIN customer c ON c.id = e.customer_id
                    WHERE e.state = 'active' AND e.wake_at <= ? AND j.status = 'active'
                    ORDER BY e.wake_at, e.id LIMIT ?
                    """, arguments: [time.storeMillisElapsed, limit]
            ).map { row in
                JourneyEnrolment(
                    id: row[0], journeyId: row[1], version: row[2], customerId: row[3], userId: row[4] ?? "", enteredAt: Date(storeMillis: row[5]),
                    arm: JourneyArm(rawValue: row[6]) ?? .holdout,
                    progress: JourneyProgress(
                        step: row[7], stepsTaken: row[8], waitStartedAt: (row[9] as Int64?).map(Date.init(storeMillis:)), wakeAt: Date(storeMillis: row[10])),
                    eventArrived: row[11] as Int != 0,
                    traits: (try? JSONParser.parse(Data((row[12] as String? ?? "{}").utf8)))?.objectValue ?? [:],
                    trigger: (try? JSONParser.parse(Data((row[13] as String).utf8))) ?? .null)
            }
        }
    }

    public func commitSteps(_ commits: [JourneyStepCommit], at time: Date) async throws -> Int {
        let nowMs = time.storeMillis
        return try await write { messageWriter in
            let db = messageWriter.database
            var committed = 0
            var traitMessages: [Message] = []
            for commit in commits {
                let e = commit.enrolment, a = commit.advance, p = a.progress
                let completed = a.state == .completed
                try db.cachedStatement(
                    sql: """
                        UPDATE journey_enrolment SET step = ?, steps_taken = ?, wait_started_at = ?, wake_at = ?, event_arrived = 0,
                          state = ?, ended_at = ?
                        WHERE id = ? AND state = 'active' AND step = ? AND steps_taken = ?
                        """
                ).execute(arguments: [
                    p.step, p.stepsTaken, p.waitStartedAt?.storeMillis, p.wakeAt.storeMillis, completed ? "completed" : "active", completed ? nowMs : nil,
                    e.id, e.progress.step, e.progress.stepsTaken,
                ])
                // Moved since it was read (another run committed first): this run never happened.
                guard db.changesCount > 0 else { continue }
                committed += 1
                for step in a.reached {
                    try db.cachedStatement(
                        sql: """
                            INSERT INTO journey_step_count (journey_id, step, arm, runs) VALUES (?, ?, ?, 1)
                            ON CONFLICT(journey_id, step, arm) DO UPDATE SET runs = runs + 1
                            """
                    ).execute(arguments: [e.journeyId, commit.journey.steps[step].id, e.arm.rawValue])
                }
                guard e.arm.receives else { continue }
                // The latest promo code the enrolment received, for its messages: read once, then
                // replaced by a code given in this run.
                var promoCode: JourneyPromoCode.Issued??
                func latestPromoCode() throws -> JourneyPromoCode.Issued? {
                    if let known = promoCode { return known }
                    let found = try Self.latestPromoCode(db, enrolment: e.id)
                    promoCode = .some(found)
                    return found
                }
                for effect in a.effects {
                    let key = "tenure-j\(e.id)-\(effect.sequence)"
                    let stepId = commit.journey.steps[effect.step].id
                    switch effect {
                    case .send(_, _, let send):
                        let payload = JourneyMessagePayload.make(
                            key: key, journey: commit.journey.name, version: e.version, step: stepId, send: send, userId: e.userId, traits: e.traits,
                            trigger: e.trigger, createdAt: time, promoCode: try latestPromoCode())
                        let refusal = MessageConsent.refusal(
                            traits: e.traits, unsubscribedChannels: try Self.unsubscribedChannels(db, customer: e.customerId), channel: send.channel,
                            topic: send.topic, transactional: send.transactional)
                        try Self.enqueue(
                            db, key: key, channel: send.channel, url: nil, customer: e.customerId, journey: e.journeyId, enrolment: e.id, step: stepId,
                            topic: send.topic, transactional: send.transactional, payload: payload, at: nowMs, suppressed: refusal,
                            priority: send.priority, mayDefer: send.deferWhenCapped)
                    case .webhook(_, _, let url):
                        let payload = JourneyMessagePayload.make(
                            key: key, journey: commit.journey.name, version: e.version, step: stepId, send: nil, userId: e.userId, traits: e.traits,
                            trigger: e.trigger, createdAt: time, promoCode: try latestPromoCode())
                        try Self.enqueue(
                            db, key: key, channel: "webhook-step", url: url, customer: e.customerId, journey: e.journeyId, enrolment: e.id, step: stepId,
                            topic: "integration", transactional: true, payload: payload, at: nowMs, suppressed: nil)
                    case .updateTraits(_, _, let traits):
                        traitMessages.append(Message(kind: .identify, messageId: key, userId: e.userId, timestamp: time, traits: traits))
                    case .promoCode(_, let sequence, let promo):
                        if let given = try Self.givePromoCode(
                            db, promo, journey: e.journeyId, enrolment: e.id, sequence: sequence, step: stepId, customer: e.customerId, at: time)
                        {
                            promoCode = .some(given)
                        }
                    }
                }
            }
            // Trait updates go through the log like any identify: on the timeline, in the snapshot.
            if !traitMessages.isEmpty { _ = try messageWriter.write(PreparedMessages(traitMessages)) }
            return committed
        }
    }

    static func enqueue(
        _ db: Database, key: String, channel: String, url: String?, customer: Int64, journey: Int64, enrolment: Int64, step: String, topic: String,
        transactional: Bool, payload: JSONValue, at nowMs: Int64, suppressed: String?, priority: Int = 0, mayDefer: Bool = true
    ) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO outbox (idempotency_key, channel, url, customer_id, journey_id, enrolment_id, step, topic, transactional, payload, state,
                  created_at, due_at, last_error, done_at, priority, may_defer)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(idempotency_key) DO NOTHING
                """
        ).execute(arguments: [
            key, channel, url, customer, journey, enrolment, step, topic, transactional, JSONWriter.string(payload),
            suppressed == nil ? "pending" : "suppressed", nowMs, nowMs, suppressed, suppressed == nil ? nil : nowMs, priority, mayDefer,
        ])
    }

    /// The channels the customer unsubscribed from by `Unsubscribed` events (`*`: all marketing).
    static func unsubscribedChannels(_ db: Database, customer: Int64) throws -> Set<String> {
        Set(try String.fetchAll(db.cachedStatement(sql: "SELECT channel FROM customer_opt_out WHERE customer_id = ?"), arguments: [customer]))
    }

    // MARK: Report

    public func journeyCounts(id: Int64, at time: Date) async throws -> JourneyCounts {
        try await writer.read { db in
            var counts = JourneyCounts()
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT arm, count(*), sum(state = 'active'), sum(converted_at IS NOT NULL),
                           sum(converted_at IS NOT NULL OR goal_deadline < ?)
                    FROM journey_enrolment WHERE journey_id = ? GROUP BY arm
                    """, arguments: [time.storeMillis, id])
            {
                guard let arm = JourneyArm(rawValue: row[0]) else { continue }
                var a = JourneyCounts.Arm()
                a.entered = row[1]
                a.active = row[2] ?? 0
                a.converted = row[3] ?? 0
                a.decided = row[4] ?? 0
                counts.arms[arm] = a
            }
            // A held-out customer's run of a send step is a withheld message.
            let sendSteps = Set(
                try Self.journeys(db, where: "j.id = ?", [id]).first?.definition.steps.filter { if case .send = $0.action { true } else { false } }.map(\.id) ?? [])
            for row in try Row.fetchAll(db, sql: "SELECT step, arm, runs FROM journey_step_count WHERE journey_id = ?", arguments: [id]) {
                let step: String = row[0], runs: Int = row[2]
                counts.steps[step, default: 0] += runs
                if row[1] as Int != JourneyArm.treatment.rawValue {
                    counts.heldOutSteps[step, default: 0] += runs
                    if sendSteps.contains(step) { counts.withheld += runs }
                }
            }
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) FROM outbox WHERE journey_id = ? GROUP BY state", arguments: [id]) {
                counts.messages[row[0]] = row[1]
            }
            counts.promoCodes = try Self.promoCodeCounts(db, journey: id)
            return counts
        }
    }
}

extension SQLiteStore {
    public func journeyEntries(id: Int64, at time: Date) async throws -> [JourneyEntry] {
        try await writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT customer_id, entered_at, arm, converted_at IS NOT NULL, converted_at IS NOT NULL OR goal_deadline < ? FROM journey_enrolment WHERE journey_id = ?",
                arguments: [time.storeMillis, id]
            ).map { row in
                JourneyEntry(
                    customerId: row[0], enteredAt: Date(storeMillis: row[1]), arm: JourneyArm(rawValue: row[2]) ?? .holdout, converted: row[3],
                    decided: row[4] ?? false)
            }
        }
    }
}

/// Why a journey operation was refused.
public enum JourneyStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    case noSuchJourney(String)
    case archived(String)

    public var description: String {
        switch self {
        case .noSuchJourney(let name): "there is no journey named \"\(name)\""
        case .archived(let name): "the journey \"\(name)\" is archived; save it under a new name to run it again"
        }
    }
}
