import Foundation
import GRDB

/// The store's settings in SQLite (`setting`, migration v11).
extension SQLiteStore: LinkSecretStore {
    public func linkSecret() async throws -> Data {
        try await writer.write { db in
            if let key = try Data.fetchOne(db, sql: "SELECT value FROM setting WHERE name = 'link-secret'"), key.count == 32 { return key }
            var generator = SystemRandomNumberGenerator()
            let key = Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
            try db.execute(sql: "INSERT OR REPLACE INTO setting (name, value) VALUES ('link-secret', ?)", arguments: [key])
            return key
        }
    }
}
