import Dispatch
import Foundation
import GRDB
import GRDBSQLite
import Logging
import Synchronization

/// Copies the WAL back into the database file on a connection and thread of its own, so the
/// writer's commits do not wait for checkpoints.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses 1,000 WAL pages: that commit
/// copies every page of the log into the file and fsyncs the file, several times the cost of an
/// ordinary commit, while every request in the group waits. Here the writer connection's WAL
/// hook (called after each commit with the log's size) hands that work to this object's queue
/// instead. A passive checkpoint never blocks the writer, and the writer never waits for it.
///
/// The log can only start again from its beginning (instead of growing) once every page in it is
/// copied; under steady load the background copy always trails the newest commits a little. So
/// once the log passes `writerFrames`, the committing writer checkpoints too: the background has
/// copied nearly everything by then, the rest is quick, and the next transaction restarts the log.
final class WALCheckpointer: @unchecked Sendable {
    /// WAL pages after which a commit starts a background checkpoint (SQLite's own default).
    let backgroundFrames: Int32
    /// WAL pages after which the committing writer finishes the checkpoint itself.
    let writerFrames: Int32
    private let path: String
    private let logger: Logger
    /// Runs the checkpoints, one at a time.
    private let queue = DispatchQueue(label: "tenure.sqlite.checkpoint")
    private let scheduled = Atomic<Bool>(false)
    /// Background checkpoints run so far (for tests and diagnostics).
    private let runs = Atomic<Int>(0)

    init(path: String, logger: Logger, backgroundFrames: Int32 = 1000, writerFrames: Int32 = 8000) {
        self.path = path
        self.logger = logger
        self.backgroundFrames = backgroundFrames
        self.writerFrames = writerFrames
    }

    var backgroundRuns: Int { runs.load(ordering: .relaxed) }

    /// Makes `db` (the writer connection) hand its checkpoints to this object. Call
    /// `uninstall(from:)` before this object goes away.
    func install(on db: Database) {
        let hook: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Int32 = {
            context, connection, _, frames in
            guard let context else { return SQLITE_OK }
            Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue().committed(frames: frames, writer: connection)
            return SQLITE_OK
        }
        sqlite3_wal_hook(db.sqliteConnection, hook, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Gives `db` back SQLite's own automatic checkpoints.
    func uninstall(from db: Database) {
        sqlite3_wal_hook(db.sqliteConnection, nil, nil)
        sqlite3_wal_autocheckpoint(db.sqliteConnection, backgroundFrames)
    }

    /// Called on the writer's thread after each commit, with the pages now in the log.
    private func committed(frames: Int32, writer: OpaquePointer?) {
        if frames >= writerFrames {
            // Passive: returns at once (busy) if the background checkpoint holds the lock.
            sqlite3_wal_checkpoint_v2(writer, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        } else if frames >= backgroundFrames {
            checkpointInBackground()
        }
    }

    /// Starts a background checkpoint unless one is already queued or running.
    func checkpointInBackground() {
        guard scheduled.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        queue.async {
            self.checkpoint()
            self.scheduled.store(false, ordering: .releasing)
        }
    }

    /// Waits for a queued or running background checkpoint to end.
    func waitUntilIdle() {
        queue.sync {}
    }

    /// One passive checkpoint on a connection opened for it. (A connection kept open would stop
    /// a bulk import from leaving WAL mode: see `SQLiteStore.useRollbackJournal`. Opening one
    /// costs far less than the copy.)
    private func checkpoint() {
        var connection: OpaquePointer?
        defer { sqlite3_close_v2(connection) }
        let opened = sqlite3_open_v2(path, &connection, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil)
        guard opened == SQLITE_OK else {
            logger.warning("could not open a checkpoint connection", metadata: ["code": "\(opened)"])
            return
        }
        // The copied pages are fsync'd before the log may be reused.
        sqlite3_exec(connection, "PRAGMA synchronous = FULL", nil, nil, nil)
        let code = sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        runs.add(1, ordering: .relaxed)
        if code != SQLITE_OK && code != SQLITE_BUSY && code != SQLITE_LOCKED {
            logger.warning(
                "background checkpoint failed", metadata: ["code": "\(code)", "message": "\(String(cString: sqlite3_errmsg(connection)))"])
        }
    }
}
