import Foundation
import GRDB
import TenureCore

extension SQLiteStore: UserStore {
    public func createUser(name: String, passwordHash: String) async throws -> DashboardUser {
        let now = Date()
        let id = try await writer.write { db -> Int64? in
            if try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM dashboard_user WHERE name = ?)", arguments: [name]) == true {
                return nil
            }
            try db.execute(
                sql: "INSERT INTO dashboard_user (name, password_hash, created_at) VALUES (?, ?, ?)",
                arguments: [name, passwordHash, now.storeMillis])
            return db.lastInsertedRowID
        }
        guard let id else { throw UserStoreError.userExists(name) }
        return DashboardUser(id: id, name: name, passwordHash: passwordHash, createdAt: now)
    }

    public func user(named name: String) async throws -> DashboardUser? {
        try await users(where: "name = ?", [name]).first
    }

    public func allUsers() async throws -> [DashboardUser] {
        try await users(where: "1", [])
    }

    public func deleteUser(named name: String) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM dashboard_user WHERE name = ?", arguments: [name])
            return db.changesCount > 0
        }
    }

    private func users(where condition: String, _ arguments: StatementArguments) async throws -> [DashboardUser] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, password_hash, created_at FROM dashboard_user WHERE \(condition) ORDER BY id", arguments: arguments)
                .map { row in
                    DashboardUser(
                        id: row["id"], name: row["name"], passwordHash: row["password_hash"],
                        createdAt: Date(timeIntervalSince1970: Double(row["created_at"] as Int64) / 1000))
                }
        }
    }
}

extension SQLiteStore: CustomerDirectory {
    public func searchCustomers(_ text: String, limit: Int) async throws -> [CustomerMatch] {
        let text = String(text.prefix(200))
        guard !text.isEmpty, limit > 0 else { return [] }
        return try await writer.read { db in
            var found: [CustomerMatch] = []
            var seen = Set<Int64>()
            func add(_ rows: [Row]) {
                for row in rows where found.count < limit {
                    let id: Int64 = row["id"]
                    guard seen.insert(id).inserted else { continue }
                    let traits = (try? JSONParser.parse(Data((row["traits"] as String).utf8)))?.objectValue ?? [:]
                    found.append(CustomerMatch(
                        id: id, userId: row["user_id"], traits: traits,
                        lastSeen: Date(timeIntervalSince1970: Double(row["last_seen"] as Int64) / 1000)))
                }
            }
            let columns = "c.id, c.user_id, c.traits, c.last_seen"
            add(try Row.fetchAll(db, sql: "SELECT \(columns) FROM customer c WHERE c.user_id = ?", arguments: [text]))
            add(try Row.fetchAll(
                db, sql: "SELECT \(columns) FROM identity i JOIN customer c ON c.id = i.customer_id WHERE i.alias = ?", arguments: [text]))
            // A prefix range on the unique index: every string starting with `text` sorts between
            // `text` and `text` + U+10FFFF.
            if found.count < limit {
                add(try Row.fetchAll(
                    db, sql: "SELECT \(columns) FROM customer c WHERE c.user_id >= ? AND c.user_id < ? ORDER BY c.user_id LIMIT ?",
                    arguments: [text, text + "\u{10FFFF}", limit]))
            }
            if found.count < limit {
                let pattern = "%" + text.replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
                if text.unicodeScalars.count >= 3, !text.unicodeScalars.contains("\u{0}") {
                    // The trigram index finds every customer whose traits contain the text's
                    // trigrams (case-folded); the LIKE then keeps exactly the rows the plain scan
                    // below would, in the same order.
                    let phrase = "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                    add(try Row.fetchAll(
                        db,
                        sql: """
                            SELECT \(columns) FROM customer_trait_search s JOIN customer c ON c.id = s.rowid
                            WHERE customer_trait_search MATCH ? AND c.traits LIKE ? ESCAPE '\\'
                            ORDER BY s.rowid LIMIT ?
                            """,
                        arguments: [phrase, pattern, limit]))
                } else {
                    // One or two characters have no trigram: scan (they match early, so the LIMIT ends it soon).
                    add(try Row.fetchAll(
                        db, sql: "SELECT \(columns) FROM customer c WHERE c.traits LIKE ? ESCAPE '\\' ORDER BY c.id LIMIT ?",
                        arguments: [pattern, limit]))
                }
            }
            return found
        }
    }

    public func exitReasons() async throws -> [ReasonCount] {
        try await writer.read { db in
            // An exit survey that repeats the reason its customer gave when cancelling a
            // subscription is the same exit: counted once.
            try Row.fetchAll(
                db,
                sql: """
                    SELECT reason, count(*) AS n FROM (
                      SELECT cancel_reason AS reason FROM subscription WHERE cancel_reason IS NOT NULL AND cancel_reason <> ''
                      UNION ALL
                      SELECT f.reason FROM exit_feedback f
                      WHERE NOT EXISTS (SELECT 1 FROM subscription s WHERE s.customer_id = f.customer_id AND s.cancel_reason = f.reason)
                    )
                    GROUP BY reason ORDER BY n DESC, reason
                    """
            ).map { ReasonCount(reason: $0[0], count: $0[1]) }
        }
    }
}
