import Foundation
import PlanPostgres
import PlanStore
import Testing

/// `planwatch backup` and `planwatch restore` with `--db postgres://...`
/// (pg_dump and pg_restore, each checked by verify), against a real server.
@Suite final class PostgresBackupTests {
    let h: Harness

    init() throws { h = try Harness() }

    deinit { h.cleanUp() }

    func path(_ name: String) -> String { h.path(name) }

    func seededOnPostgres() throws -> (sqlite: String, pg: String) { try h.seededOnPostgres() }

    func head(_ db: String) throws -> String? {
        try h.ok(["verify", "--db", db]).split(separator: "\n").last.map(String.init)
    }

    func tables(_ pg: String) throws -> Int64 {
        try PostgresStore.connect(try PostgresLocation(pg)).session.integer("""
            SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()
            """) ?? -1
    }

    @Test func aBackupRestoresIntoAnEmptyDatabaseWithTheSameChainAndRecords() throws {
        let (sqlite, pg) = try seededOnPostgres()
        let file = path("plan.pgdump")
        let backedUp = try h.ok(["backup", file, "--db", pg])
        #expect(backedUp.hasPrefix("Backed up ") && backedUp.contains("the snapshot dumped verifies); head "), "\(backedUp)")
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        let target = try PostgresServer.shared().newDatabase()
        let restored = try h.ok(["restore", file, "--db", target])
        #expect(restored.hasPrefix("Restored \(file) into ") && restored.contains("audit entries verified); head "), "\(restored)")
        #expect(try head(target) == (try head(sqlite)))
        #expect(try PostgresServer.dump(target) == (try PostgresServer.dump(pg)))
        // And back to SQLite: the same plan, byte for byte.
        let back = path("back.sqlite")
        try h.ok(["copy", "--from", target, "--to", back])
        #expect(try h.ok(["export", "--db", back, "--format", "json"]) == (try h.ok(["export", "--db", sqlite, "--format", "json"])))
    }

    @Test func refusedBackupsAndRestoresWriteNothing() throws {
        let (_, pg) = try seededOnPostgres()
        let before = try PostgresServer.dump(pg)
        // A backup over an existing file.
        let existing = path("existing.pgdump")
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: existing))
        let over = try h.run(["backup", existing, "--db", pg])
        #expect(over.status == 1 && over.stderr == "planwatch: '\(existing)' already exists; back up to a new file\n", "\(over.stderr)")
        #expect(FileManager.default.contents(atPath: existing) == Data("keep me".utf8))
        // A restore into a database that holds tables: it is left as it was.
        let file = path("plan.pgdump")
        try h.ok(["backup", file, "--db", pg])
        let full = try h.run(["restore", file, "--db", pg])
        #expect(full.status == 1 && full.stderr.contains("already holds tables") && full.stderr.contains("restore writes into an empty database"), "\(full.stderr)")
        #expect(try PostgresServer.dump(pg) == before)
        // A file that is not a pg_dump archive, and SQLite's options: nothing lands in the empty target.
        let empty = try PostgresServer.shared().newDatabase()
        let junk = path("junk.pgdump")
        try Data("not an archive".utf8).write(to: URL(fileURLWithPath: junk))
        let notArchive = try h.run(["restore", junk, "--db", empty])
        #expect(notArchive.status == 1 && notArchive.stderr.hasPrefix("planwatch: '\(junk)' is not a backup pg_dump wrote (pg_restore failed: "), "\(notArchive.stderr)")
        let forced = try h.run(["restore", file, "--db", empty, "--force"])
        #expect(forced.status == 1 && forced.stderr.contains("so --force does not apply; nothing was written"), "\(forced.stderr)")
        let missing = try h.run(["restore", path("none.pgdump"), "--db", empty])
        #expect(missing.status == 1 && missing.stderr.split(separator: "\n").count == 1)
        #expect(try tables(empty) == 0)
        for result in [over, full, notArchive, forced, missing] { #expect(result.stderr.split(separator: "\n").count == 1) }
    }

    @Test func aDatabaseThatDoesNotVerifyIsNotBackedUpAndABackupThatDoesNotVerifyIsNotKept() throws {
        let (_, pg) = try seededOnPostgres()
        try PostgresStore.connect(try PostgresLocation(pg)).session.query("UPDATE action SET title = 'Changed behind its back' WHERE id = 1")
        let file = path("tampered.pgdump")
        let refused = try h.run(["backup", file, "--db", pg])
        #expect(refused.status == 1 && refused.stderr.contains("does not verify (action 1 differs from audit entry"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: file))
        // pg_dump run by hand on the tampered database: restoring it lands nothing for good.
        let location = try PostgresLocation(pg)
        let dump = try #require(PostgresServer.binFolder()).appending("/pg_dump")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: dump)
        process.arguments = ["--format=custom", "--no-owner", "--file=\(file)", "--host=\(location.host)", "--port=\(location.port)",
                             "--username=\(location.user)", location.database]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let target = try PostgresServer.shared().newDatabase()
        let result = try h.run(["restore", file, "--db", target])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("planwatch: the restored database does not verify (action 1 differs from audit entry")
                && result.stderr.hasSuffix("; it was emptied again\n"), "\(result.stderr)")
        #expect(try tables(target) == 0)
        let functions = try PostgresStore.connect(try PostgresLocation(target)).session.integer(
            "SELECT count(*) FROM pg_proc WHERE proname LIKE 'planwatch%'") ?? -1
        #expect(functions == 0)
    }
}
