import Foundation
import ImprovementPlan
import PlanStore

/// `verify` on PostgreSQL.
///
/// The records are checked where planwatch's checks live: one snapshot of
/// the database (a REPEATABLE READ transaction) is copied into a temporary
/// SQLite file, every table read back and compared with what was read, and
/// that exact copy is verified whole by the same code as an SQLite database.
/// In the same snapshot, PostgreSQL's own state is checked: each of the
/// schema's triggers is present and enabled (an owner can disable one), and,
/// where the amcheck extension is installed, every B-tree index is checked
/// against its table. The temporary copy is removed at the end; it needs
/// about the database's size in free space in the temporary folder.
public enum PostgresVerify {
    /// The triggers of the schema (`pg0001_initial.sql`): the six that keep the trail, progress updates
    /// and readings append-only, and the one that keeps the derived last-update date.
    static let guards: [(trigger: String, table: String)] = [
        ("audit_entry_no_change", "audit_entry"), ("audit_entry_no_truncate", "audit_entry"),
        ("progress_update_no_change", "progress_update"), ("progress_update_no_truncate", "progress_update"),
        ("measure_reading_no_change", "measure_reading"), ("measure_reading_no_truncate", "measure_reading"),
        ("progress_update_moves_last_update", "progress_update"),
    ]

    /// What `verify` finds on the database at `location`: the same report as
    /// on SQLite, with PostgreSQL's own findings (`engine`, `indexesChecked`
    /// or `indexesNotChecked`, `guardTriggers`; `integrity` is the indexes' check).
    public static func verify(_ location: PostgresLocation, expectations: VerifyExpectations, actor: String) throws -> VerifyReport {
        let store = try PostgresStore.open(location, create: false)
        return try store.session.transaction(isolation: "REPEATABLE READ", readOnly: true) {
            try verifySnapshot(store, expectations: expectations, actor: actor)
        }
    }

    /// `verify` of the snapshot `store`'s transaction sees (REPEATABLE READ: the caller's).
    static func verifySnapshot(_ store: PostgresStore, expectations: VerifyExpectations, actor: String) throws -> VerifyReport {
        let manager = FileManager.default
        let folder = manager.temporaryDirectory.appendingPathComponent("planwatch-verify-\(UUID().uuidString)")
        do {
            try manager.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw PlanError.refused("verify: cannot make a temporary folder in \(manager.temporaryDirectory.path) for the snapshot it checks (set TMPDIR)")
        }
        defer { try? manager.removeItem(at: folder) }
        var problems: [String] = []
        let guardTriggers = try checkGuards(store, &problems)
        let indexes = try checkIndexes(store, &problems)
        let copy = try PlanStore.open(path: folder.appendingPathComponent("snapshot.sqlite").path, create: true,
                                      actor: actor, command: "verify")
        _ = try DatabaseCopy.copySnapshot(of: store, found: try store.tableShapes(), into: copy)
        // The copy's own file is new and whole, its schema this planwatch's: what it finds of the records is the database's.
        var report = try copy.verify(expectations)
        report.problems = problems + report.problems
        report.engine = "postgresql"
        report.integrity = indexes.problems == 0
        report.indexesChecked = indexes.checked
        report.indexesNotChecked = indexes.notChecked
        report.guardTriggers = guardTriggers
        return report
    }

    /// Each of the schema's triggers present on its table and enabled; a problem for each that is not.
    static func checkGuards(_ store: PostgresStore, _ problems: inout [String]) throws -> Int {
        let rows = try store.session.query("""
            SELECT t.tgname::text, c.relname::text, t.tgenabled::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
            WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace
            """)
        var found: [String: (table: String, enabled: String)] = [:]
        for row in rows {
            guard row.count == 3, case let .text(name) = row[0], case let .text(table) = row[1], case let .text(enabled) = row[2] else { continue }
            found[name] = (table, enabled)
        }
        var inPlace = 0
        for (trigger, table) in guards {
            guard let state = found[trigger], state.table == table else {
                problems.append("the trigger \(trigger) on \(table) is missing (the schema was changed behind planwatch's back)")
                continue
            }
            // 'O': fires in normal operation; 'D' disabled; 'R' and 'A' only for replicas.
            guard state.enabled == "O" else {
                problems.append("the trigger \(trigger) on \(table) is disabled (ALTER TABLE ... ENABLE TRIGGER \(trigger) puts it back)")
                continue
            }
            inPlace += 1
        }
        return inPlace
    }

    /// Every B-tree index of planwatch's tables checked by amcheck, when the
    /// extension is installed in the database and this role may run it (a
    /// superuser grants it: `GRANT EXECUTE ON FUNCTION bt_index_check(regclass, boolean) TO role`):
    /// how many were checked (nil: none, and why) and how many failed, each a problem.
    static func checkIndexes(_ store: PostgresStore, _ problems: inout [String]) throws -> (checked: Int?, notChecked: String?, problems: Int) {
        let installed = try store.session.integer("SELECT count(*) FROM pg_extension WHERE extname = 'amcheck'") ?? 0
        guard installed > 0 else { return (nil, "the amcheck extension is not installed", 0) }
        let allowed = try store.session.integer("""
            SELECT CASE WHEN to_regprocedure('bt_index_check(regclass, boolean)') IS NULL THEN 0
                        WHEN has_function_privilege(to_regprocedure('bt_index_check(regclass, boolean)'), 'EXECUTE') THEN 1 ELSE 0 END
            """) ?? 0
        guard allowed > 0 else { return (nil, "this role may not run amcheck's bt_index_check", 0) }
        let indexes = try store.session.query("""
            SELECT c.relname::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
            WHERE a.amname = 'btree' AND c.relnamespace = current_schema()::regnamespace ORDER BY c.relname
            """).compactMap { row -> String? in if case let .text(name)? = row.first { return name }; return nil }
        var failed = 0
        for index in indexes {
            do {
                // Each in a savepoint: a failed check ends its statement, not the snapshot.
                try store.session.query("SAVEPOINT amcheck")
                try store.session.query("SELECT bt_index_check(to_regclass($1), true)", [.text(quotedSQLName(index))])
                try store.session.query("RELEASE SAVEPOINT amcheck")
            } catch let PostgresStoreError.server(_, message) {
                _ = try? store.session.query("ROLLBACK TO SAVEPOINT amcheck")
                problems.append("the index \(index) does not match its table (amcheck: \(message))")
                failed += 1
            }
        }
        return (indexes.count, nil, failed)
    }
}
