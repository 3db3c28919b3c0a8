import GRDB
import ImprovementPlan

/// The values bound to a statement's parameters, in order.
///
/// The store's own type rather than GRDB's `StatementArguments`, whose values
/// another engine cannot read. Written as an array literal at each call
/// (`arguments: [key, id]`), as before.
public struct SQLArguments: ExpressibleByArrayLiteral, Sendable {
    public var values: [DatabaseValue]

    public init(values: [DatabaseValue] = []) { self.values = values }

    public init(_ values: some Sequence<(any DatabaseValueConvertible)?>) {
        self.values = values.map { $0?.databaseValue ?? .null }
    }

    public init(arrayLiteral elements: (any DatabaseValueConvertible)?...) {
        values = elements.map { $0?.databaseValue ?? .null }
    }

    public static func += (lhs: inout SQLArguments, rhs: SQLArguments) { lhs.values += rhs.values }
    public static func + (lhs: SQLArguments, rhs: SQLArguments) -> SQLArguments { SQLArguments(values: lhs.values + rhs.values) }

    /// GRDB's form of the same values (the SQLite engine).
    var statementArguments: StatementArguments { StatementArguments(values) }
}

/// The column names of a statement's rows, shared by every row it returns.
public final class SQLColumns: Sendable {
    public let names: [String]
    public init(_ names: [String]) { self.names = names }

    /// The position of the first column named `name`: exact spelling first,
    /// then any case (SQL's names are case-blind).
    func index(of name: String) -> Int? {
        if let index = names.firstIndex(of: name) { return index }
        let lower = name.lowercased()
        return names.firstIndex { $0.lowercased() == lower }
    }
}

/// One row of a result, the same whichever engine produced it: values in
/// SELECT order, read by column name or position.
public struct SQLRow: Sendable {
    public let columns: SQLColumns
    public let values: [DatabaseValue]

    public init(columns: SQLColumns, values: [DatabaseValue]) {
        self.columns = columns; self.values = values
    }

    /// The value of the first column named `name`; nil when it is NULL, absent
    /// or not convertible to `T`.
    public subscript<T: DatabaseValueConvertible>(_ name: String) -> T? {
        guard let index = columns.index(of: name) else { return nil }
        return T.fromDatabaseValue(values[index])
    }

    /// The value at `index` (from 0); nil when it is NULL, absent or not convertible to `T`.
    public subscript<T: DatabaseValueConvertible>(_ index: Int) -> T? {
        guard values.indices.contains(index) else { return nil }
        return T.fromDatabaseValue(values[index])
    }

    /// A required column; a NULL or unreadable value is a corrupt row, reported as such.
    func required<T: DatabaseValueConvertible>(_ column: String, _ type: T.Type = T.self) throws -> T {
        guard let value = self[column] as T? else { throw StoreError.corrupt("column '\(column)'") }
        return value
    }

    /// A required column by position.
    func required<T: DatabaseValueConvertible>(at index: Int, _ type: T.Type = T.self) throws -> T {
        guard let value = self[index] as T? else { throw StoreError.corrupt("column \(index + 1) of a row") }
        return value
    }
}

/// Which SQL an engine speaks, for the few statements whose spelling differs.
public enum SQLDialect: Sendable {
    case sqlite, postgres
}

/// One connection inside one transaction: what the store's queries and
/// records need of an engine, and no more.
///
/// The store writes its SQL once, in the subset SQLite and PostgreSQL share,
/// with `?` (or `?1`) parameters; an engine runs it, translating what it must.
/// SQLite's engine is GRDB's `Database`, through cached statements and
/// SQLite's own column accessors; PostgreSQL's lives in PlanPostgres.
public protocol SQLConnection: AnyObject {
    var dialect: SQLDialect { get }
    /// Runs a statement that returns no rows.
    func run(sql: String, arguments: SQLArguments) throws
    /// The first row, or nil.
    func row(sql: String, arguments: SQLArguments) throws -> SQLRow?
    /// Every row.
    func rows(sql: String, arguments: SQLArguments) throws -> [SQLRow]
    /// Each row in turn, without keeping them (a reader of many rows).
    func forEachRow(sql: String, arguments: SQLArguments, _ body: (SQLRow) throws -> Void) throws
    /// The rows, read by position (the readers of many rows).
    func positional(sql: String, arguments: SQLArguments) throws -> PositionalRows
    /// Runs a data-changing statement whose parameters `bind` sets in order.
    func insert(sql: String, _ bind: (inout Bindings) -> Void) throws
    /// The id of the row this connection inserted last.
    func lastInsertedID() throws -> Int64
    /// The first column of the first row: nil when there is no row or it is NULL.
    func one(_ type: Int64.Type, sql: String, arguments: SQLArguments) throws -> Int64?
    func one(_ type: Int.Type, sql: String, arguments: SQLArguments) throws -> Int?
    func one(_ type: Bool.Type, sql: String, arguments: SQLArguments) throws -> Bool?
    func one(_ type: String.Type, sql: String, arguments: SQLArguments) throws -> String?
}

extension SQLConnection {
    func run(sql: String) throws { try run(sql: sql, arguments: []) }
    func row(sql: String) throws -> SQLRow? { try row(sql: sql, arguments: []) }
    func rows(sql: String) throws -> [SQLRow] { try rows(sql: sql, arguments: []) }
    func forEachRow(sql: String, _ body: (SQLRow) throws -> Void) throws { try forEachRow(sql: sql, arguments: [], body) }
    func positional(sql: String) throws -> PositionalRows { try positional(sql: sql, arguments: []) }
    func one(_ type: Int64.Type, sql: String) throws -> Int64? { try one(type, sql: sql, arguments: []) }
    func one(_ type: Int.Type, sql: String) throws -> Int? { try one(type, sql: sql, arguments: []) }
    func one(_ type: Bool.Type, sql: String) throws -> Bool? { try one(type, sql: sql, arguments: []) }
    func one(_ type: String.Type, sql: String) throws -> String? { try one(type, sql: sql, arguments: []) }

    /// The first column of the first row as any value type (a date, a word).
    func one<T: DatabaseValueConvertible>(_ type: T.Type, sql: String, arguments: SQLArguments = []) throws -> T? {
        try row(sql: sql, arguments: arguments)?[0]
    }

    /// The first column of every row; a NULL or unreadable value is a corrupt row.
    func all<T: DatabaseValueConvertible>(_ type: T.Type, sql: String, arguments: SQLArguments = []) throws -> [T] {
        try rows(sql: sql, arguments: arguments).map { try $0.required(at: 0, T.self) }
    }
}

/// Where a store's transactions run: SQLite through GRDB, or another engine.
public protocol StoreEngine: Sendable {
    /// Where the database is, as the user named it (a path, or an address without its password).
    var location: String { get }
    /// Runs `body` on one consistent snapshot.
    func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T
    /// Runs `body` in one transaction that holds the engine's writer lock from
    /// its start, so writers (and the audit chain's head) are serialised; with
    /// `dryRun` it is rolled back. `bulk` marks an import.
    func write<T>(dryRun: Bool, bulk: Bool, _ body: (any SQLConnection) throws -> T) throws -> T
    /// The schema versions applied, oldest first.
    func schemaVersions() throws -> [String]
}
