import GRDB
import ImprovementPlan

/// The values bound to a statement's parameters, in order, written as an
/// array literal at each call (`arguments: [key, id]`). The store's own type
/// (GRDB's `StatementArguments` does not let another engine read its values,
/// and GRDB stays out of PlanStore's public interface): an engine is given
/// the values as `SQLValue`s.
struct SQLArguments: ExpressibleByArrayLiteral, Sendable {
    var values: [SQLValue]

    init(values: [SQLValue] = []) { self.values = values }

    init(_ values: some Sequence<(any DatabaseValueConvertible)?>) {
        self.values = values.map { SQLValue($0?.databaseValue ?? .null) }
    }

    init(arrayLiteral elements: (any DatabaseValueConvertible)?...) {
        values = elements.map { SQLValue($0?.databaseValue ?? .null) }
    }

    static func += (lhs: inout SQLArguments, rhs: SQLArguments) { lhs.values += rhs.values }
    static func + (lhs: SQLArguments, rhs: SQLArguments) -> SQLArguments { SQLArguments(values: lhs.values + rhs.values) }

    /// GRDB's form of the same values (tests of SQLite's query plans).
    var statementArguments: StatementArguments { StatementArguments(values.map(\.databaseValue)) }
}

extension SQLValue {
    /// The value read as text, as SQLite reads a column as text: NULL is nil, a number its digits.
    public var asText: String? {
        switch self {
        case .null: return nil
        case let .text(text): return text
        case let .integer(number): return String(number)
        case let .real(number): return String(number)
        }
    }

    /// The value read as an integer, as SQLite reads a column as one: NULL is
    /// nil, a real is truncated, text that is not a whole number is 0.
    public var asInteger: Int64? {
        switch self {
        case .null: return nil
        case let .integer(number): return number
        case let .real(number): return Int64(exactly: number.rounded(.towardZero)) ?? 0
        case let .text(text): return Int64(text) ?? 0
        }
    }

    /// A GRDB value as the store's (a BLOB, which planwatch never stores, as its bytes read as UTF-8 text).
    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case let .int64(number): self = .integer(number)
        case let .double(number): self = .real(number)
        case let .string(text): self = .text(text)
        case let .blob(data): self = .text(String(decoding: data, as: UTF8.self))
        }
    }
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
    public let values: [SQLValue]

    public init(columns: SQLColumns, values: [SQLValue]) {
        self.columns = columns; self.values = values
    }

    /// The value of the first column named `name`; nil when it is NULL, absent
    /// or not convertible to `T`.
    subscript<T: DatabaseValueConvertible>(_ name: String) -> T? {
        guard let index = columns.index(of: name) else { return nil }
        return T.fromDatabaseValue(values[index].databaseValue)
    }

    /// The value at `index` (from 0); nil when it is NULL, absent or not convertible to `T`.
    subscript<T: DatabaseValueConvertible>(_ index: Int) -> T? {
        guard values.indices.contains(index) else { return nil }
        return T.fromDatabaseValue(values[index].databaseValue)
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
    func run(sql: String, values: [SQLValue]) throws
    /// Every row.
    func rows(sql: String, values: [SQLValue]) throws -> [SQLRow]
    /// Each row in turn, without keeping them (a reader of many rows).
    func forEachRow(sql: String, values: [SQLValue], _ body: (SQLRow) throws -> Void) throws
    /// The first row, or nil.
    func firstRow(sql: String, values: [SQLValue]) throws -> SQLRow?
    /// The rows, read by position (the readers of many rows).
    func positional(sql: String, values: [SQLValue]) throws -> PositionalRows
    /// Runs a data-changing statement whose parameters `bind` sets in order.
    func insert(sql: String, _ bind: (inout Bindings) -> Void) throws
    /// The id of the row this connection inserted last.
    func lastInsertedID() throws -> Int64
    /// The first column of the first row: nil when there is no row or it is NULL.
    func firstInteger(sql: String, values: [SQLValue]) throws -> Int64?
    /// The first column of the first row as text (an integer as its digits): nil when there is no row or it is NULL.
    func firstText(sql: String, values: [SQLValue]) throws -> String?
}

/// The store's calls, with their arguments written as literals.
extension SQLConnection {
    func run(sql: String, arguments: SQLArguments = []) throws { try run(sql: sql, values: arguments.values) }
    func row(sql: String, arguments: SQLArguments = []) throws -> SQLRow? { try firstRow(sql: sql, values: arguments.values) }
    func rows(sql: String, arguments: SQLArguments = []) throws -> [SQLRow] { try rows(sql: sql, values: arguments.values) }
    func forEachRow(sql: String, arguments: SQLArguments = [], _ body: (SQLRow) throws -> Void) throws {
        try forEachRow(sql: sql, values: arguments.values, body)
    }
    func positional(sql: String, arguments: SQLArguments = []) throws -> PositionalRows {
        try positional(sql: sql, values: arguments.values)
    }
    func one(_ type: Int64.Type, sql: String, arguments: SQLArguments = []) throws -> Int64? {
        try firstInteger(sql: sql, values: arguments.values)
    }
    func one(_ type: Int.Type, sql: String, arguments: SQLArguments = []) throws -> Int? {
        try firstInteger(sql: sql, values: arguments.values).map { Int($0) }
    }
    func one(_ type: Bool.Type, sql: String, arguments: SQLArguments = []) throws -> Bool? {
        try firstInteger(sql: sql, values: arguments.values).map { $0 != 0 }
    }
    func one(_ type: String.Type, sql: String, arguments: SQLArguments = []) throws -> String? {
        try firstText(sql: sql, values: arguments.values)
    }

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
