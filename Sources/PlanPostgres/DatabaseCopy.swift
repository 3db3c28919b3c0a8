import Foundation
import ImprovementPlan
import PlanStore

/// A database named on the command line: an SQLite file, or a PostgreSQL address.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(String)
    case postgres(PostgresLocation)

    public init(_ text: String) throws {
        self = PostgresLocation.isPostgres(text) ? .postgres(try PostgresLocation(text)) : .sqlite(text)
    }

    public var description: String {
        switch self {
        case let .sqlite(path): return "'\(path)'"
        case let .postgres(location): return location.description
        }
    }
}

/// What a copy moved, and what it checked.
public struct CopyReport: Sendable, Equatable, Codable {
    public var tables: Int
    public var rows: Int
    public var auditEntries: Int
    /// The audit trail's head, the same on both sides.
    public var head: String
}

/// Copies a whole planwatch database, audit trail and all, from one engine to
/// the other, so that both hold the same rows: every id, every date, every
/// audit entry's JSON byte for byte, so the chain's hashes are the same.
///
/// The source is checked before anything is written (SQLite: the whole of
/// `verify`; PostgreSQL: the audit chain), and the target after: every table
/// read back from it must give the same digest as the rows read from the
/// source, and its chain must hold (an SQLite target: the whole of `verify`).
/// The target must hold no records. Either everything lands or nothing does:
/// PostgreSQL in one transaction, SQLite in a new file removed on failure.
public enum DatabaseCopy {
    public static func copy(from source: DatabaseLocation, to target: DatabaseLocation, actor: String) throws -> CopyReport {
        switch (source, target) {
        case let (.sqlite(path), .postgres(location)):
            return try sqliteToPostgres(path: path, location: location, actor: actor)
        case let (.postgres(location), .sqlite(path)):
            return try postgresToSQLite(location: location, path: path, actor: actor)
        case (.sqlite, .sqlite):
            throw PlanError.refused("copy moves a database between SQLite and PostgreSQL; for another SQLite file use 'planwatch backup'")
        case (.postgres, .postgres):
            throw PlanError.refused("copy moves a database between SQLite and PostgreSQL; between two PostgreSQL databases use pg_dump and pg_restore")
        }
    }

    /// The PostgreSQL table matching each SQLite one, or an error naming the first difference.
    static func match(_ shapes: [TableShape], _ tables: [String: PostgresTable], at location: PostgresLocation) throws -> [PostgresTable] {
        func differ(_ what: String) -> PostgresStoreError {
            .notAPlanwatchDatabase(location: location.description, reason: "its schema differs from this planwatch's: \(what)")
        }
        let names = Set(shapes.map(\.name))
        if let extra = tables.keys.sorted().first(where: { !names.contains($0) }) { throw differ("it has a table \(extra)") }
        return try shapes.map { shape in
            guard let table = tables[shape.name] else { throw differ("it has no table \(shape.name)") }
            guard table.columns == shape.columns else {
                throw differ("\(shape.name) has the columns \(table.columns.joined(separator: ", ")), not \(shape.columns.joined(separator: ", "))")
            }
            guard table.kinds == shape.kinds else { throw differ("\(shape.name)'s columns hold other kinds of value") }
            guard table.key == shape.key else { throw differ("\(shape.name)'s key is \(table.key.joined(separator: ", "))") }
            return table
        }
    }

    static func sqliteToPostgres(path: String, location: PostgresLocation, actor: String) throws -> CopyReport {
        guard FileManager.default.fileExists(atPath: path) else { throw PlanError.refused("no database at '\(path)' to copy (--from names it)") }
        let source = try PlanStore.open(path: path, create: false, actor: actor, command: "copy")
        let verified = try source.verify()
        guard verified.ok else {
            throw PlanError.refused("'\(path)' does not verify (\(verified.problems.first ?? "a problem")); nothing was copied (run 'planwatch verify')")
        }
        let shapes = try source.tableShapes()
        let store = try PostgresStore.connect(location)
        return try store.session.transaction(isolation: "SERIALIZABLE") {
            try store.lockForWriting()
            try store.migrateInTransaction(create: true)
            let tables = try match(shapes, try store.tableShapes(), at: location)
            if let (table, rows) = try store.firstTableWithRows(shapes) {
                throw PlanError.refused("\(location) already holds records (\(rows) in \(table)); copy writes only into an empty database")
            }
            var digests: [String: TableDigest] = [:]
            var rows = 0
            let byName = Dictionary(uniqueKeysWithValues: tables.map { ($0.name, $0) })
            try source.readTables(shapes) { shape, batch in
                guard let table = byName[shape.name] else { return }
                for row in batch { digests[shape.name, default: TableDigest()].add(row) }
                rows += batch.count
                try store.insert(table, batch)
            }
            try store.resetIdentities(tables)
            for table in tables {
                var copied = TableDigest()
                try store.readTable(table) { batch in for row in batch { copied.add(row) } }
                try requireSame(table.name, sent: digests[table.name] ?? TableDigest(), landed: copied)
            }
            let chain = try store.walkChain(byName["audit_entry"])
            guard chain.problems.isEmpty, chain.head == verified.head else {
                throw PlanError.refused("the copied audit trail does not hold on \(location) (\(chain.problems.first ?? "its head is \(chain.head), not \(verified.head)")); nothing was copied")
            }
            return CopyReport(tables: tables.count, rows: rows, auditEntries: chain.entries, head: chain.head.description)
        }
    }

    static func postgresToSQLite(location: PostgresLocation, path: String, actor: String) throws -> CopyReport {
        if PlanStore.holdsData(path) {
            throw PlanError.refused("'\(path)' already exists; copy writes a new SQLite database (choose another path, or remove that file)")
        }
        let existed = FileManager.default.fileExists(atPath: path)
        let store = try PostgresStore.open(location, create: false)
        var created = false
        do {
            let report: CopyReport = try store.session.transaction(isolation: "REPEATABLE READ", readOnly: true) {
                let found = try store.tableShapes()
                let chain = try store.walkChain(found["audit_entry"])
                guard chain.problems.isEmpty else {
                    throw PlanError.refused("\(location)'s audit trail does not hold (\(chain.problems[0])); nothing was copied")
                }
                let target = try PlanStore.open(path: path, create: true, actor: actor, command: "copy")
                created = true
                let (tables, rows) = try copySnapshot(of: store, found: found, into: target)
                let verified = try target.verify()
                guard verified.ok, verified.head == chain.head else {
                    throw PlanError.refused("the copy in '\(path)' does not verify (\(verified.problems.first ?? "its head is \(verified.head), not \(chain.head)")); nothing was kept")
                }
                return CopyReport(tables: tables, rows: rows, auditEntries: chain.entries, head: chain.head.description)
            }
            return report
        } catch {
            if created {
                for suffix in ["", "-wal", "-shm"] where !(suffix.isEmpty && existed) { try? FileManager.default.removeItem(atPath: path + suffix) }
                if existed { _ = FileManager.default.createFile(atPath: path, contents: nil) }
            }
            throw error
        }
    }

    /// Copies every table of `store` (in its caller's transaction, whose
    /// snapshot it reads) into the new SQLite database `target`, and reads each
    /// back to check it landed unchanged: the tables and rows copied.
    static func copySnapshot(of store: PostgresStore, found: [String: PostgresTable], into target: PlanStore) throws -> (tables: Int, rows: Int) {
        let shapes = try target.tableShapes()
        let tables = try match(shapes, found, at: store.location)
        let byName = Dictionary(uniqueKeysWithValues: tables.map { ($0.name, $0) })
        var digests: [String: TableDigest] = [:]
        var rows = 0
        var reader: PostgresStore.TableReader?
        try target.fillTables(shapes) { shape in
            guard let table = byName[shape.name] else { return nil }
            if reader?.table.name != shape.name { reader = try store.reader(for: table) }
            guard let batch = try reader?.next() else { reader = nil; return nil }
            for row in batch { digests[shape.name, default: TableDigest()].add(row) }
            rows += batch.count
            return batch
        }
        var copied: [String: TableDigest] = [:]
        try target.readTables(shapes) { shape, batch in for row in batch { copied[shape.name, default: TableDigest()].add(row) } }
        for shape in shapes {
            try requireSame(shape.name, sent: digests[shape.name] ?? TableDigest(), landed: copied[shape.name] ?? TableDigest())
        }
        return (shapes.count, rows)
    }

    static func requireSame(_ table: String, sent: TableDigest, landed: TableDigest) throws {
        guard sent.rows == landed.rows, sent.finalize() == landed.finalize() else {
            throw PlanError.refused("\(table) did not arrive unchanged (\(sent.rows) rows sent, \(landed.rows) read back differ); nothing was copied")
        }
    }
}
