import Foundation
import GRDB

/// Message templates in SQLite (`message_template`, migration v11).
extension SQLiteStore: TemplateStore {
    public func saveTemplate(name: String, document: String, isPartial: Bool, by: String) async throws -> Bool {
        let now = Date().storeMillis
        return try await writer.write { db in
            let existed = try Bool.fetchOne(db, sql: "SELECT 1 FROM message_template WHERE name = ?", arguments: [name]) ?? false
            try db.execute(
                sql: """
                    INSERT INTO message_template (name, document, is_partial, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(name) DO UPDATE SET document = excluded.document, is_partial = excluded.is_partial,
                      updated_by = excluded.updated_by, updated_at = excluded.updated_at
                    """, arguments: [name, document, isPartial, by, now])
            return !existed
        }
    }

    public func templates() async throws -> [SavedTemplate] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT name, document, is_partial, updated_by, updated_at FROM message_template ORDER BY name").map(Self.template)
        }
    }

    public func template(named name: String) async throws -> SavedTemplate? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT name, document, is_partial, updated_by, updated_at FROM message_template WHERE name = ?", arguments: [name])
                .map(Self.template)
        }
    }

    public func deleteTemplate(named name: String) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM message_template WHERE name = ?", arguments: [name])
            return db.changesCount > 0
        }
    }

    public func traitNames(sample: Int) async throws -> Set<String> {
        try await writer.read { db in
            Set(try String.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT j.key FROM (SELECT traits FROM customer WHERE traits <> '{}' ORDER BY id DESC LIMIT ?) c, json_each(c.traits) j
                    """, arguments: [max(0, sample)]))
        }
    }

    private static func template(_ row: Row) -> SavedTemplate {
        SavedTemplate(name: row[0], document: row[1], isPartial: row[2], updatedBy: row[3], updatedAt: Date(storeMillis: row[4]))
    }
}
