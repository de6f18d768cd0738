import Foundation
import GRDB
import TenureCore

extension SQLiteStore: APIKeyStore {
    public func createKey(name: String, scope: APIKeyScope) async throws -> (key: APIKey, secret: String) {
        let secret = APIKeySecret.generate(scope: scope)
        let hash = APIKeySecret.hash(secret)
        let prefix = String(secret.prefix(10))
        let now = Date()
        let id = try await writer.write { db in
            try db.execute(
                sql: "INSERT INTO api_key (name, scope, prefix, hash, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [name, scope.rawValue, prefix, Data(hash), now.storeMillis])
            return db.lastInsertedRowID
        }
        return (APIKey(id: id, name: name, scope: scope, prefix: prefix, hash: hash, createdAt: now, revokedAt: nil), secret)
    }

    public func activeKeys() async throws -> [APIKey] {
        try await keys(where: "revoked_at IS NULL")
    }

    public func allKeys() async throws -> [APIKey] {
        try await keys(where: "1")
    }

    private func keys(where condition: String) async throws -> [APIKey] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, scope, prefix, hash, created_at, revoked_at FROM api_key WHERE \(condition) ORDER BY id")
                .map { row in
                    let revoked: Int64? = row["revoked_at"]
                    return APIKey(
                        id: row["id"], name: row["name"], scope: APIKeyScope(rawValue: row["scope"]) ?? .write,
                        prefix: row["prefix"], hash: Array(row["hash"] as Data),
                        createdAt: Date(timeIntervalSince1970: Double(row["created_at"] as Int64) / 1000),
                        revokedAt: revoked.map { Date(timeIntervalSince1970: Double($0) / 1000) })
                }
        }
    }

    public func revokeKey(id: Int64) async throws -> Bool {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE api_key SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                arguments: [Date().storeMillis, id])
            return db.changesCount > 0
        }
    }
}
