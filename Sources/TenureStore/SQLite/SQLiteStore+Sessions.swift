import Foundation
import GRDB

extension SQLiteStore: SessionStore {
    public func createSession(token: String, _ session: DashboardSessionRecord) async throws {
        let now = Date().storeMillis
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO dashboard_session (token_hash, subject, csrf_token, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [
                    Data(APIKeySecret.hash(token)), session.subject, session.csrfToken, now, session.expiresAt.storeMillis,
                ])
        }
    }

    public func session(token: String, now: Date) async throws -> DashboardSessionRecord? {
        let hash = Data(APIKeySecret.hash(token))
        let found = try await writer.read { db -> (record: DashboardSessionRecord, expiresAt: Int64)? in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT subject, csrf_token, expires_at FROM dashboard_session WHERE token_hash = ?", arguments: [hash])
            else { return nil }
            let expiresAt: Int64 = row["expires_at"]
            return (DashboardSessionRecord(
                subject: row["subject"], csrfToken: row["csrf_token"], expiresAt: Date(timeIntervalSince1970: Double(expiresAt) / 1000)), expiresAt)
        }
        guard let found else { return nil }
        guard found.expiresAt > now.storeMillis else {
            _ = try await deleteSession(token: token)
            return nil
        }
        return found.record
    }

    public func extendSession(token: String, expiresAt: Date) async throws {
        let hash = Data(APIKeySecret.hash(token))
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE dashboard_session SET expires_at = ? WHERE token_hash = ?",
                arguments: [expiresAt.storeMillis, hash])
        }
    }

    public func deleteSession(token: String) async throws -> Bool {
        let hash = Data(APIKeySecret.hash(token))
        return try await writer.write { db in
            try db.execute(sql: "DELETE FROM dashboard_session WHERE token_hash = ?", arguments: [hash])
            return db.changesCount > 0
        }
    }

    public func purgeExpiredSessions(now: Date) async throws -> Int {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM dashboard_session WHERE expires_at <= ?", arguments: [now.storeMillis])
            return db.changesCount
        }
    }
}
