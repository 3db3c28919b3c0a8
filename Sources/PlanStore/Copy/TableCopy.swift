import Crypto
import Foundation
import GRDB
import GRDBSQLite
import ImprovementPlan

/// One stored value, as both engines hold it: what a copy moves between them.
///
/// Dates and JSON are text here, written exactly as the SQLite engine stores
/// them; the PostgreSQL engine converts at its edge (`date`, `json`).
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
}

/// What kind of value a column holds, in the terms both engines share.
public enum ColumnKind: String, Sendable, Hashable {
    case integer, real, text
}

/// A table as a copy sees it: its name, its columns in order, and the key its
/// rows are read in.
public struct TableShape: Sendable, Hashable {
    public var name: String
    public var columns: [String]
    public var kinds: [ColumnKind]
    /// The primary key's columns: rows are read in this order on both engines,
    /// so both sides give the same rows in the same order.
    public var key: [String]

    public init(name: String, columns: [String], kinds: [ColumnKind], key: [String]) {
        self.name = name; self.columns = columns; self.kinds = kinds; self.key = key
    }
}

/// A running SHA-256 over a table's rows in key order: two engines holding the
/// same rows give the same digest. Each value is tagged with its kind and
/// length-prefixed, so no two different rows share an encoding.
public struct TableDigest {
    private var hasher = SHA256()
    public private(set) var rows = 0

    public init() {}

    public mutating func add(_ row: [SQLValue]) {
        rows += 1
        var bytes: [UInt8] = [UInt8(truncatingIfNeeded: row.count)]
        for value in row {
            switch value {
            case .null:
                bytes.append(0)
            case let .integer(number):
                bytes.append(1)
                withUnsafeBytes(of: number.littleEndian) { bytes.append(contentsOf: $0) }
            case let .real(number):
                bytes.append(2)
                withUnsafeBytes(of: number.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
            case let .text(text):
                bytes.append(3)
                withUnsafeBytes(of: UInt64(text.utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
                bytes.append(contentsOf: text.utf8)
            }
        }
        hasher.update(data: bytes)
    }

    /// The digest in lower-case hexadecimal.
    public func finalize() -> String { AuditEntry.hex(hasher.finalize()) }
}

extension PlanStore {
    /// Tables a copy leaves alone: the migrator's own record (each engine keeps its own).
    static let bookkeepingTables: Set<String> = ["grdb_migrations"]

    /// Every table of planwatch's schema, parents before children (each table
    /// after every table its foreign keys refer to), with its columns and key.
    public func tableShapes() throws -> [TableShape] {
        try readSQLite { db in try PlanStore.tableShapes(db) }
    }

    static func tableShapes(_ db: Database) throws -> [TableShape] {
        let names = try db.all(String.self, sql: """
            SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name
            """).filter { !bookkeepingTables.contains($0) }
        var shapes: [String: TableShape] = [:]
        var parents: [String: Set<String>] = [:]
        for name in names {
            var columns: [String] = [], kinds: [ColumnKind] = [], key: [(Int, String)] = []
            for row in try db.rows(sql: "SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid", arguments: [name]) {
                let column: String = try row.required("name")
                let type: String = try row.required("type")
                columns.append(column)
                switch type.uppercased() {
                case "INTEGER": kinds.append(.integer)
                case "REAL": kinds.append(.real)
                case "TEXT": kinds.append(.text)
                default: throw StoreError.corrupt("column \(name).\(column) has the type '\(type)', which planwatch's schema never uses")
                }
                let position: Int = try row.required("pk")
                if position > 0 { key.append((position, column)) }
            }
            shapes[name] = TableShape(name: name, columns: columns, kinds: kinds, key: key.sorted { $0.0 < $1.0 }.map(\.1))
            parents[name] = Set(try db.all(String.self, sql: "SELECT \"table\" FROM pragma_foreign_key_list(?)", arguments: [name]))
                .subtracting([name])
        }
        // Parents first; among tables free at once, by name, so the order is the same on every run.
        var ordered: [TableShape] = []
        var placed: Set<String> = []
        while ordered.count < names.count {
            guard let next = names.first(where: { !placed.contains($0) && (parents[$0] ?? []).isSubset(of: placed) }) else {
                throw StoreError.corrupt("the tables' foreign keys go round in a circle")
            }
            placed.insert(next)
            if let shape = shapes[next] { ordered.append(shape) }
        }
        return ordered
    }

    /// Reads every row of every table in `shapes`, each table in key order, in
    /// batches of up to `batch` rows, all from one snapshot of the database.
    public func readTables(_ shapes: [TableShape], batch: Int = 1_000,
                           _ body: (TableShape, [[SQLValue]]) throws -> Void) throws {
        try read { db in
            for shape in shapes {
                let rows = try db.positional(sql: PlanStore.selectSQL(shape), arguments: [])
                defer { rows.reset() }
                var pending: [[SQLValue]] = []
                pending.reserveCapacity(batch)
                while try rows.step() {
                    pending.append(try (0..<shape.columns.count).map { try rows.value(at: $0, of: shape) })
                    if pending.count == batch {
                        try body(shape, pending)
                        pending.removeAll(keepingCapacity: true)
                    }
                }
                if !pending.isEmpty { try body(shape, pending) }
            }
        }
    }

    static func selectSQL(_ shape: TableShape) -> String {
        "SELECT " + shape.columns.map(quotedSQLName).joined(separator: ", ") + " FROM " + quotedSQLName(shape.name)
            + " ORDER BY " + shape.key.map(quotedSQLName).joined(separator: ", ")
    }

    /// Fills this database, which must hold no records, with the rows `next`
    /// hands over, table by table in `shapes`' order (parents first), until it
    /// returns nil for a table; then checks every foreign key. One transaction:
    /// on any failure nothing is kept. No audit entry is added: the copied
    /// trail is the record, and a copy's chain must be the original's.
    public func fillTables(_ shapes: [TableShape], _ next: (TableShape) throws -> [[SQLValue]]?) throws {
        do {
            try writer.writeWithoutTransaction { db in try PlanStore.withBulkCache(db) {
                try db.inTransaction(.immediate) {
                    for shape in shapes {
                        let sql = "INSERT INTO \(quotedSQLName(shape.name)) (" + shape.columns.map(quotedSQLName).joined(separator: ", ") + ") VALUES ("
                            + Array(repeating: "?", count: shape.columns.count).joined(separator: ", ") + ")"
                        let statement = try db.cachedStatement(sql: sql)
                        while let rows = try next(shape) {
                            for row in rows {
                                guard row.count == shape.columns.count else {
                                    throw StoreError.corrupt("a row of \(shape.name) came with \(row.count) values for \(shape.columns.count) columns")
                                }
                                try statement.execute(arguments: StatementArguments(row.map(\.databaseValue)))
                            }
                        }
                    }
                    if let broken = try Row.fetchOne(db, sql: "PRAGMA foreign_key_check") {
                        let table: String = broken["table"] ?? "?", parent: String = broken["parent"] ?? "?"
                        throw PlanError.refused("the copy holds a row of \(table) that refers to a missing \(parent)")
                    }
                    return .commit
                }
            } }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw PlanError.refused("the database refused a copied row: \(error.message ?? "constraint failed")")
        } catch let error as DatabaseError {
            throw StoreError.from(error, path: path)
        }
    }
}

/// A name quoted for SQL (both engines quote identifiers the same way).
public func quotedSQLName(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

extension SQLValue {
    var databaseValue: DatabaseValue {
        switch self {
        case .null: return .null
        case let .integer(number): return number.databaseValue
        case let .real(number): return number.databaseValue
        case let .text(text): return text.databaseValue
        }
    }
}

extension PositionalRows {
    /// The value of column `index`, which must be of its column's kind or NULL
    /// (STRICT tables hold nothing else; anything else was written behind
    /// planwatch's back). Text is read by its length, so every byte comes across.
    func value(at index: Int, of shape: TableShape) throws -> SQLValue {
        let column = Int32(index), kind = shape.kinds[index]
        guard let handle = sqliteHandle else { throw StoreError.corrupt("\(shape.name) was not read from SQLite") }
        switch sqlite3_column_type(handle, column) {
        case SQLITE_NULL: return .null
        case SQLITE_INTEGER where kind == .integer: return .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT where kind == .real: return .real(sqlite3_column_double(handle, column))
        case SQLITE_TEXT where kind == .text:
            guard let bytes = sqlite3_column_text(handle, column) else { return .null }
            let count = Int(sqlite3_column_bytes(handle, column))
            return .text(String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self))
        default:
            throw StoreError.corrupt("\(shape.name).\(shape.columns[index]) holds a value that is not \(kind.rawValue)")
        }
    }
}
