import GRDB
import GRDBSQLite

/// A prepared statement on the ingestion hot path, bound and stepped through SQLite's C API:
/// GRDB's `StatementArguments` box every value, which cost more than the insert itself when a
/// bulk import writes hundreds of thousands of rows a second. The GRDB `Statement` is kept so
/// its lifetime, and the connection's transaction state, stay GRDB's.
struct FastStatement {
    private let statement: Statement
    private let handle: OpaquePointer
    private let connection: OpaquePointer
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    nonisolated(unsafe) private static let empty: UnsafePointer<CChar> = {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
        p.pointee = 0
        return UnsafePointer(p)
    }()

    init(_ db: Database, sql: String) throws {
        statement = try db.makeStatement(sql: sql)
        handle = statement.sqliteStatement
        connection = db.sqliteConnection!
    }

    func bind(_ index: Int32, _ value: String?) {
        guard let value else {
            sqlite3_bind_null(handle, index)
            return
        }
        var text = value
        text.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                // An empty string still needs a non-null pointer, or SQLite stores NULL.
                _ = sqlite3_bind_text(handle, index, chars.baseAddress ?? Self.empty, Int32(chars.count), Self.transient)
            }
        }
    }

    func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    func bind(_ index: Int32, _ value: Double?) {
        if let value { sqlite3_bind_double(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    /// Runs the statement; returns the number of rows it changed.
    @discardableResult
    func run() throws -> Int {
        let code = sqlite3_step(handle)
        defer { sqlite3_reset(handle) }
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: statement.sql)
        }
        return Int(sqlite3_changes(connection))
    }

    /// Runs a query and returns the first column of its first row, if any.
    func int64() throws -> Int64? {
        let code = sqlite3_step(handle)
        defer { sqlite3_reset(handle) }
        if code == SQLITE_ROW { return sqlite3_column_int64(handle, 0) }
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: statement.sql)
        }
        return nil
    }

    var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(connection) }
}
