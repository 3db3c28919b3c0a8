import GRDB
import GRDBSQLite
import ImprovementPlan

/// Queries through prepared statements cached on the connection: a bulk
/// import runs the same few statements hundreds of thousands of times, and
/// preparing each anew (with GRDB's authorizer walking every column) was most
/// of its cost.
extension Database {
    func run(sql: String, arguments: StatementArguments = []) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }

    func row(sql: String, arguments: StatementArguments = []) throws -> Row? {
        try Row.fetchOne(cachedStatement(sql: sql), arguments: arguments)
    }

    func rows(sql: String, arguments: StatementArguments = []) throws -> [Row] {
        try Row.fetchAll(cachedStatement(sql: sql), arguments: arguments)
    }

    func cursor(sql: String, arguments: StatementArguments = []) throws -> RowCursor {
        try Row.fetchCursor(cachedStatement(sql: sql), arguments: arguments)
    }

    func one<T: DatabaseValueConvertible>(_ type: T.Type, sql: String, arguments: StatementArguments = []) throws -> T? {
        try T.fetchOne(cachedStatement(sql: sql), arguments: arguments)
    }

    // The first column of the first row, for the types lookups ask for
    // (an id, a key, a flag), read with SQLite's own accessors as GRDB's
    // StatementColumnConvertible does (NULL is nil; another storage class
    // converted by SQLite), without the generic fetchOne around it: some
    // 15,000 instructions a call, several per record of an import.

    func one(_ type: Int64.Type, sql: String, arguments: StatementArguments = []) throws -> Int64? {
        try first(sql, arguments) { sqlite3_column_int64($0, 0) }
    }

    func one(_ type: Int.Type, sql: String, arguments: StatementArguments = []) throws -> Int? {
        try first(sql, arguments) { Int(sqlite3_column_int64($0, 0)) }
    }

    func one(_ type: Bool.Type, sql: String, arguments: StatementArguments = []) throws -> Bool? {
        try first(sql, arguments) { sqlite3_column_int64($0, 0) != 0 }
    }

    func one(_ type: String.Type, sql: String, arguments: StatementArguments = []) throws -> String? {
        try first(sql, arguments) { PositionalRows.text($0, 0) }
    }

    func all<T: DatabaseValueConvertible>(_ type: T.Type, sql: String, arguments: StatementArguments = []) throws -> [T] {
        try T.fetchAll(cachedStatement(sql: sql), arguments: arguments)
    }

    private func first<T>(_ sql: String, _ arguments: StatementArguments, _ read: (OpaquePointer) -> T?) throws -> T? {
        let rows = try PositionalRows(self, sql: sql, arguments: arguments)
        guard try rows.step() else { return nil }
        let value = sqlite3_column_type(rows.handle, 0) == SQLITE_NULL ? nil : read(rows.handle)
        rows.reset()
        return value
    }
}

/// The values of one statement execution, bound by position straight into
/// SQLite, without boxing each into GRDB's `StatementArguments`.
struct Bindings {
    fileprivate let handle: OpaquePointer
    fileprivate var index: Int32 = 0

    /// SQLite copies the bytes before the call returns.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    private mutating func next() -> Int32 {
        index += 1
        return index
    }

    mutating func bind(_ value: String?) {
        let position = next()
        guard var value else { sqlite3_bind_null(handle, position); return }
        value.withUTF8 { utf8 in
            guard let base = utf8.baseAddress, !utf8.isEmpty else {
                _ = sqlite3_bind_text(handle, position, "", 0, nil)
                return
            }
            _ = base.withMemoryRebound(to: CChar.self, capacity: utf8.count) {
                sqlite3_bind_text(handle, position, $0, Int32(utf8.count), Bindings.transient)
            }
        }
    }

    mutating func bind(_ value: Int64?) {
        let position = next()
        if let value { sqlite3_bind_int64(handle, position, value) } else { sqlite3_bind_null(handle, position) }
    }

    mutating func bind(_ value: Int?) { bind(value.map(Int64.init)) }

    mutating func bind(_ value: CalendarDate?) { bind(value?.iso) }

    mutating func bind<V: Vocabulary>(_ value: V?) { bind(value?.rawValue) }
}

extension Database {
    /// Runs a cached data-changing statement whose parameters `bind` sets in order.
    func insert(sql: String, _ bind: (inout Bindings) -> Void) throws {
        let handle = try cachedStatement(sql: sql).sqliteStatement
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        var bindings = Bindings(handle: handle)
        bind(&bindings)
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else {
            let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))
            sqlite3_reset(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
        }
        sqlite3_reset(handle)
    }
}
