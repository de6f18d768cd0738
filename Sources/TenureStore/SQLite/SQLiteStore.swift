import Foundation
import GRDB
import Logging
import TenureCore

/// The embedded SQLite store: one owner per database file, WAL mode, every write a transaction
/// that is on disk (fsync'd) before it returns.
public final class SQLiteStore: Sendable {
    let writer: any DatabaseWriter
    let logger: Logger

    /// Opens (creating if needed) the database at `path` and migrates it.
    public convenience init(path: String, logger: Logger = Logger(label: "tenure.store")) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // WAL + synchronous=FULL: a commit is durable when it returns, even on power loss.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA cache_size = -262144")  // 256 MiB page cache
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        configuration.busyMode = .timeout(30)
        let pool = try DatabasePool(path: path, configuration: configuration)
        try self.init(writer: pool, logger: logger)
    }

    /// An in-memory store, for tests.
    public static func inMemory(logger: Logger = Logger(label: "tenure.store")) throws -> SQLiteStore {
        try SQLiteStore(writer: DatabaseQueue(), logger: logger)
    }

    init(writer: any DatabaseWriter, logger: Logger) throws {
        self.writer = writer
        self.logger = logger
        try SQLiteMigrations.migrator.migrate(writer)
    }

    /// The database file's path, or nil for an in-memory store.
    public var path: String? {
        writer.path == ":memory:" || writer.path.isEmpty ? nil : writer.path
    }
}

extension SQLiteStore: EventStore {
    public func ingest(_ batches: [[Message]]) async throws -> [IngestOutcome] {
        try await writer.write { db in
            var messageWriter = try SQLiteMessageWriter(db: db)
            var outcomes: [IngestOutcome] = []
            outcomes.reserveCapacity(batches.count)
            for batch in batches {
                var outcome = IngestOutcome()
                for message in batch {
                    if try messageWriter.write(message) {
                        outcome.stored += 1
                    } else {
                        outcome.duplicates += 1
                    }
                }
                outcomes.append(outcome)
            }
            try messageWriter.finish()
            return outcomes
        }
    }

    public func bulkImport<T: Sendable>(_ body: @Sendable (inout ImportSession) throws -> T) async throws -> T {
        try await writer.write { db in
            var session = ImportSession(writer: try SQLiteMessageWriter(db: db, preloadIdentities: true))
            let result = try body(&session)
            try session.finish()
            return result
        }
    }

    public func hasMessage(id: String) async throws -> Bool {
        try await writer.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM event WHERE message_id = ?)", arguments: [id]) ?? false
        }
    }
}

extension ImportSession {
    mutating func finish() throws {
        try writer.finish()
    }
}
