import Foundation
import PlanPostgres
import PlanStore
import Testing

/// `planwatch verify --db postgres://...` against a real PostgreSQL server, run as a user runs it.
@Suite final class PostgresVerifyTests {
    let h: Harness

    init() throws { h = try Harness() }

    deinit { h.cleanUp() }

    func path(_ name: String) -> String { h.path(name) }

    func seededOnPostgres() throws -> (sqlite: String, pg: String) { try h.seededOnPostgres() }

    /// The SQL as the database's owner (planwatch's role, not a superuser).
    func asOwner(_ pg: String, _ sql: String) throws {
        try PostgresStore.connect(try PostgresLocation(pg)).session.query(sql)
    }

    func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    @Test func aCopyVerifiesWithTheSameHeadAsItsSource() throws {
        let (sqlite, pg) = try seededOnPostgres()
        let there = lines(try h.ok(["verify", "--db", pg]))
        let here = lines(try h.ok(["verify", "--db", sqlite]))
        #expect(there.count == 2)
        #expect(there.last == here.last && here.last?.hasPrefix("head: ") == true)
        let entries = try #require(here.first?.split(separator: ";")[1])  // " N audit entries chained"
        #expect(there.first?.hasPrefix("ok:" + entries + ";") == true, "\(there)")
        #expect(there.first?.contains("records match their history; foreign keys hold; indexes not checked (the amcheck extension is not installed); 7 triggers in place (the append-only guards and the last-update date)") == true, "\(there)")
        // A noted head is checked as on SQLite; one never in the trail fails.
        let head = String(try #require(here.last?.dropFirst("head: ".count)))
        #expect(try h.ok(["verify", "--db", pg, "--expect", head]).contains("the trail passes through 1 noted head"))
        let wrong = try h.run(["verify", "--db", pg, "--expect", "1:" + String(repeating: "ab", count: 32)])
        #expect(wrong.status == 1)
        #expect(wrong.stdout.contains("problem: --expect 1: entry 1 no longer has the hash noted (the trail was rewritten)"), "\(wrong.stdout)")
        // JSON: the same counts, and which engine.
        let json = try JSONSerialization.jsonObject(with: Data(try h.ok(["verify", "--db", pg, "--format", "json"]).utf8)) as? [String: Any]
        #expect(json?["engine"] as? String == "postgresql")
        #expect(json?["problems"] as? [String] == [])
        #expect(json?["guardTriggers"] as? Int == 7)
    }

    @Test func anEditBehindPlanwatchsBackIsNamed() throws {
        let (_, pg) = try seededOnPostgres()
        try asOwner(pg, "UPDATE action SET title = 'Changed behind its back' WHERE id = 1")
        try asOwner(pg, "ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_change")
        try asOwner(pg, "UPDATE action SET partnership_id = NULL WHERE id = 2")
        let result = try h.run(["verify", "--db", pg])
        #expect(result.status == 1)
        let problems = lines(result.stdout).filter { $0.hasPrefix("problem: ") }
        #expect(problems.contains { $0.hasPrefix("problem: action 1 differs from audit entry") && $0.contains("title") }, "\(problems)")
        #expect(problems.contains("problem: the trigger audit_entry_no_change on audit_entry is disabled (ALTER TABLE ... ENABLE TRIGGER audit_entry_no_change puts it back)"), "\(problems)")
        #expect(problems.contains { $0.hasPrefix("problem: action 2: its partnership is empty on the action row") }, "\(problems)")
        // Verify reads: the database is as it was left.
        let title = try PostgresStore.connect(try PostgresLocation(pg)).session.query("SELECT title FROM action WHERE id = 1")
        #expect(title == [[.text("Changed behind its back")]])
    }

    @Test func indexesAreCheckedWithAmcheckWhereTheRoleMayRunIt() throws {
        let server = try PostgresServer.shared()
        let (_, pg) = try seededOnPostgres()
        let database = try #require(URLComponents(string: pg)?.path.dropFirst().description)
        _ = try server.admin("CREATE EXTENSION amcheck", database: database)
        let refused = try h.ok(["verify", "--db", pg])
        #expect(refused.contains("indexes not checked (this role may not run amcheck's bt_index_check)"), "\(refused)")
        _ = try server.admin("GRANT EXECUTE ON FUNCTION bt_index_check(regclass, boolean) TO \(PostgresServer.appRole)", database: database)
        // Function calls counted in this database, so the test sees amcheck really run on each index.
        _ = try server.admin("ALTER DATABASE \(database) SET track_functions = 'all'")
        let checked = try h.ok(["verify", "--db", pg])
        let count = try PostgresStore.connect(try PostgresLocation(pg)).session.integer("""
            SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
            WHERE a.amname = 'btree' AND c.relnamespace = current_schema()::regnamespace
            """) ?? 0
        #expect(count > 20)
        #expect(checked.contains("; \(count) indexes pass amcheck; "), "\(checked)")
        // The verify's connection has ended, so its counts are in the statistics.
        let calls = try server.admin("SELECT coalesce(sum(calls), 0)::text FROM pg_stat_user_functions WHERE funcname = 'bt_index_check'",
                                     database: database)
        #expect(calls == [[.text(String(count))]], "\(calls)")
    }

    @Test func verifyNeedsAPlanwatchDatabase() throws {
        let empty = try PostgresServer.shared().newDatabase()
        let result = try h.run(["verify", "--db", empty])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("planwatch: ") && result.stderr.contains("is not a planwatch database (it has no tables"), "\(result.stderr)")
        #expect(!result.stderr.contains("\n") || result.stderr.filter { $0 == "\n" }.count == 1)
    }
}
