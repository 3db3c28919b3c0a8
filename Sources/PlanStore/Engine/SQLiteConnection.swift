import Foundation
import GRDB
import GRDBSQLite
import ImprovementPlan

/// SQLite's side of the store's connection: GRDB's `Database`, through
/// prepared statements cached on the connection. A bulk import runs the same
/// few statements hundreds of thousands of times, and preparing each anew
/// (with GRDB's authorizer walking every column) was most of its cost.
extension Database: SQLConnection {
    public var dialect: SQLDialect { .sqlite }

    public func run(sql: String, values: [SQLValue]) throws {
        let rows = try positional(sql: sql, values: values)
        defer { rows.reset() }
        while try rows.step() {}
    }

    public func firstRow(sql: String, values: [SQLValue]) throws -> SQLRow? {
        let rows = try positional(sql: sql, values: values)
        defer { rows.reset() }
        guard try rows.step(), let handle = rows.sqliteHandle else { return nil }
        return SQLRow(columns: Database.columns(of: handle), values: Database.values(handle))
    }

    public func rows(sql: String, values: [SQLValue]) throws -> [SQLRow] {
        var all: [SQLRow] = []
        try forEachRow(sql: sql, values: values) { all.append($0) }
        return all
    }

    public func forEachRow(sql: String, values: [SQLValue], _ body: (SQLRow) throws -> Void) throws {
        let rows = try positional(sql: sql, values: values)
        defer { rows.reset() }
        guard let handle = rows.sqliteHandle else { return }
        var columns: SQLColumns?
        while try rows.step() {
            let names = columns ?? Database.columns(of: handle)
            columns = names
            try body(SQLRow(columns: names, values: Database.values(handle)))
        }
    }

    public func positional(sql: String, values: [SQLValue]) throws -> PositionalRows {
        try PositionalRows(self, sql: sql, values: values)
    }

    public func lastInsertedID() throws -> Int64 { lastInsertedRowID }

    /// The names of a statement's columns.
    private static func columns(of handle: OpaquePointer) -> SQLColumns {
        SQLColumns((0..<sqlite3_column_count(handle)).map { String(cString: sqlite3_column_name(handle, $0)) })
    }

    /// The current row's values, each in its SQLite storage class (a BLOB, which planwatch never stores, as text).
    private static func values(_ handle: OpaquePointer) -> [SQLValue] {
        (0..<sqlite3_column_count(handle)).map { column in
            switch sqlite3_column_type(handle, column) {
            case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, column))
            case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, column))
            case SQLITE_TEXT, SQLITE_BLOB: return .text(PositionalRows.text(handle, column) ?? "")
            default: return .null
            }
        }
    }

    // The first column of the first row, for the types lookups ask for
    // (an id, a key, a flag), read with SQLite's own accessors as GRDB's
    // StatementColumnConvertible does (NULL is nil; another storage class
    // converted by SQLite), without the generic fetchOne around it: some
    // 15,000 instructions a call, several per record of an import.

    public func firstInteger(sql: String, values: [SQLValue]) throws -> Int64? {
        try first(sql, values) { sqlite3_column_int64($0, 0) }
    }

    public func firstText(sql: String, values: [SQLValue]) throws -> String? {
        try first(sql, values) { PositionalRows.text($0, 0) }
    }

    private func first<T>(_ sql: String, _ values: [SQLValue], _ read: (OpaquePointer) -> T?) throws -> T? {
        let rows = try PositionalRows(self, sql: sql, values: values)
        guard try rows.step(), let handle = rows.sqliteHandle else { return nil }
        let value = sqlite3_column_type(handle, 0) == SQLITE_NULL ? nil : read(handle)
        rows.reset()
        return value
    }

    /// Runs a cached data-changing statement whose parameters `bind` sets in order.
    public func insert(sql: String, _ bind: (inout Bindings) -> Void) throws {
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

/// The values of one statement execution, bound by position: on SQLite
/// straight into the statement, without boxing each into GRDB's
/// `StatementArguments`; on another engine, kept in order for it to send.
public struct Bindings {
    private let handle: OpaquePointer?
    private var index: Int32 = 0
    /// The values bound, in order, when there is no SQLite statement.
    public private(set) var values: [SQLValue] = []

    init(handle: OpaquePointer) { self.handle = handle }

    /// Bindings kept as values (another engine's).
    public init() { handle = nil }

    /// SQLite copies the bytes before the call returns.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    private mutating func next() -> Int32 {
        index += 1
        return index
    }

    mutating func bind(_ value: String?) {
        guard let handle else { values.append(value.map(SQLValue.text) ?? .null); return }
        Bindings.bind(value, at: next(), to: handle)
    }

    /// Binds text at `position` (from 1); SQLite copies the bytes.
    static func bind(_ value: String?, at position: Int32, to handle: OpaquePointer) {
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

    /// Binds each value at its position (from 1), replacing what was bound before.
    static func bind(_ values: [SQLValue], to handle: OpaquePointer) {
        sqlite3_clear_bindings(handle)
        for (index, value) in values.enumerated() {
            let position = Int32(index + 1)
            switch value {
            case .null: sqlite3_bind_null(handle, position)
            case let .integer(number): sqlite3_bind_int64(handle, position, number)
            case let .real(number): sqlite3_bind_double(handle, position, number)
            case let .text(text): bind(text, at: position, to: handle)
            }
        }
    }

    mutating func bind(_ value: Int64?) {
        guard let handle else { values.append(value.map(SQLValue.integer) ?? .null); return }
        let position = next()
        if let value { sqlite3_bind_int64(handle, position, value) } else { sqlite3_bind_null(handle, position) }
    }

    mutating func bind(_ value: Int?) { bind(value.map(Int64.init)) }

    mutating func bind(_ value: CalendarDate?) { bind(value?.iso) }

    mutating func bind<V: Vocabulary>(_ value: V?) { bind(value?.rawValue) }
}
