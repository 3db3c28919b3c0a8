import Foundation
import GRDB
import GRDBSQLite
import ImprovementPlan

/// A statement's rows stepped by hand, their columns read by position.
///
/// On SQLite: a cached statement, read with SQLite's own accessors. GRDB's
/// `Row` looks each column up by name and decodes it through a generic path
/// that instantiates `Optional` metadata on every call: about 16,000
/// instructions for one progress update's row, more than SQLite spent
/// finding it. Readers of many rows (reports, the timeline, verify) use this
/// instead, with a SELECT list whose positions they own.
///
/// On another engine: the rows it returned, as values, read the same way
/// (an integer read as text is its digits, as SQLite converts it).
public struct PositionalRows {
    private enum Source {
        case sqlite(Statement, OpaquePointer)
        case values(ValueRows)
    }

    private let source: Source

    init(_ db: Database, sql: String, values: [SQLValue]) throws {
        let statement = try db.cachedStatement(sql: sql)
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard values.count == expected else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "wrong number of statement arguments: \(values.count), expected \(expected)", sql: sql)
        }
        Bindings.bind(values, to: handle)
        source = .sqlite(statement, handle)
    }

    /// Rows another engine returned, in order.
    public init(rows: [[SQLValue]]) {
        source = .values(ValueRows(rows))
    }

    /// The SQLite statement (SQLite's engine reads a single value straight from it).
    var sqliteHandle: OpaquePointer? {
        if case let .sqlite(_, handle) = source { return handle }
        return nil
    }

    /// Moves to the next row: false after the last (the statement is then reset).
    func step() throws -> Bool {
        switch source {
        case let .sqlite(statement, handle):
            let code = sqlite3_step(handle)
            if code == SQLITE_ROW { return true }
            let message = code == SQLITE_DONE ? nil : String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))
            sqlite3_reset(handle)
            if let message { throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql) }
            return false
        case let .values(rows):
            return rows.step()
        }
    }

    /// Ends the statement before its last row (a caller that needs only the
    /// first, or one leaving on an error); harmless after the last.
    func reset() {
        if case let .sqlite(_, handle) = source { sqlite3_reset(handle) }
    }

    func text(_ column: Int32) -> String? {
        switch source {
        case let .sqlite(_, handle): return PositionalRows.text(handle, column)
        case let .values(rows): return rows.text(Int(column))
        }
    }

    func date(_ column: Int32) -> CalendarDate? {
        switch source {
        case let .sqlite(_, handle): return PositionalRows.date(handle, column)
        case let .values(rows): return rows.text(Int(column)).flatMap(CalendarDate.init(iso:))
        }
    }

    /// An integer, nil when the column is NULL.
    func integer(_ column: Int32) -> Int64? {
        switch source {
        case let .sqlite(_, handle):
            return sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, column)
        case let .values(rows): return rows.integer(Int(column))
        }
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

    /// A column's text as `text` reads it, handed to `body` as bytes (nil when NULL), with no string made.
    func withText<R>(_ column: Int32, _ body: (UnsafeBufferPointer<UInt8>?) throws -> R) rethrows -> R {
        switch source {
        case let .sqlite(_, handle): return try body(PositionalRows.textBytes(handle, column))
        case let .values(rows):
            guard var text = rows.text(Int(column)) else { return try body(nil) }
            return try text.withUTF8 { try body($0) }
        }
    }

    static func text(_ statement: OpaquePointer, _ column: Int32) -> String? {
        textBytes(statement, column).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether two runs of bytes are the same.
    static func same(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard let x = a.baseAddress, let y = b.baseAddress else { return true }
        return memcmp(x, y, a.count) == 0
    }

    /// A column's text as bytes, valid until the statement moves on.
    static func textBytes(_ statement: OpaquePointer, _ column: Int32) -> UnsafeBufferPointer<UInt8>? {
        guard let pointer = sqlite3_column_text(statement, column) else { return nil }
        // SQLite knows the length, so the text is decoded from that many bytes; up to a NUL inside them
        // (a blob read as text), as `String(cString:)` and GRDB read it.
        var count = Int(sqlite3_column_bytes(statement, column))
        if let nul = memchr(pointer, 0, count) { count = UnsafeRawPointer(nul) - UnsafeRawPointer(pointer) }
        return UnsafeBufferPointer(start: pointer, count: count)
    }

    static func date(_ statement: OpaquePointer, _ column: Int32) -> CalendarDate? {
        guard let pointer = sqlite3_column_text(statement, column) else { return nil }
        let count = Int(sqlite3_column_bytes(statement, column))
        return CalendarDate(isoBytes: UnsafeBufferPointer(start: pointer, count: count))
    }
}

/// One column's text from one row to the next, made a string only when it
/// is not the row before's. A report in partnership order reads the same
/// partnership and inspection key, and one of four statuses, row after row:
/// comparing a few bytes costs far less than decoding them into a new string
/// (and parsing the status again) on every row.
struct RepeatedText {
    /// The column's text in the last row read (nil: NULL, or none read yet).
    private(set) var value: String?

    /// Reads `column` of the current row: true when its text is not the last row's (`value` is then the new text).
    mutating func read(_ rows: PositionalRows, _ column: Int32) -> Bool {
        rows.withText(column) { bytes in
            guard let bytes else {
                defer { value = nil }
                return value != nil
            }
            if var last = value, last.withUTF8({ PositionalRows.same($0, bytes) }) { return false }
            value = String(decoding: bytes, as: UTF8.self)
            return true
        }
    }
}

/// Another engine's rows with a cursor, converted as SQLite converts a column
/// read as text or as an integer.
final class ValueRows {
    private let rows: [[SQLValue]]
    private var at = -1

    init(_ rows: [[SQLValue]]) { self.rows = rows }

    func step() -> Bool {
        at += 1
        return at < rows.count
    }

    private func value(_ column: Int) -> SQLValue {
        guard at >= 0, at < rows.count, column < rows[at].count else { return .null }
        return rows[at][column]
    }

    func text(_ column: Int) -> String? { value(column).asText }

    func integer(_ column: Int) -> Int64? { value(column).asInteger }
}
