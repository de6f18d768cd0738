import GRDB

/// What the store's single writer keeps in memory between transactions so that a write never
/// has to ask the disk whether a message is a duplicate or who a user id is: every stored
/// message and order key, every user id and alias, the event type ids, the log's next
/// sequence number and the next customer id. Loaded on the first write; thrown away (and loaded again) after any failed
/// transaction, so it never holds something that was rolled back.
struct SQLiteWriterState: Sendable {
    private(set) var isLoaded = false
    var keys = MessageKeySet()
    var userCache = CustomerIdIndex()
    var aliasCache = CustomerIdIndex()
    /// Customers merged into others since the caches were loaded: what they point to now.
    /// (The caches are not rewritten on a merge; a reload reads the merged identities.)
    var mergedInto: [Int64: Int64] = [:]
    var typeIds: [String: Int64] = [:]
    var nextSequence: Int64 = 0
    /// The id the next new customer gets: past every id ever used, merged-away ones included,
    /// so a new customer never takes the id of one whose events `customer_merge` sends elsewhere.
    var nextCustomerId: Int64 = 1

    mutating func load(_ db: Database) throws {
        guard !isLoaded else { return }
        keys = try SQLiteEventLog.loadKeys(db)
        nextSequence = try SQLiteEventLog.nextSequence(db)
        nextCustomerId = try Int64.fetchOne(
            db, sql: "SELECT max(coalesce((SELECT max(id) FROM customer), 0), coalesce((SELECT max(from_id) FROM customer_merge), 0)) + 1") ?? 1
        for row in try Row.fetchAll(db, sql: "SELECT id, kind, name FROM event_type") {
            typeIds[SQLiteMessageWriter.typeKey(kind: row["kind"], name: row["name"])] = row["id"]
        }
        let users = try Row.fetchCursor(db, sql: "SELECT user_id, id FROM customer WHERE user_id IS NOT NULL")
        while let row = try users.next() { userCache[row[0]] = row[1] }
        let aliases = try Row.fetchCursor(db, sql: "SELECT alias, customer_id FROM identity")
        while let row = try aliases.next() { aliasCache[row[0]] = row[1] }
        isLoaded = true
    }
}
