import Foundation
import GRDB
import TenureCore

/// Writes messages inside one SQLite write transaction: resolves (and merges) the customer,
/// stores the event unless its `messageId` is already stored, and derives orders, subscriptions
/// and group memberships. Customers' first/last-seen times are gathered in memory and written
/// once in `finish()`.
struct SQLiteMessageWriter: ImportSessionWriter {
    private let db: Database
    private let insertCustomer: FastStatement
    private let insertIdentity: FastStatement
    private let updateSeen: FastStatement
    /// What the writer keeps between transactions; handed back by `finish()`.
    private(set) var state: SQLiteWriterState
    /// The events of this transaction not yet written to the log.
    private var block: EventBlock
    /// Customers' (first, last) event times seen in this transaction (ms).
    private var seen = SeenTimes()
    /// Customers a bulk import met first, given ids but not inserted yet: they are inserted
    /// once, with their final first and last seen times, in `finish()` (or before a message
    /// that may read their rows).
    private var pendingCustomers: [(id: Int64, userId: String)] = []
    /// The event type of the previous message: files and batches repeat one name many times.
    private var lastType: (kind: Message.Kind, name: String, id: Int64)?
    private let now: Int64

    init(db: Database, state: SQLiteWriterState) throws {
        self.db = db
        insertCustomer = try FastStatement(
            db, sql: "INSERT INTO customer (id, user_id, first_seen, last_seen, created_at) VALUES (?, ?, ?, ?, ?)")
        insertIdentity = try FastStatement(db, sql: "INSERT OR REPLACE INTO identity (alias, customer_id) VALUES (?, ?)")
        updateSeen = try FastStatement(
            db, sql: "UPDATE customer SET first_seen = min(first_seen, ?), last_seen = max(last_seen, ?) WHERE id = ?")
        var state = state
        try state.load(db)
        self.state = state
        block = EventBlock(firstSequence: state.nextSequence)
        now = Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }

    /// Drops this copy's reference to the state, after the writer was copied into an import session.
    mutating func releaseState() {
        state = SQLiteWriterState()
    }

    private var userCache: CustomerIdIndex {
        get { state.userCache }
        _modify { yield &state.userCache }
    }

    private var aliasCache: CustomerIdIndex {
        get { state.aliasCache }
        _modify { yield &state.aliasCache }
    }

    static func typeKey(kind: String, name: String) -> String { kind + "\u{1F}" + name }

    static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    mutating func write(_ message: Message) throws -> Bool {
        try insertPendingCustomers()
        let order = Order(message: message)
        guard let keys = newKeys(messageId: message.messageId, orderId: order?.orderId) else { return false }
        let timestamp = Self.millis(message.timestamp)
        let customer = try resolveCustomer(message, at: timestamp)
        let (payload, payloadJSON) =
            message.kind == .identify || message.kind == .group
            ? (message.traits, message.traitsJSON) : (message.properties, message.propertiesJSON)
        let revenue = order?.value ?? message.revenue
        try append(
            NewEvent(
                customer: customer, typeId: try typeId(kind: message.kind, name: message.name ?? ""), time: timestamp,
                receivedAt: Self.millis(message.receivedAt), revenue: revenue, messageId: message.messageId,
                payload: payload.isEmpty ? nil : payloadJSON ?? JSONWriter.string(payload),
                context: message.context.isEmpty ? nil : message.contextJSON ?? JSONWriter.string(message.context),
                currency: revenue == nil ? nil : message.currency, keys: keys,
                order: order.map { ($0.lines.count, $0.value) }))
        switch message.kind {
        case .identify:
            if !message.traits.isEmpty { try mergeTraits(message.traits, into: customer, at: timestamp) }
        case .group:
            if let groupId = message.groupId {
                try db.execute(
                    sql: """
                        INSERT INTO group_membership (customer_id, group_id, traits) VALUES (?, ?, ?)
                        ON CONFLICT(customer_id, group_id) DO UPDATE SET traits = excluded.traits
                        """, arguments: [customer, groupId, JSONWriter.string(message.traits)])
            }
        case .track:
            if order == nil, let change = SubscriptionChange(message: message) {
                try store(change, customer: customer)
            } else if order == nil, let feedback = ExitFeedback(message: message) {
                try Self.store(feedback, customer: customer, db)
            }
        default:
            break
        }
        return true
    }

    /// The bulk importer's hot path: parsed transaction records straight into the block, with
    /// the same dedupe, identity and order rules as `write(_: Message)`.
    mutating func write(_ imported: ImportedTransactions) throws -> IngestOutcome {
        let batch = imported.batch
        var outcome = IngestOutcome()
        for message in batch.messages {
            if try write(message) { outcome.stored += 1 } else { outcome.duplicates += 1 }
        }
        guard batch.count > 0 else { return outcome }
        let typeId = try typeId(kind: .track, name: batch.event)
        let hasOrderKeys = batch.isOrder && batch.hasOrderIds
        let (isOrder, receivedAt, currency) = (batch.isOrder, batch.receivedAt, batch.currency)
        state.keys.reserve(batch.count * (hasOrderKeys ? 2 : 1))
        block.reserve(min(batch.count, SQLiteEventLog.maximumEvents))
        // Plain buffers for the loop: no array is retained, released or bounds-checked per row.
        try batch.userIds.withBuffers { users in
            try batch.messageIds.withBuffers { messageIds in
                try batch.payloads.withBuffers { payloads in
                    try imported.keys.withUnsafeBufferPointer { keys in
                        try imported.userKeys.withUnsafeBufferPointer { userKeys in
                            try imported.orderKeys.withUnsafeBufferPointer { orderKeys in
                                try batch.timestamps.withUnsafeBufferPointer { times in
                                    try batch.revenues.withUnsafeBufferPointer { revenues in
                                        for i in 0..<times.count {
                                            let key = keys[i]
                                            let orderKey = hasOrderKeys && !orderKeys[i].isZero ? orderKeys[i] : nil
                                            guard isNew(key, order: orderKey) else {
                                                outcome.duplicates += 1
                                                continue
                                            }
                                            let time = times[i], revenue = revenues[i]
                                            let customer = findOrReserve(key: userKeys[i], userId: users.value(i))
                                            block.details.append(
                                                receivedDelta: receivedAt &- time, messageId: messageIds.value(i), payload: payloads.value(i),
                                                currency: revenue.isNaN ? nil : currency)
                                            try appendColumns(
                                                customer: customer, typeId: typeId, time: time, revenue: revenue, keys: (key, orderKey),
                                                order: isOrder ? (0, revenue) : nil)
                                            outcome.stored += 1
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return outcome
    }

    /// One event to store, resolved: what `append` writes to the log.
    private struct NewEvent {
        var customer: Int64
        var typeId: Int64
        /// Milliseconds since 1970 UTC.
        var time: Int64
        var receivedAt: Int64
        var revenue: Double?
        var messageId: String
        var payload: String?
        var context: String?
        var currency: String?
        var keys: (message: MessageKey, order: MessageKey?)
        /// For an order: its line count and value.
        var order: (lines: Int, value: Double)?
    }

    /// The dedupe keys a new event stores, or nil when its message (or the order it carries) is
    /// already stored. The same order sent twice under two message ids counts once; an order
    /// without an `order_id` is known by its message id, whose key is already kept.
    private func newKeys(messageId: String, orderId: String?) -> (message: MessageKey, order: MessageKey?)? {
        let key = MessageKey(messageId)
        let orderKey = orderId.flatMap { $0 == messageId ? nil : MessageKey($0, domain: .order) }
        return isNew(key, order: orderKey) ? (key, orderKey) : nil
    }

    /// Whether neither the message key nor the order key (if any) is stored yet.
    private func isNew(_ key: MessageKey, order orderKey: MessageKey?) -> Bool {
        !state.keys.contains(key) && !(orderKey.map(state.keys.contains) ?? false)
    }

    /// Adds the event to this transaction's block (written out when full) and its keys to the
    /// writer's state.
    private mutating func append(_ event: NewEvent) throws {
        block.details.append(
            receivedDelta: event.receivedAt &- event.time, messageId: event.messageId, payload: event.payload, context: event.context,
            currency: event.currency)
        try appendColumns(
            customer: event.customer, typeId: event.typeId, time: event.time, revenue: event.revenue ?? .nan, keys: event.keys,
            order: event.order)
    }

    /// The columns of an event whose details were just appended; `revenue` is NaN when none.
    private mutating func appendColumns(
        customer: Int64, typeId: Int64, time: Int64, revenue: Double, keys: (message: MessageKey, order: MessageKey?),
        order: (lines: Int, value: Double)?
    ) throws {
        state.keys.insert(keys.message)
        block.customers.append(UInt32(truncatingIfNeeded: customer))
        block.types.append(UInt32(truncatingIfNeeded: typeId))
        block.times.append(time)
        block.revenues.append(revenue)
        block.keys.append(keys.message)
        if let order {
            if let orderKey = keys.order {
                state.keys.insert(orderKey)
                block.orderKeys.append(orderKey)
            }
            block.orders += 1
            block.orderLines += order.lines
            block.orderRevenue += order.value
        }
        seen.mark(customer, time)
        if block.count >= SQLiteEventLog.maximumEvents { try flush() }
    }

    /// Writes the events gathered so far as one block of the log.
    private mutating func flush() throws {
        guard !block.isEmpty else { return }
        try SQLiteEventLog.append(block, db)
        state.nextSequence = block.nextSequence
        block = EventBlock(firstSequence: state.nextSequence)
    }

    mutating func reserve(records: Int) {
        state.keys.reserve(records)
    }

    mutating func finish() throws {
        try flush()
        try insertPendingCustomers()
        try seen.forEach { customer, first, last in
            updateSeen.bind(1, first)
            updateSeen.bind(2, last)
            updateSeen.bind(3, customer)
            try updateSeen.run()
        }
        seen = SeenTimes()
    }

    private mutating func typeId(kind: Message.Kind, name: String) throws -> Int64 {
        if let last = lastType, last.kind == kind, last.name == name { return last.id }
        let id = try lookupTypeId(kind: kind, name: name)
        lastType = (kind, name, id)
        return id
    }

    private mutating func lookupTypeId(kind: Message.Kind, name: String) throws -> Int64 {
        let key = Self.typeKey(kind: kind.rawValue, name: name)
        if let id = state.typeIds[key] { return id }
        try db.execute(sql: "INSERT INTO event_type (kind, name) VALUES (?, ?)", arguments: [kind.rawValue, name])
        let id = db.lastInsertedRowID
        state.typeIds[key] = id
        return id
    }

    // MARK: Identity

    private mutating func resolveCustomer(_ message: Message, at timestamp: Int64) throws -> Int64 {
        if message.kind == .alias, let userId = message.userId, let previousId = message.previousId {
            return try alias(previousId, into: userId, at: timestamp)
        }
        if let userId = message.userId {
            let customer = try findOrCreate(userId: userId, at: timestamp)
            if let anonymousId = message.anonymousId, anonymousId != userId {
                try link(alias: anonymousId, to: customer)
            }
            return customer
        }
        let anonymousId = message.anonymousId!
        if let customer = try lookupAlias(anonymousId) { return customer }
        let customer = try createCustomer(userId: nil, at: timestamp)
        try setAlias(anonymousId, customer)
        return customer
    }

    private mutating func lookupUser(_ userId: String) throws -> Int64? {
        lookup(CustomerIdIndex.key(userId))
    }

    /// The customer a user id or alias (by key) points to, following merges since the load.
    private func lookup(_ key: MessageKey) -> Int64? {
        // Not `.map(resolved)`: a method reference copies the whole writer for every event.
        guard let customer = userCache[key: key] ?? aliasCache[key: key] else { return nil }
        return resolved(customer)
    }

    private mutating func lookupAlias(_ alias: String) throws -> Int64? {
        guard let customer = aliasCache[alias] else { return nil }
        return resolved(customer)
    }

    private func resolved(_ customer: Int64) -> Int64 {
        var id = customer
        while let next = state.mergedInto[id] { id = next }
        return id
    }

    private mutating func findOrCreate(userId: String, at timestamp: Int64) throws -> Int64 {
        if let id = try lookupUser(userId) { return id }
        let id = try createCustomer(userId: userId, at: timestamp)
        userCache[userId] = id
        return id
    }

    private mutating func createCustomer(userId: String?, at timestamp: Int64) throws -> Int64 {
        let id = state.nextCustomerId
        try insertCustomer(id: id, userId: userId, first: timestamp, last: timestamp)
        state.nextCustomerId += 1
        return id
    }

    private func insertCustomer(id: Int64, userId: String?, first: Int64, last: Int64) throws {
        insertCustomer.bind(1, id)
        insertCustomer.bind(2, userId)
        insertCustomer.bind(3, first)
        insertCustomer.bind(4, last)
        insertCustomer.bind(5, now)
        try insertCustomer.run()
    }

    /// The customer with this user id (known by `key`), or a new id for one inserted later (see
    /// `pendingCustomers`).
    private mutating func findOrReserve(key: MessageKey, userId: UnsafeRawBufferPointer) -> Int64 {
        if let id = lookup(key) { return id }
        let id = state.nextCustomerId
        state.nextCustomerId += 1
        pendingCustomers.append((id, String(decoding: userId, as: UTF8.self)))
        userCache[key: key] = id
        return id
    }

    /// Inserts the pending customers with the times seen so far; they leave `seen`, whose later
    /// times (if any) still reach them through the usual update.
    private mutating func insertPendingCustomers() throws {
        guard !pendingCustomers.isEmpty else { return }
        for (id, userId) in pendingCustomers {
            let range = seen.remove(id) ?? (now, now)
            try insertCustomer(id: id, userId: userId, first: range.first, last: range.last)
        }
        pendingCustomers.removeAll()
    }

    private mutating func setAlias(_ alias: String, _ customer: Int64) throws {
        insertIdentity.bind(1, alias)
        insertIdentity.bind(2, customer)
        try insertIdentity.run()
        aliasCache[alias] = customer
    }

    /// Ties an anonymous id to a known customer, merging the anonymous visitor's history into them.
    /// An id already tied to another *known* customer (a shared device) stays where it is.
    private mutating func link(alias: String, to customer: Int64) throws {
        guard let existing = try lookupAlias(alias) else {
            try setAlias(alias, customer)
            return
        }
        guard existing != customer else { return }
        if try isAnonymous(existing) {
            try merge(existing, into: customer)
        }
    }

    private func isAnonymous(_ customer: Int64) throws -> Bool {
        try Row.fetchOne(db, sql: "SELECT user_id IS NULL FROM customer WHERE id = ?", arguments: [customer])?[0] ?? false
    }

    /// `alias previousId → userId`: afterwards both ids find the same customer.
    private mutating func alias(_ previousId: String, into userId: String, at timestamp: Int64) throws -> Int64 {
        let previous = try lookupUser(previousId)
        let target = try lookupUser(userId)
        switch (previous, target) {
        case (nil, let target?):
            try setAlias(previousId, target)
            return target
        case (nil, nil):
            let id = try findOrCreate(userId: userId, at: timestamp)
            try setAlias(previousId, id)
            return id
        case (let previous?, nil):
            // Rename the earlier customer: keep its id, take the new user id, remember the old one.
            try db.execute(sql: "UPDATE customer SET user_id = ? WHERE id = ?", arguments: [userId, previous])
            try setAlias(previousId, previous)
            userCache[userId] = previous
            userCache[previousId] = nil
            return previous
        case (let previous?, let target?):
            if previous != target { try merge(previous, into: target) }
            try setAlias(previousId, target)
            return target
        }
    }

    /// Moves everything of customer `from` to `into` and deletes `from`.
    private mutating func merge(_ from: Int64, into: Int64) throws {
        // The log keeps `from` on its events; readers follow `customer_merge` to `into`.
        try db.execute(sql: "UPDATE identity SET customer_id = ? WHERE customer_id = ?", arguments: [into, from])
        try db.execute(sql: "UPDATE exit_feedback SET customer_id = ? WHERE customer_id = ?", arguments: [into, from])
        for table in ["subscription", "group_membership"] {
            try db.execute(sql: "UPDATE OR IGNORE \(table) SET customer_id = ? WHERE customer_id = ?", arguments: [into, from])
            try db.execute(sql: "DELETE FROM \(table) WHERE customer_id = ?", arguments: [from])
        }
        let fromRow = try Row.fetchOne(db, sql: "SELECT user_id, traits, first_seen, last_seen FROM customer WHERE id = ?", arguments: [from])
        if let fromRow {
            let traits = (try? JSONParser.parse(Data((fromRow["traits"] as String? ?? "{}").utf8)))?.objectValue ?? [:]
            if !traits.isEmpty { try mergeTraits(traits, into: into, at: nil) }
            try db.execute(
                sql: "UPDATE customer SET first_seen = min(first_seen, ?), last_seen = max(last_seen, ?) WHERE id = ?",
                arguments: [fromRow["first_seen"] as Int64, fromRow["last_seen"] as Int64, into])
            if let oldUser: String = fromRow["user_id"] {
                try setAlias(oldUser, into)
                userCache[oldUser] = into
            }
        }
        try db.execute(sql: "DELETE FROM customer WHERE id = ?", arguments: [from])
        try db.execute(sql: "INSERT INTO customer_merge (from_id, into_id, merged_at) VALUES (?, ?, ?)", arguments: [from, into, now])
        state.mergedInto[from] = into
        if let range = seen.remove(from) {
            seen.mark(into, range.first)
            seen.mark(into, range.last)
        }
    }

    /// Merges traits into the customer's. A newer identify overwrites; an older one (or a merged
    /// visitor's traits, `at == nil`) only fills keys the customer does not have yet.
    private func mergeTraits(_ traits: [String: JSONValue], into customer: Int64, at timestamp: Int64?) throws {
        guard let row = try Row.fetchOne(db, sql: "SELECT traits, traits_updated_at FROM customer WHERE id = ?", arguments: [customer])
        else { return }
        var current = (try? JSONParser.parse(Data((row["traits"] as String? ?? "{}").utf8)))?.objectValue ?? [:]
        let updatedAt: Int64? = row["traits_updated_at"]
        let newer = timestamp.map { t in updatedAt.map { t >= $0 } ?? true } ?? false
        for (key, value) in traits where newer || current[key] == nil {
            current[key] = value
        }
        let stamp: Int64 = timestamp ?? updatedAt ?? 0
        try db.execute(
            sql: "UPDATE customer SET traits = ?, traits_updated_at = max(coalesce(traits_updated_at, ?), ?) WHERE id = ?",
            arguments: [JSONWriter.string(current), stamp, stamp, customer])
    }

    // MARK: Derived facts

    static func store(_ feedback: ExitFeedback, customer: Int64, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO exit_feedback (customer_id, at, source, reason) VALUES (?, ?, ?, ?)",
            arguments: [customer, millis(feedback.at), feedback.source.rawValue, feedback.reason])
    }

    private func store(_ change: SubscriptionChange, customer: Int64) throws {
        let at = Self.millis(change.at)
        switch change.action {
        case .started:
            try db.execute(
                sql: """
                    INSERT INTO subscription (customer_id, subscription_id, plan, status, amount, currency, interval_months, started_at)
                    VALUES (?, ?, ?, 'active', ?, ?, ?, ?)
                    ON CONFLICT(customer_id, subscription_id) DO UPDATE SET
                      plan = coalesce(excluded.plan, plan), amount = coalesce(amount, excluded.amount),
                      currency = coalesce(currency, excluded.currency),
                      interval_months = coalesce(excluded.interval_months, interval_months),
                      started_at = min(coalesce(started_at, excluded.started_at), excluded.started_at)
                    """,
                arguments: [customer, change.subscriptionId, change.plan, change.amount, change.currency, change.intervalMonths, at])
        case .renewed:
            try db.execute(
                sql: """
                    INSERT INTO subscription (customer_id, subscription_id, plan, status, amount, currency, interval_months, started_at, renewed_at, renewals)
                    VALUES (?, ?, ?, 'active', ?, ?, ?, ?, ?, 1)
                    ON CONFLICT(customer_id, subscription_id) DO UPDATE SET
                      plan = coalesce(excluded.plan, plan), renewals = renewals + 1,
                      amount = CASE WHEN excluded.renewed_at >= coalesce(renewed_at, 0) THEN coalesce(excluded.amount, amount) ELSE amount END,
                      renewed_at = max(coalesce(renewed_at, 0), excluded.renewed_at),
                      started_at = min(coalesce(started_at, excluded.started_at), excluded.started_at),
                      status = CASE WHEN cancelled_at IS NOT NULL AND excluded.renewed_at > cancelled_at THEN 'active' ELSE status END,
                      cancelled_at = CASE WHEN cancelled_at IS NOT NULL AND excluded.renewed_at > cancelled_at THEN NULL ELSE cancelled_at END
                    """,
                arguments: [
                    customer, change.subscriptionId, change.plan, change.amount, change.currency, change.intervalMonths, at, at,
                ])
        case .cancelled:
            try db.execute(
                sql: """
                    INSERT INTO subscription (customer_id, subscription_id, plan, status, started_at, cancelled_at, cancel_reason)
                    VALUES (?, ?, ?, 'cancelled', ?, ?, ?)
                    ON CONFLICT(customer_id, subscription_id) DO UPDATE SET
                      status = 'cancelled', cancelled_at = excluded.cancelled_at, cancel_reason = excluded.cancel_reason
                    """,
                arguments: [customer, change.subscriptionId, change.plan, at, at, change.reason])
        }
    }
}
