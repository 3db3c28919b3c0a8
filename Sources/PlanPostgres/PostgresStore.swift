import Foundation
import ImprovementPlan
import PlanStore
import Schema

/// A planwatch database on PostgreSQL: its schema, and reading and writing
/// whole tables (what `planwatch copy` needs).
///
/// Every change runs in one transaction that first takes planwatch's advisory
/// lock (`pg_advisory_xact_lock`), the lock every writer of the audit chain
/// takes, so two writers never append to the chain at once.
public final class PostgresStore: @unchecked Sendable {
    public let session: PostgresSession
    public var location: PostgresLocation { session.location }

    /// The key of planwatch's advisory lock: "plan" in ASCII.
    static let writerLock: Int64 = 0x706C_616E

    /// The table recording which PostgreSQL migrations have run.
    static let migrationTable = "planwatch_migration"

    /// True when `open` gave an empty database planwatch's schema just now.
    public private(set) var createdNow = false

    init(session: PostgresSession) { self.session = session }

    /// Connects to the database at `location`. With `create`, a database with
    /// no tables gets planwatch's schema; without it, such a database is
    /// refused. A database holding other tables, or a newer planwatch's
    /// schema, is refused untouched.
    public static func open(_ location: PostgresLocation, create: Bool) throws -> PostgresStore {
        let store = try connect(location)
        store.createdNow = try store.session.transaction(isolation: "READ COMMITTED") {
            try store.lockForWriting()
            return try store.migrateInTransaction(create: create)
        }
        return store
    }

    /// Connects without looking at the schema (a caller that migrates inside its own transaction).
    public static func connect(_ location: PostgresLocation) throws -> PostgresStore {
        PostgresStore(session: try PostgresSession.connect(location))
    }

    /// Takes planwatch's writer lock until the transaction ends.
    public func lockForWriting() throws {
        try session.query("SELECT pg_advisory_xact_lock($1)", [.integer(PostgresStore.writerLock)])
    }

    /// The migrations applied, oldest first.
    public func schemaVersions() throws -> [String] {
        try session.query("SELECT identifier FROM \(PostgresStore.migrationTable) ORDER BY identifier").compactMap {
            if case let .text(text)? = $0.first { return text }
            return nil
        }
    }

    func tables() throws -> [String] {
        try session.query("""
            SELECT table_name::text FROM information_schema.tables
            WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name
            """).compactMap { if case let .text(name)? = $0.first { return name }; return nil }
    }

    /// Brings the schema up to date, inside the caller's transaction (holding
    /// the writer lock); true when the database had no tables and was given the schema.
    @discardableResult
    public func migrateInTransaction(create: Bool) throws -> Bool {
        let known = Migrations.postgres.map(\.identifier)
        let tables = try tables()
        if tables.isEmpty {
            guard create else {
                throw PostgresStoreError.notAPlanwatchDatabase(location: location.description,
                                                              reason: "it has no tables; 'planwatch copy --to' fills an empty database")
            }
            try session.query("CREATE TABLE \(PostgresStore.migrationTable) (identifier text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")
        } else if !tables.contains(PostgresStore.migrationTable) {
            throw PostgresStoreError.notAPlanwatchDatabase(location: location.description, reason: "it holds another program's tables")
        }
        let applied = try schemaVersions()
        if let unknown = applied.first(where: { !known.contains($0) }) {
            throw PostgresStoreError.notAPlanwatchDatabase(
                location: location.description,
                reason: "its schema \(unknown) was written by a newer planwatch, which knows up to \(known.last ?? "?"); it was left untouched")
        }
        for migration in Migrations.postgres where !applied.contains(migration.identifier) {
            for statement in sqlStatements(migration.sql) { try session.query(statement) }
            try session.query("INSERT INTO \(PostgresStore.migrationTable) (identifier) VALUES ($1)", [.text(migration.identifier)])
        }
        return tables.isEmpty
    }

    /// planwatch's tables with their columns in order, the kind of each
    /// (and PostgreSQL's own type, for conversions), and their keys.
    public func tableShapes() throws -> [String: PostgresTable] {
        var shapes: [String: PostgresTable] = [:]
        let columns = try session.query("""
            SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name <> $1 ORDER BY table_name, ordinal_position
            """, [.text(PostgresStore.migrationTable)])
        for row in columns {
            guard case let .text(table) = row[0], case let .text(column) = row[1], case let .text(type) = row[2] else { continue }
            let kind: ColumnKind
            switch type {
            case "bigint", "integer", "smallint": kind = .integer
            case "double precision", "real": kind = .real
            default: kind = .text
            }
            shapes[table, default: PostgresTable(name: table)].add(column: column, kind: kind, type: type)
        }
        let keys = try session.query("""
            SELECT c.relname::text, a.attname::text
            FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position)
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
            WHERE i.indisprimary AND n.nspname = current_schema()
            ORDER BY c.relname, k.position
            """)
        for row in keys {
            guard case let .text(table) = row[0], case let .text(column) = row[1] else { continue }
            shapes[table]?.key.append(column)
        }
        return shapes
    }

    /// The first table that holds any row, with its count; nil when all are empty.
    public func firstTableWithRows(_ shapes: [TableShape]) throws -> (table: String, rows: Int)? {
        for shape in shapes {
            let rows = try session.integer("SELECT count(*) FROM \(quotedSQLName(shape.name))") ?? 0
            if rows > 0 { return (shape.name, Int(rows)) }
        }
        return nil
    }

    /// Reads every row of `table` in key order, `batch` rows at a time
    /// (call inside a transaction: one snapshot for all tables).
    public func readTable(_ table: PostgresTable, batch: Int = 1_000, _ body: ([[SQLValue]]) throws -> Void) throws {
        let reader = try self.reader(for: table, batch: batch)
        while let rows = try reader.next() { try body(rows) }
    }

    /// A cursor over `table`'s rows in key order (inside a transaction).
    func reader(for table: PostgresTable, batch: Int = 1_000) throws -> TableReader {
        try TableReader(store: self, table: table, batch: batch)
    }

    /// One table's rows through a server-side cursor, a batch at a time; the
    /// cursor closes after the last batch.
    final class TableReader {
        let store: PostgresStore
        let table: PostgresTable
        let batch: Int
        private var open = true

        init(store: PostgresStore, table: PostgresTable, batch: Int) throws {
            self.store = store; self.table = table; self.batch = batch
            let select = table.columns.enumerated().map { index, column in
                switch table.types[index] {
                case "date": return "to_char(\(quotedSQLName(column)), 'YYYY-MM-DD')"
                case "text", "bigint", "integer", "smallint", "double precision", "real": return quotedSQLName(column)
                default: return "\(quotedSQLName(column))::text"
                }
            }
            // Text keys in byte order, as SQLite orders them, whatever the database's collation.
            let order = table.key.map { column in
                quotedSQLName(column) + (table.kinds[table.columns.firstIndex(of: column) ?? 0] == .text ? " COLLATE \"C\"" : "")
            }
            try store.session.query("DECLARE planwatch_rows NO SCROLL CURSOR FOR SELECT \(select.joined(separator: ", ")) FROM \(quotedSQLName(table.name))"
                                    + " ORDER BY " + order.joined(separator: ", "))
        }

        /// The next batch, or nil after the last.
        func next() throws -> [[SQLValue]]? {
            guard open else { return nil }
            let rows = try store.session.query("FETCH \(batch) FROM planwatch_rows", kinds: table.kinds)
            if rows.isEmpty {
                open = false
                try store.session.query("CLOSE planwatch_rows")
                return nil
            }
            return rows
        }
    }

    /// Inserts `rows` into `table` (values in its column order), many rows to a statement.
    public func insert(_ table: PostgresTable, _ rows: [[SQLValue]]) throws {
        let width = table.columns.count
        let perStatement = max(1, min(1_000, 30_000 / max(width, 1)))
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(start + perStatement, rows.count)]
            var values: [SQLValue] = []
            values.reserveCapacity(chunk.count * width)
            var tuples: [String] = []
            for row in chunk {
                guard row.count == width else {
                    throw PlanError.refused("a row of \(table.name) came with \(row.count) values for \(width) columns")
                }
                let base = values.count
                tuples.append("(" + (0..<width).map { "$\(base + $0 + 1)" + table.cast($0) }.joined(separator: ", ") + ")")
                values.append(contentsOf: row)
            }
            try session.query("INSERT INTO \(quotedSQLName(table.name)) (" + table.columns.map(quotedSQLName).joined(separator: ", ") + ") VALUES "
                              + tuples.joined(separator: ", "), values)
            start += chunk.count
        }
    }

    /// Moves every identity past its table's largest id, so the next insert
    /// after a copy takes a new one.
    func resetIdentities(_ tables: [PostgresTable]) throws {
        for table in tables where table.key == ["id"] {
            try session.query("""
                SELECT setval(pg_get_serial_sequence($1, 'id'), coalesce((SELECT max(id) FROM \(quotedSQLName(table.name))), 0) + 1, false)
                WHERE pg_get_serial_sequence($1, 'id') IS NOT NULL
                """, [.text(table.name)])
        }
    }

    /// Walks the audit trail in order, checking that each entry follows the one
    /// before and that its hash matches its content; the head and any problems.
    /// `table` is the trail's shape from `tableShapes()`; call inside a transaction.
    public func walkChain(_ table: PostgresTable?) throws -> ChainCheck {
        var check = ChainCheck()
        guard let table else {
            throw PostgresStoreError.notAPlanwatchDatabase(location: location.description, reason: "it has no audit trail")
        }
        let wanted = ["seq", "at", "actor", "command", "entity", "entity_key", "operation", "before", "after", "prev_hash", "hash"]
        let positions = try wanted.map { name -> Int in
            guard let index = table.columns.firstIndex(of: name) else {
                throw PostgresStoreError.notAPlanwatchDatabase(location: location.description, reason: "audit_entry has no column \(name)")
            }
            return index
        }
        try readTable(table, batch: 5_000) { rows in
            for row in rows { check.add(positions.map { row[$0] }) }
        }
        return check
    }
}

/// A table on PostgreSQL: its columns in order, each with its kind and
/// PostgreSQL type, and its primary key.
public struct PostgresTable: Sendable, Equatable {
    public var name: String
    public var columns: [String] = []
    public var kinds: [ColumnKind] = []
    public var types: [String] = []
    public var key: [String] = []

    mutating func add(column: String, kind: ColumnKind, type: String) {
        columns.append(column); kinds.append(kind); types.append(type)
    }

    /// The cast a bound value needs to become this column's type (text
    /// arrives as text: a date or JSON column converts it).
    func cast(_ index: Int) -> String {
        switch types[index] {
        case "date": return "::date"
        case "json": return "::json"
        case "jsonb": return "::jsonb"
        default: return ""
        }
    }
}

extension ChainCheck {
    /// Takes one entry as PostgreSQL hands it over: seq, at, actor, command,
    /// entity, entity_key, operation, before, after, prev_hash, hash.
    mutating func add(_ values: [SQLValue]) {
        func text(_ index: Int) -> String? { if case let .text(value) = values[index] { return value }; return nil }
        guard case let .integer(seq) = values[0], let at = text(1), let actor = text(2), let command = text(3), let entity = text(4),
              let key = text(5), let operation = text(6), let prevHash = text(9), let hash = text(10) else {
            addUnreadable()
            return
        }
        add(AuditEntry(seq: seq, at: at, actor: actor, command: command, entity: entity, key: key, operation: operation,
                       before: text(7), after: text(8), prevHash: prevHash, hash: hash))
    }
}


/// The statements of an SQL script, one by one: PostgresNIO speaks the
/// extended protocol, which takes one statement at a time. Splits at each `;`
/// outside a quoted string ('...'), a quoted name ("..."), a dollar-quoted body
/// ($$...$$, $tag$...$tag$) and a comment (-- to the line's end, /* ... */).
/// Statements that hold only space and comments are left out.
public func sqlStatements(_ script: String) -> [String] {
    let bytes = Array(script.utf8)
    var statements: [String] = []
    var start = 0, index = 0, meaningful = false
    func finish(_ end: Int) {
        if meaningful {
            let text = String(decoding: bytes[start..<end], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty { statements.append(text) }
        }
        meaningful = false
    }
    while index < bytes.count {
        let byte = bytes[index]
        switch byte {
        case UInt8(ascii: "-") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "-"):
            while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
            continue
        case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
            index += 2
            while index + 1 < bytes.count && !(bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/")) { index += 1 }
            index = min(index + 2, bytes.count)
            continue
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            meaningful = true
            index += 1
            while index < bytes.count {
                if bytes[index] == byte {
                    // A doubled quote is the quote itself, inside the string.
                    if index + 1 < bytes.count && bytes[index + 1] == byte { index += 2; continue }
                    break
                }
                index += 1
            }
            index += 1
            continue
        case UInt8(ascii: "$"):
            meaningful = true
            var end = index + 1
            while end < bytes.count, bytes[end] == UInt8(ascii: "_") || (bytes[end] >= 0x80)
                    || (bytes[end] | 0x20 >= UInt8(ascii: "a") && bytes[end] | 0x20 <= UInt8(ascii: "z"))
                    || (end > index + 1 && bytes[end] >= UInt8(ascii: "0") && bytes[end] <= UInt8(ascii: "9")) {
                end += 1
            }
            guard end < bytes.count, bytes[end] == UInt8(ascii: "$") else { index += 1; continue }  // $1, a parameter
            let tag = Array(bytes[index...end])
            var search = end + 1
            while search + tag.count <= bytes.count && Array(bytes[search..<search + tag.count]) != tag { search += 1 }
            index = min(search + tag.count, bytes.count)
            continue
        case UInt8(ascii: ";"):
            finish(index)
            start = index + 1
        case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
            break
        default:
            meaningful = true
        }
        index += 1
    }
    finish(bytes.count)
    return statements
}
