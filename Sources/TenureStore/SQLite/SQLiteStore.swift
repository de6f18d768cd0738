import Foundation
import GRDB
import Logging
import Synchronization
import TenureCore

/// The embedded SQLite store: one owner per database file, WAL mode, every write a transaction
/// that is on disk (fsync'd) before it returns.
public final class SQLiteStore: Sendable {
    let writer: any DatabaseWriter
    let logger: Logger
    /// The writer's in-memory indexes; only touched inside `writer`'s serialized write closures.
    let writerState = Mutex(SQLiteWriterState())
    /// Takes the WAL checkpoints off the writer's commits (file stores only).
    let checkpointer: WALCheckpointer?

    /// Opens (creating if needed) the database at `path` and migrates it.
    public convenience init(path: String, logger: Logger = Logger(label: "tenure.store")) throws {
        try self.init(path: path, logger: logger, checkpointFrames: (background: 1000, writer: 8000))
    }

    /// `checkpointFrames`: the WAL sizes (pages) at which a commit starts a background checkpoint,
    /// and at which the writer finishes one itself (see `WALCheckpointer`).
    convenience init(path: String, logger: Logger = Logger(label: "tenure.store"), checkpointFrames: (background: Int32, writer: Int32)) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // WAL + synchronous=FULL: a commit is durable when it returns, even on power loss.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA cache_size = -262144")  // 256 MiB page cache
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        configuration.busyMode = .timeout(30)
        let pool = try DatabasePool(path: path, configuration: configuration)
        let checkpointer = WALCheckpointer(
            path: path, logger: logger, backgroundFrames: checkpointFrames.background, writerFrames: checkpointFrames.writer)
        try self.init(writer: pool, logger: logger, checkpointer: checkpointer)
    }

    /// An in-memory store, for tests.
    public static func inMemory(logger: Logger = Logger(label: "tenure.store")) throws -> SQLiteStore {
        try SQLiteStore(writer: DatabaseQueue(), logger: logger)
    }

    init(writer: any DatabaseWriter, logger: Logger, checkpointer: WALCheckpointer? = nil) throws {
        self.writer = writer
        self.logger = logger
        self.checkpointer = checkpointer
        try SQLiteMigrations.migrator.migrate(writer)
        try SQLiteLegacyEvents.moveIntoLog(writer)
        try SQLiteExitFeedbackBackfill.runIfPending(writer)
        try SQLiteOptOutBackfill.runIfPending(writer)
        if let checkpointer { writer.writeWithoutTransaction { checkpointer.install(on: $0) } }
    }

    deinit {
        // The writer connection's WAL hook points at the checkpointer, which goes away with us:
        // take it off now (the store closes when released), reentrantly, since the last reference
        // may go away on the writer's own queue; then let a running checkpoint end, so the file is
        // not open behind the caller's back.
        guard let checkpointer else { return }
        writer.unsafeReentrantWrite { checkpointer.uninstall(from: $0) }
        checkpointer.waitUntilIdle()
    }

    /// The database file's path, or nil for an in-memory store.
    public var path: String? {
        writer.path == ":memory:" || writer.path.isEmpty ? nil : writer.path
    }
}

extension SQLiteStore: EventStore {
    public func ingest(_ batches: [PreparedMessages]) async throws -> [IngestOutcome] {
        try await write { messageWriter in try batches.map { try messageWriter.write($0) } }
    }

    public func bulkImport<T: Sendable>(_ body: @Sendable (inout ImportSession) throws -> T) async throws -> T {
        let rollbackJournal = try await useRollbackJournal()
        defer { if rollbackJournal { restoreWAL() } }
        return try await write { messageWriter in
            var session = ImportSession(writer: messageWriter)
            messageWriter.releaseState()  // the session's copy is now the only one
            let result = try body(&session)
            try session.flush()
            // The session's writer holds this transaction's state: hand it back.
            messageWriter = session.writer as! SQLiteMessageWriter
            return result
        }
    }

    /// Switches the file to a rollback journal for a bulk import, when nothing else has it open.
    /// A bulk import mostly appends pages to the file, and appended pages need no journal: each is
    /// written once, where the WAL writes it twice (to the log, then to the file at checkpoint).
    /// Commits stay durable (`synchronous = FULL`), and a crash mid-import leaves a hot journal
    /// that SQLite rolls back on the next open. SQLite refuses the switch while another
    /// connection uses the WAL (it answers "locked"); the import then runs in WAL mode.
    private func useRollbackJournal() async throws -> Bool {
        guard path != nil, writer is DatabasePool else { return false }
        return try await writer.writeWithoutTransaction { db in
            do {
                return try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")?.lowercased() == "delete"
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
                return false
            }
        }
    }

    private func restoreWAL() {
        do {
            try writer.barrierWriteWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") }
        } catch {
            // The next open of the store sets WAL mode again.
            logger.warning("could not return to WAL mode after a bulk import", metadata: ["error": "\(error)"])
        }
    }

    /// Runs `body` in one write transaction with the writer's in-memory state; the state is kept
    /// only when the transaction commits.
    func write<T: Sendable>(_ body: @Sendable (inout SQLiteMessageWriter) throws -> T) async throws -> T {
        try await writer.writeWithoutTransaction { db in
            try self.writerState.withLock { state in
                var result: T?
                var kept: SQLiteWriterState?
                do {
                    try db.inTransaction {
                        // Take the state out so the writer owns the only copy (no copy-on-write).
                        var messageWriter = try SQLiteMessageWriter(db: db, state: state)
                        state = SQLiteWriterState()
                        result = try body(&messageWriter)
                        try messageWriter.finish()
                        kept = messageWriter.state
                        return .commit
                    }
                } catch {
                    state = SQLiteWriterState()
                    throw error
                }
                if let kept { state = kept }
                return result!
            }
        }
    }

    public func hasMessage(id: String) async throws -> Bool {
        try await writer.writeWithoutTransaction { db in
            try self.writerState.withLock { state in
                try state.load(db)
                return state.keys.contains(MessageKey(id))
            }
        }
    }
}
