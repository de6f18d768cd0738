import Foundation
import GRDB
import TenureCore

/// Writes messages inside one SQLite write transaction: resolves (and merges) the customer,
/// stores the event unless its `messageId` is already stored, and derives orders, subscriptions
/// and group memberships. Customers' first/last-seen times are gathered in memory and written
/// once in `finish()`.
struct SQLiteMessageWriter: ImportSessionWriter {
    private let db: Database
    /// The transaction's connection, for writes that commit with the events (segment membership).
    var database: Database { db }
    private var insertCustomers: GroupedStatement
    private let insertIdentity: FastStatement
    /// Widens customers' first/last seen times.
    private var updateSeen: GroupedStatement
    /// The user id index was dropped for this transaction and is built again in `finish()`.
    private var rebuildsUserIndex = false
    /// New customers a bulk import holds before inserting them.
    private static let pendingCustomerLimit = 16_384
    /// What the writer keeps between transactions; handed back by `finish()`.
    private(set) var state: SQLiteWriterState
    /// The events of this transaction not yet written to the log.
    private var block: EventBlock
    /// Customers' (first, last) event times seen in this transaction (ms).
    private var seen = SeenTimes()
    /// Customers met first in this transaction, given ids but not inserted yet: they are
    /// inserted together, 64 rows a statement, with their final first and last seen times, in
    /// `finish()` (or before anything reads or changes customer rows: see `insertPendingCustomers`).
    private var pendingCustomers: [PendingCustomer] = []
    private struct PendingCustomer {
        var id: Int64
        var userId: String?
        /// When the customer was first met (ms).
        var at: Int64
    }
    /// The rows of the bulk import's current range that are new (reused between ranges).
    private var newRows: [Int] = []
    /// Rows whose table slots the bulk path touches before probing them.
    private static let lookahead = 16
    /// Where the touches' values go, so the loads are not optimised away.
    private var touchSink: Int64 = 0
    /// The event type of the previous message: files and batches repeat one name many times.
    private var lastType: (kind: Message.Kind, name: String, id: Int64)?
    private let now: Int64

    init(db: Database, state: SQLiteWriterState) throws {
        self.db = db
        insertCustomers = try GroupedStatement(db, columns: 5) { n in
            "INSERT INTO customer (id, user_id, first_seen, last_seen, created_at) VALUES \(GroupedStatement.rows(n, columns: 5))"
        }
        insertIdentity = try FastStatement(db, sql: "INSERT OR REPLACE INTO identity (alias, customer_id) VALUES (?, ?)")
        // Parameters per row: first, last, id. One row takes the plain form (cheaper to run).
        updateSeen = try GroupedStatement(db, columns: 3) { n in
            n == 1
                ? "UPDATE customer SET first_seen = min(first_seen, ?), last_seen = max(last_seen, ?) WHERE id = ?"
                : """
                UPDATE customer SET first_seen = min(first_seen, v.column1), last_seen = max(last_seen, v.column2)
                FROM (VALUES \(GroupedStatement.rows(n, columns: 3))) AS v WHERE customer.id = v.column3
                """
        }
        var state = state
        try state.load(db)
        self.state = state
        block = EventBlock(firstSequence: state.nextSequence)
        now = Date().storeMillis
    }

    /// Drops this copy's reference to the state, after the writer was copied into an import session.
    mutating func releaseState() {
        state = SQLiteWriterState()
    }

    static func typeKey(kind: String, name: String) -> String { kind + "\u{1F}" + name }

    /// Stores a prepared batch, message by message.
    mutating func write(_ batch: PreparedMessages) throws -> IngestOutcome {
        var outcome = IngestOutcome()
        for i in 0..<batch.count {
            if try write(batch, i) { outcome.stored += 1 } else { outcome.duplicates += 1 }
        }
        return outcome
    }

    /// Stores Tenure's own events about known customers (``StandardEvent/systemEvents``:
    /// `customers[i]` is message `i`'s store customer id), unless their message ids are stored.
    /// They are not activity: customers' last-seen times do not move.
    mutating func writeSystemEvents(_ batch: PreparedMessages, customers: [Int64]) throws -> IngestOutcome {
        var outcome = IngestOutcome()
        for i in 0..<batch.count {
            if try write(batch, i, customer: customers[i]) { outcome.stored += 1 } else { outcome.duplicates += 1 }
        }
        return outcome
    }

    /// Stores message `i` of `batch` unless its message id (or the order it carries) is stored;
    /// `fixed` is a known customer for a system event (no identity is resolved or changed).
    private mutating func write(_ batch: PreparedMessages, _ i: Int, customer fixed: Int64? = nil) throws -> Bool {
        let key = batch.keys[i], orderKey = batch.orderKeys[i].isZero ? nil : batch.orderKeys[i]
        guard isNew(key, order: orderKey) else { return false }
        let kind = batch.messages[i].kind
        let timestamp = batch.times[i]
        let customer = try fixed ?? resolveCustomer(batch, i)
        let typeId = try typeId(kind: kind, name: batch.messages[i].name ?? "")
        let orderLines = batch.orderLines[i]
        block.details.append(batch.details, rows: i..<i + 1)
        state.keys.insert(key)
        block.customers.append(UInt32(truncatingIfNeeded: customer))
        block.types.append(UInt32(truncatingIfNeeded: typeId))
        block.times.append(timestamp)
        block.revenues.append(batch.revenues[i])
        block.keys.append(key)
        if orderLines >= 0 {
            if let orderKey {
                state.keys.insert(orderKey)
                block.orderKeys.append(orderKey)
            }
            block.orders += 1
            block.orderLines += Int(orderLines)
            block.orderRevenue += batch.orderValues[i]
        }
        if fixed == nil { seen.mark(customer, timestamp) }
        if block.count >= SQLiteEventLog.maximumEvents { try flush() }
        guard fixed == nil else { return true }
        switch kind {
        case .identify:
            let traits = batch.messages[i].traits
            if !batch.messages[i].traitChanges.isEmpty {
                var changes = batch.messages[i].traitChanges
                changes.set = traits.merging(changes.set) { $1 }
                try changeTraits(of: customer, changes, at: timestamp)
            } else if !traits.isEmpty {
                try mergeTraits(traits, into: customer, at: timestamp)
            }
        case .group:
            let message = batch.messages[i]
            if let groupId = message.groupId {
                try execute(
                    sql: """
                        INSERT INTO group_membership (customer_id, group_id, traits) VALUES (?, ?, ?)
                        ON CONFLICT(customer_id, group_id) DO UPDATE SET traits = excluded.traits
                        """, arguments: [customer, groupId, JSONWriter.string(message.traits)])
            }
        case .track:
            if let change = batch.subscriptionChanges[i] {
                try store(change, customer: customer)
            } else if let feedback = batch.exitFeedback[i] {
                try Self.store(feedback, customer: customer, db)
            } else if batch.messages[i].name == StandardEvent.unsubscribed {
                try Self.storeOptOut(batch.messages[i].properties, customer: customer, at: timestamp, db)
            }
        default:
            break
        }
        // PostHog's person properties, on any other kind of event (an identify applied them above).
        if kind != .identify, !batch.messages[i].traitChanges.isEmpty {
            try changeTraits(of: customer, batch.messages[i].traitChanges, at: timestamp)
        }
        return true
    }

    /// The bulk importer's hot path: parsed transaction records straight into the block, with
    /// the same dedupe, identity and order rules as `write(_: Message)`. Rows are taken a block's
    /// free room at a time: the writer decides which are new and who they belong to, then copies
    /// the new rows' columns and encoded details in bulk.
    mutating func write(_ imported: ImportedTransactions) throws -> IngestOutcome {
        let batch = imported.batch
        var outcome = IngestOutcome()
        if !batch.messages.isEmpty { outcome += try write(PreparedMessages(batch.messages)) }
        guard batch.count > 0 else { return outcome }
        let typeId = try typeId(kind: .track, name: batch.event)
        state.keys.reserve(batch.count * (batch.isOrder && batch.hasOrderIds ? 2 : 1))
        block.reserve(min(batch.count, SQLiteEventLog.maximumEvents))
        var start = 0
        while start < batch.count {
            let end = min(batch.count, start + max(1, SQLiteEventLog.maximumEvents - block.count))
            let stored = append(imported, rows: start..<end, typeId: typeId)
            outcome.stored += stored
            outcome.duplicates += end - start - stored
            if block.count >= SQLiteEventLog.maximumEvents { try flush() }
            start = end
        }
        // New customers go in while the parsers still work (the writer has time then); `finish()`
        // updates their times.
        if pendingCustomers.count >= Self.pendingCustomerLimit { try insertPendingCustomers() }
        return outcome
    }

    /// Appends the new ones of `rows` to the block; returns how many were new.
    private mutating func append(_ imported: ImportedTransactions, rows: Range<Int>, typeId: Int64) -> Int {
        let batch = imported.batch
        let hasOrderKeys = batch.isOrder && batch.hasOrderIds
        newRows.removeAll(keepingCapacity: true)
        var revenue = 0.0
        batch.userIds.withBuffers { users in
            imported.keys.withUnsafeBufferPointer { keys in
                imported.userKeys.withUnsafeBufferPointer { userKeys in
                    imported.orderKeys.withUnsafeBufferPointer { orderKeys in
                        batch.timestamps.withUnsafeBufferPointer { times in
                            // A few rows at a time, each table's slots are touched before they are
                            // probed: the touches are independent loads the CPU overlaps, where the
                            // probes one after another would each wait for memory.
                            var touched: Int64 = 0
                            for start in stride(from: rows.lowerBound, to: rows.upperBound, by: Self.lookahead) {
                                let chunk = start..<min(start + Self.lookahead, rows.upperBound)
                                for i in chunk { touched &+= state.keys.touch(keys[i]) &+ state.userCache.touch(userKeys[i]) }
                                let (firstNew, customerBase) = (newRows.count, block.customers.count - newRows.count)
                                for i in chunk {
                                    let key = keys[i]
                                    let orderKey = hasOrderKeys && !orderKeys[i].isZero ? orderKeys[i] : nil
                                    guard isNew(key, order: orderKey) else { continue }
                                    state.keys.insert(key)
                                    if let orderKey { state.keys.insert(orderKey) }
                                    let customer = findOrCreate(
                                        key: userKeys[i], userId: String(decoding: users.value(i), as: UTF8.self), at: times[i])
                                    block.customers.append(UInt32(truncatingIfNeeded: customer))
                                    newRows.append(i)
                                }
                                for k in firstNew..<newRows.count { touched &+= seen.touch(Int64(block.customers[customerBase + k])) }
                                for k in firstNew..<newRows.count { seen.mark(Int64(block.customers[customerBase + k]), times[newRows[k]]) }
                            }
                            touchSink = touched
                        }
                    }
                }
            }
        }
        let stored = newRows.count
        if stored == rows.count {
            block.times.append(contentsOf: batch.timestamps[rows])
            block.revenues.append(contentsOf: batch.revenues[rows])
            block.keys.append(contentsOf: imported.keys[rows])
            block.details.append(imported.details, rows: rows)
            if batch.isOrder { revenue = batch.revenues[rows].reduce(0, +) }
        } else {
            for i in newRows {
                block.times.append(batch.timestamps[i])
                block.revenues.append(batch.revenues[i])
                block.keys.append(imported.keys[i])
                block.details.append(imported.details, rows: i..<i + 1)
                if batch.isOrder { revenue += batch.revenues[i] }
            }
        }
        block.types.append(contentsOf: repeatElement(UInt32(truncatingIfNeeded: typeId), count: stored))
        if hasOrderKeys {
            for i in newRows where !imported.orderKeys[i].isZero { block.orderKeys.append(imported.orderKeys[i]) }
        }
        if batch.isOrder {
            block.orders += stored
            block.orderRevenue += revenue
        }
        return stored
    }

    /// Whether neither the message key nor the order key (if any) is stored yet.
    private func isNew(_ key: MessageKey, order orderKey: MessageKey?) -> Bool {
        !state.keys.contains(key) && !(orderKey.map(state.keys.contains) ?? false)
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
        // Inserting a customer into the user id index costs about four times what building the
        // index costs per customer. An import of many records into a store with few customers
        // (these records likely bring most of them) drops the index and builds it in `finish()`,
        // inside this transaction: readers never see the store without it, a failed import
        // restores it, and a duplicate user id would fail the build rather than slip in.
        if records >= 100_000, state.userCache.count < records / 4, !rebuildsUserIndex {
            do {
                try db.execute(sql: "DROP INDEX \(SQLiteMigrations.customerUserIndex)")
                rebuildsUserIndex = true
            } catch {
                // Without the drop the index is kept up to date row by row, as usual.
            }
        }
    }

    mutating func finish() throws {
        try flush()
        try insertPendingCustomers()
        try updateSeenTimes()
        seen = SeenTimes()
        if rebuildsUserIndex {
            try db.execute(sql: "CREATE UNIQUE INDEX \(SQLiteMigrations.customerUserIndex) ON customer(user_id)")
            rebuildsUserIndex = false
        }
    }

    /// Widens the seen customers' first and last times, in id order (so SQLite walks the table
    /// front to back).
    private mutating func updateSeenTimes() throws {
        var rows: [(id: Int64, first: Int64, last: Int64)] = []
        seen.forEach { rows.append(($0, $1, $2)) }
        try updateSeen.run(rows.count) { statement, first, i in
            statement.bind(first, rows[i].first)
            statement.bind(first + 1, rows[i].last)
            statement.bind(first + 2, rows[i].id)
        }
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
        try execute(sql: "INSERT INTO event_type (kind, name) VALUES (?, ?)", arguments: [kind.rawValue, name])
        let id = db.lastInsertedRowID
        state.typeIds[key] = id
        return id
    }

    // MARK: Identity

    /// The customer message `i` of `batch` belongs to (created, linked or merged as it says).
    private mutating func resolveCustomer(_ batch: PreparedMessages, _ i: Int) throws -> Int64 {
        // Fields one at a time: copying the whole message would retain every one of them.
        let timestamp = batch.times[i]
        if batch.messages[i].kind == .alias, let userId = batch.messages[i].userId, let previousId = batch.messages[i].previousId {
            return try alias(previousId, into: userId, at: timestamp)
        }
        let anonymousId = batch.messages[i].anonymousId
        if !batch.userKeys[i].isZero {
            let customer = findOrCreate(key: batch.userKeys[i], userId: batch.messages[i].userId!, at: timestamp)
            if let anonymousId, anonymousId != batch.messages[i].userId {
                try link(alias: anonymousId, to: customer)
            }
            return customer
        }
        let anonymous = anonymousId!
        if let customer = lookupAlias(anonymous) { return customer }
        let customer = createCustomer(userId: nil, at: timestamp)
        try setAlias(anonymous, customer)
        return customer
    }

    private func lookupUser(_ userId: String) -> Int64? {
        lookup(CustomerIdIndex.key(userId))
    }

    /// The customer a user id or alias (by key) points to, following merges since the load.
    private func lookup(_ key: MessageKey) -> Int64? {
        // Not `.map(resolved)`: a method reference copies the whole writer for every event.
        guard let id = state.userCache[key: key] ?? state.aliasCache[key: key] else { return nil }
        return resolved(id)
    }

    private func lookupAlias(_ alias: String) -> Int64? {
        guard let id = state.aliasCache[alias] else { return nil }
        return resolved(id)
    }

    private func resolved(_ customer: Int64) -> Int64 {
        guard !state.mergedInto.isEmpty else { return customer }
        var id = customer
        while let next = state.mergedInto[id] { id = next }
        return id
    }

    /// The customer with this user id (known by `key`, its `CustomerIdIndex` key), or a new one
    /// whose row goes in with the other pending customers (`userId` is only read then).
    private mutating func findOrCreate(key: MessageKey, userId: @autoclosure () -> String, at timestamp: Int64) -> Int64 {
        if let id = lookup(key) { return id }
        let id = createCustomer(userId: userId(), at: timestamp)
        state.userCache[key: key] = id
        return id
    }

    /// A new customer's id; the row goes in with the other pending customers.
    private mutating func createCustomer(userId: String?, at timestamp: Int64) -> Int64 {
        let id = state.nextCustomerId
        state.nextCustomerId += 1
        pendingCustomers.append(PendingCustomer(id: id, userId: userId, at: timestamp))
        return id
    }


    /// Inserts the pending customers with the times seen so far; they leave `seen`, whose later
    /// times (if any) still reach them through the usual update. Runs before anything that reads
    /// or updates customer rows (traits, merges, renames), so those always find the row.
    private mutating func insertPendingCustomers() throws {
        guard !pendingCustomers.isEmpty else { return }
        let times = pendingCustomers.map { customer in
            let seenRange = seen.remove(customer.id) ?? (customer.at, customer.at)
            return (first: min(seenRange.first, customer.at), last: max(seenRange.last, customer.at))
        }
        let (customers, now) = (pendingCustomers, self.now)
        try insertCustomers.run(customers.count) { statement, first, i in
            statement.bind(first, customers[i].id)
            statement.bind(first + 1, customers[i].userId)
            statement.bind(first + 2, times[i].first)
            statement.bind(first + 3, times[i].last)
            statement.bind(first + 4, now)
        }
        pendingCustomers.removeAll()
    }

    private mutating func setAlias(_ alias: String, _ customer: Int64) throws {
        try insertIdentity.run {
            $0.bind(1, alias)
            $0.bind(2, customer)
        }
        state.aliasCache[alias] = customer
    }

    /// Ties an anonymous id to a known customer, merging the anonymous visitor's history into them.
    /// An id already tied to another *known* customer (a shared device) stays where it is.
    private mutating func link(alias: String, to customer: Int64) throws {
        guard let existing = lookupAlias(alias) else {
            try setAlias(alias, customer)
            return
        }
        guard existing != customer else { return }
        if try isAnonymous(existing) {
            try merge(existing, into: customer)
        }
    }

    private mutating func isAnonymous(_ customer: Int64) throws -> Bool {
        try insertPendingCustomers()
        return try fetchRow(sql: "SELECT user_id IS NULL FROM customer WHERE id = ?", arguments: [customer])?[0] ?? false
    }

    /// `alias previousId → userId` (Segment's semantics: `previousId` is merged into `userId`):
    /// afterwards the customer is known by `userId`, and `previousId` (like any id the customer
    /// was known by before) still finds them. When both ids are known customers, the previous
    /// one is merged into the one `userId` names.
    private mutating func alias(_ previousId: String, into userId: String, at timestamp: Int64) throws -> Int64 {
        let previous = lookupUser(previousId)
        let target = lookupUser(userId)
        let customer: Int64
        switch (previous, target) {
        case (nil, nil):
            customer = findOrCreate(key: CustomerIdIndex.key(userId), userId: userId, at: timestamp)
        case (let previous?, nil):
            customer = previous
            try name(customer, userId)
        case (nil, let target?):
            customer = target
            try name(customer, userId)
        case (let previous?, let target?):
            if previous != target { try merge(previous, into: target) }
            customer = target
            try name(customer, userId)
        }
        if previousId != userId { try setAlias(previousId, customer) }
        return customer
    }

    /// Makes `userId` the customer's user id (it may have had another, or none: an anonymous
    /// visitor, or a customer `userId` only found as an alias), keeping the earlier one as an alias.
    private mutating func name(_ customer: Int64, _ userId: String) throws {
        try insertPendingCustomers()
        guard let row = try fetchRow(sql: "SELECT user_id FROM customer WHERE id = ?", arguments: [customer]) else { return }
        let current: String? = row["user_id"]
        guard current != userId else { return }
        // The id moves from the identity table (if it was an alias) to the customer row.
        try execute(sql: "DELETE FROM identity WHERE alias = ?", arguments: [userId])
        state.aliasCache[userId] = nil
        try execute(sql: "UPDATE customer SET user_id = ? WHERE id = ?", arguments: [userId, customer])
        state.userCache[userId] = customer
        if let current { try setAlias(current, customer) }
    }

    /// Moves everything of customer `from` to `into` and deletes `from`.
    private mutating func merge(_ from: Int64, into: Int64) throws {
        try insertPendingCustomers()
        // The log keeps `from` on its events; readers follow `customer_merge` to `into`.
        try execute(sql: "UPDATE identity SET customer_id = ? WHERE customer_id = ?", arguments: [into, from])
        try execute(sql: "UPDATE exit_feedback SET customer_id = ? WHERE customer_id = ?", arguments: [into, from])
        // Their places in journeys and their messages follow them (one person, one history).
        try execute(sql: "UPDATE journey_enrolment SET customer_id = ? WHERE customer_id = ?", arguments: [into, from])
        try execute(sql: "UPDATE outbox SET customer_id = ? WHERE customer_id = ?", arguments: [into, from])
        for table in ["subscription", "group_membership", "customer_opt_out"] {
            try execute(sql: "UPDATE OR IGNORE \(table) SET customer_id = ? WHERE customer_id = ?", arguments: [into, from])
            try execute(sql: "DELETE FROM \(table) WHERE customer_id = ?", arguments: [from])
        }
        let fromRow = try fetchRow(sql: "SELECT user_id, traits, first_seen, last_seen FROM customer WHERE id = ?", arguments: [from])
        if let fromRow {
            let traits = (try? JSONParser.parse(Data((fromRow["traits"] as String? ?? "{}").utf8)))?.objectValue ?? [:]
            if !traits.isEmpty { try mergeTraits(traits, into: into, at: nil) }
            try execute(
                sql: "UPDATE customer SET first_seen = min(first_seen, ?), last_seen = max(last_seen, ?) WHERE id = ?",
                arguments: [fromRow["first_seen"] as Int64, fromRow["last_seen"] as Int64, into])
            if let oldUser: String = fromRow["user_id"] {
                try setAlias(oldUser, into)
                state.userCache[oldUser] = into
            }
        }
        try execute(sql: "DELETE FROM customer WHERE id = ?", arguments: [from])
        try execute(sql: "INSERT INTO customer_merge (from_id, into_id, merged_at) VALUES (?, ?, ?)", arguments: [from, into, now])
        state.mergedInto[from] = into
        if let range = seen.remove(from) {
            seen.mark(into, range.first)
            seen.mark(into, range.last)
        }
    }

    /// Merges traits into the customer's. A newer identify overwrites; an older one (or a merged
    /// visitor's traits, `at == nil`) only fills keys the customer does not have yet.
    private mutating func mergeTraits(_ traits: [String: JSONValue], into customer: Int64, at timestamp: Int64?) throws {
        try changeTraits(of: customer, TraitChanges(set: traits), at: timestamp)
    }

    /// Applies trait changes to the customer in one read and write of its row (and of the trait
    /// search index). `set` overwrites when the message is not older than the customer's last
    /// trait change (`traits_updated_at`), and otherwise (or for `at == nil`, a merged visitor's
    /// traits) only fills keys the customer has no value for; `setOnce` only ever fills such keys,
    /// after `set` (so within one message `$set` wins, as in PostHog); `unset` removes keys under
    /// the same newer-wins rule as `set`. Only `set` and `unset` move `traits_updated_at`: a
    /// set-once is not an overwrite an older `$set` would have to respect.
    private mutating func changeTraits(of customer: Int64, _ changes: TraitChanges, at timestamp: Int64?) throws {
        try insertPendingCustomers()
        guard let row = try fetchRow(sql: "SELECT traits, traits_updated_at FROM customer WHERE id = ?", arguments: [customer])
        else { return }
        let oldText: String = row["traits"] ?? "{}"
        var current = (try? JSONParser.parse(Data(oldText.utf8)))?.objectValue ?? [:]
        let updatedAt: Int64? = row["traits_updated_at"]
        let newer = timestamp.map { t in updatedAt.map { t >= $0 } ?? true } ?? false
        for (key, value) in changes.set where newer || current[key] == nil {
            current[key] = value
        }
        for (key, value) in changes.setOnce where current[key] == nil {
            current[key] = value
        }
        if newer {
            for key in changes.unset { current[key] = nil }
        }
        let newText = current.isEmpty ? "{}" : JSONWriter.string(current)
        let stamp: Int64? = changes.set.isEmpty && changes.unset.isEmpty ? nil : timestamp
        if let stamp {
            try execute(
                sql: "UPDATE customer SET traits = ?, traits_updated_at = max(coalesce(traits_updated_at, ?), ?) WHERE id = ?",
                arguments: [newText, stamp, stamp, customer])
        } else if newText != oldText {
            try execute(sql: "UPDATE customer SET traits = ? WHERE id = ?", arguments: [newText, customer])
        }
        if newText != oldText { try reindexTraits(of: customer, from: oldText, to: newText) }
    }

    /// Keeps the trait search index (`customer_trait_search`, external content) in step with a
    /// traits change. Written here, not by an update trigger: a trigger's statement savepoint
    /// made the index flush its pending terms on every identify, four times the cost.
    private func reindexTraits(of customer: Int64, from oldText: String, to newText: String) throws {
        if oldText != "{}" {
            try execute(
                sql: "INSERT INTO customer_trait_search (customer_trait_search, rowid, traits) VALUES ('delete', ?, ?)",
                arguments: [customer, oldText])
        }
        if newText != "{}" {
            try execute(sql: "INSERT INTO customer_trait_search (rowid, traits) VALUES (?, ?)", arguments: [customer, newText])
        }
    }

    /// Runs `sql` through the connection's statement cache: the writer runs the same few
    /// statements for message after message, and compiling one costs more than running it.
    private func execute(sql: String, arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    private func fetchRow(sql: String, arguments: StatementArguments) throws -> Row? {
        try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    // MARK: Derived facts

    /// Records an `Unsubscribed` event's channel (its `channel` property, lowercased), else its
    /// topic (`topic:<topic>`: marketing of that topic), else `*` (all marketing): what
    /// ``MessageConsent`` reads before every send.
    static func storeOptOut(_ properties: [String: JSONValue], customer: Int64, at ms: Int64, _ db: Database) throws {
        func name(_ key: String) -> String? {
            properties[key]?.stringValue.map { $0.lowercased() }.flatMap { $0.isEmpty ? nil : String($0.prefix(100)) }
        }
        let channel = name("channel") ?? name("topic").map { "topic:" + $0 } ?? "*"
        try db.cachedStatement(sql: "INSERT INTO customer_opt_out (customer_id, channel, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING").execute(
            arguments: [customer, channel, ms])
    }

    static func store(_ feedback: ExitFeedback, customer: Int64, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO exit_feedback (customer_id, at, source, reason) VALUES (?, ?, ?, ?)").execute(
            arguments: [customer, feedback.at.storeMillis, feedback.source.rawValue, feedback.reason])
    }

    private func store(_ change: SubscriptionChange, customer: Int64) throws {
        let at = change.at.storeMillis
        switch change.action {
        case .started:
            try execute(
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
            try execute(
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
            try execute(
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
