import GRDB
import GRDBSQLite
import ImprovementPlan

/// A cached statement stepped by hand, its columns read by position with
/// SQLite's own accessors.
///
/// GRDB's `Row` looks each column up by name and decodes it through a
/// generic path that instantiates `Optional` metadata on every call: about
/// 16,000 instructions for one progress update's row, more than SQLite spent
/// finding it. Readers of many rows (reports, the timeline, verify) use this
/// instead, with a SELECT list whose positions they own.
struct PositionalRows {
    private let statement: Statement
    let handle: OpaquePointer

    init(_ db: Database, sql: String, arguments: StatementArguments) throws {
        statement = try db.cachedStatement(sql: sql)
        try statement.setArguments(arguments)
        handle = statement.sqliteStatement
        sqlite3_reset(handle)
    }

    /// Moves to the next row: false after the last (the statement is then reset).
    func step() throws -> Bool {
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        let message = code == SQLITE_DONE ? nil : String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))
        sqlite3_reset(handle)
        if let message { throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql) }
        return false
    }

    /// Ends the statement before its last row (a caller that needs only the
    /// first, or one leaving on an error); harmless after the last.
    func reset() { sqlite3_reset(handle) }

    func text(_ column: Int32) -> String? { PositionalRows.text(handle, column) }
    func date(_ column: Int32) -> CalendarDate? { PositionalRows.date(handle, column) }

    /// An integer, nil when the column is NULL.
    func integer(_ column: Int32) -> Int64? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, column)
    }

    /// A vocabulary word; nil when NULL, and an error naming `field` when the word is not the vocabulary's.
    func word<V: Vocabulary>(_ column: Int32, _ type: V.Type = V.self, field: String) throws -> V? {
        guard let text = text(column) else { return nil }
        guard let value = V(rawValue: text) else { throw StoreError.corrupt("column '\(field)'") }
        return value
    }

    /// A non-NULL column, or an error naming `field`.
    func required<T>(_ value: T?, _ field: String) throws -> T {
        guard let value else { throw StoreError.corrupt("column '\(field)'") }
        return value
    }

    static func text(_ statement: OpaquePointer, _ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(statement, column) else { return nil }
        return String(cString: pointer)
    }

    static func date(_ statement: OpaquePointer, _ column: Int32) -> CalendarDate? {
        guard let pointer = sqlite3_column_text(statement, column) else { return nil }
        let count = Int(sqlite3_column_bytes(statement, column))
        return CalendarDate(isoBytes: UnsafeBufferPointer(start: pointer, count: count))
    }
}
