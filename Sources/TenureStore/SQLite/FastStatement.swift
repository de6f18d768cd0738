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

    /// The statement is the connection's cached one for `sql` (compiled once, not per
    /// transaction). GRDB may run the same statement in between (`execute(sql:)` through the
    /// cache) and leave it unreset, when binding would fail: so `run` resets before it binds.
    init(_ db: Database, sql: String) throws {
        statement = try db.cachedStatement(sql: sql)
        handle = statement.sqliteStatement
        connection = db.sqliteConnection!
    }

    /// Binds the parameters with `bind` and runs the statement; returns the number of rows it changed.
    @discardableResult
    func run(binding bind: (FastStatement) -> Void) throws -> Int {
        sqlite3_reset(handle)
        bind(self)
        return try run()
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

    private func run() throws -> Int {
        let code = sqlite3_step(handle)
        defer { sqlite3_reset(handle) }
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: statement.sql)
        }
        return Int(sqlite3_changes(connection))
    }
}

/// A statement over many rows run `groupRows` rows a statement (one statement per group costs
/// SQLite far less than one per row), and one row a statement for the rest. `sql(n)` is the
/// statement for `n` rows, each row taking `columns` parameters in order; the group statement is
/// prepared when first needed.
struct GroupedStatement {
    static let groupRows = 64
    private let db: Database
    private let columns: Int
    private let sql: (Int) -> String
    private let one: FastStatement
    private var group: FastStatement?

    init(_ db: Database, columns: Int, sql: @escaping (Int) -> String) throws {
        self.db = db
        self.columns = columns
        self.sql = sql
        one = try FastStatement(db, sql: sql(1))
    }

    /// `n` row placeholders, `(?, ?, …), …`, for `sql`.
    static func rows(_ n: Int, columns: Int) -> String {
        let row = "(" + repeatElement("?", count: columns).joined(separator: ", ") + ")"
        return repeatElement(row, count: n).joined(separator: ", ")
    }

    /// Runs rows `0..<count`; `bind(statement, firstParameter, row)` binds one row's values
    /// from its first parameter on.
    mutating func run(_ count: Int, bind: (FastStatement, Int32, Int) -> Void) throws {
        var start = 0
        while start < count {
            let rows = count - start >= Self.groupRows ? Self.groupRows : 1
            let statement = rows > 1 ? try groupStatement() : one
            try statement.run { statement in
                for k in 0..<rows { bind(statement, Int32(columns * k + 1), start + k) }
            }
            start += rows
        }
    }

    private mutating func groupStatement() throws -> FastStatement {
        if let group { return group }
        let statement = try FastStatement(db, sql: sql(Self.groupRows))
        group = statement
        return statement
    }
}
