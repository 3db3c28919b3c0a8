import Foundation
import GRDB
import PlanPostgres
import PlanStore
import Testing

/// `planwatch copy` between SQLite and a real PostgreSQL server, run as a user runs it.
@Suite final class PostgresCopyTests {
    let h: Harness
    private var seeds = 0

    init() throws { h = try Harness() }

    deinit { h.cleanUp() }

    func path(_ name: String) -> String { h.folder.appendingPathComponent(name).path }

    func run(_ arguments: [String]) throws -> Harness.Result { try h.run(arguments) }

    @discardableResult
    func ok(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try h.ok(arguments, sourceLocation: sourceLocation)
    }

    /// The seed database `planwatch demo` makes.
    func seeded() throws -> String {
        seeds += 1
        let db = path("seed-\(seeds).sqlite")
        try ok(["demo", "--db", db, "--format", "csv"])
        return db
    }

    /// Every audit hash in order.
    func hashes(_ db: String) throws -> [String] {
        try DatabaseQueue(path: db).read { try String.fetchAll($0, sql: "SELECT hash FROM audit_entry ORDER BY seq") }
    }

    func dump(_ url: String) throws -> [String: PostgresServer.TableDigestValue] { try PostgresServer.dump(url) }

    @Test func aSeedDatabaseGoesToPostgresAndBackUnchanged() throws {
        let server = try PostgresServer.shared()
        let seed = try seeded(), pg = try server.newDatabase(), back = path("back.sqlite")
        let there = try ok(["copy", "--from", seed, "--to", pg])
        #expect(there.contains("every table reads back the same"))
        try ok(["copy", "--from", pg, "--to", back])
        // The same plan, byte for byte, and the same chain, hash for hash.
        #expect(try ok(["export", "--db", seed, "--format", "json"]) == (try ok(["export", "--db", back, "--format", "json"])))
        #expect(try hashes(seed) == (try hashes(back)))
        #expect(try hashes(seed).count > 100)
        #expect(try ok(["verify", "--db", back]).hasPrefix("ok:"))
        // Every report reads the same from the copy.
        for report in [["report", "overdue"], ["report", "progress"], ["follow", "dundee"], ["report", "owners"]] {
            let args = report + ["--as-of", "2024-06-30", "--format", "csv"]
            #expect(try ok(args + ["--db", seed]) == (try ok(args + ["--db", back])))
        }
    }

    @Test func theCopyReportsAsJSON() throws {
        let server = try PostgresServer.shared()
        let seed = try seeded(), pg = try server.newDatabase()
        let output = try ok(["copy", "--from", seed, "--to", pg, "--format", "json"])
        let report = try JSONDecoder().decode(CopyReport.self, from: Data(output.utf8))
        #expect(report.tables == 25)
        #expect(report.auditEntries == (try hashes(seed).count))
        #expect(report.head.hasSuffix(try hashes(seed).last ?? "?"))
    }

    @Test func aDatabaseWithRecordsIsNotCopiedInto() throws {
        let server = try PostgresServer.shared()
        let seed = try seeded(), pg = try server.newDatabase()
        try ok(["copy", "--from", seed, "--to", pg])
        let before = try dump(pg)
        let again = try run(["copy", "--from", seed, "--to", pg])
        #expect(again.status == 1)
        #expect(again.stderr.hasPrefix("planwatch: postgres://planwatch_app@127.0.0.1:"))
        #expect(again.stderr.contains("already holds records"))
        #expect(again.stderr.split(separator: "\n").count == 1)
        #expect(try dump(pg) == before)

        // An SQLite file already there is not overwritten either.
        let existing = try seeded()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: existing))
        let back = try run(["copy", "--from", pg, "--to", existing])
        #expect(back.status == 1)
        #expect(back.stderr == "planwatch: '\(existing)' already exists; copy writes a new SQLite database (choose another path, or remove that file)\n")
        #expect(try Data(contentsOf: URL(fileURLWithPath: existing)) == bytes)
    }

    @Test func aSourceThatDoesNotVerifyIsNotCopied() throws {
        let server = try PostgresServer.shared()
        let seed = try seeded(), pg = try server.newDatabase()
        // Edited behind planwatch's back: the action no longer matches its history.
        try DatabaseQueue(path: seed).write { try $0.execute(sql: "UPDATE action SET owner = 'Someone else' WHERE id = 1") }
        let result = try run(["copy", "--from", seed, "--to", pg])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("planwatch: '\(seed)' does not verify ("))
        #expect(result.stderr.hasSuffix("nothing was copied (run 'planwatch verify')\n"))
        #expect(try dump(pg).isEmpty)  // not even the schema
    }

    @Test func aTamperedChainOnPostgresIsNotCopiedBack() throws {
        let server = try PostgresServer.shared()
        let seed = try seeded(), pg = try server.newDatabase(), back = path("back.sqlite")
        try ok(["copy", "--from", seed, "--to", pg])
        // A superuser can switch the guard off; the chain still tells.
        let name = String(pg.split(separator: "/").last?.split(separator: "?").first ?? "")
        try server.admin("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_change; "
                         + "UPDATE audit_entry SET actor = 'someone' WHERE seq = 5; ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_no_change",
                         database: name)
        let result = try run(["copy", "--from", pg, "--to", back])
        #expect(result.status == 1)
        #expect(result.stderr.contains("audit entry 5 has been altered (its hash does not match its content)); nothing was copied"))
        #expect(!FileManager.default.fileExists(atPath: back))
    }

    @Test func postgresKeepsPlanwatchsRules() throws {
        let server = try PostgresServer.shared()
        let seed = try seeded(), pg = try server.newDatabase()
        try ok(["copy", "--from", seed, "--to", pg])
        let session = try PostgresSession.connect(try PostgresLocation(pg))
        let refusals: [(String, String)] = [
            ("UPDATE audit_entry SET actor = 'x' WHERE seq = 1", "the audit trail is append-only"),
            ("DELETE FROM audit_entry WHERE seq = 1", "the audit trail is append-only"),
            ("TRUNCATE audit_entry", "the audit trail is append-only"),
            ("DELETE FROM progress_update", "progress updates are append-only"),
            ("UPDATE action SET current_due = '2026-02-30' WHERE id = 1", "date/time field value out of range"),
            ("UPDATE action SET percent = 101 WHERE id = 1", "action_percent_check"),
            ("UPDATE action SET status = 'done' WHERE completed_on IS NULL", "action_status_check"),
            ("UPDATE action SET supporting_agencies = '{' WHERE id = 1", "invalid input syntax for type json"),
            ("UPDATE partnership SET key = 'Not A Key' WHERE id = 1", "partnership_key_check"),
            ("DELETE FROM partnership WHERE id = 1", "foreign key"),
        ]
        let before = try dump(pg)
        for (sql, words) in refusals {
            #expect(throws: PostgresStoreError.self, "\(sql)") { try session.query(sql) }
            do { try session.query(sql) } catch { #expect("\(error)".contains(words), "\(sql): \(error)") }
        }
        #expect(try dump(pg) == before)
        // A new row after a copy takes the next id, not one the copy used.
        let next = try session.integer("INSERT INTO quality_indicator (code, name) VALUES ('9.9', 'A new indicator') RETURNING id")
        let largest = try DatabaseQueue(path: seed).read { try Int64.fetchOne($0, sql: "SELECT max(id) FROM quality_indicator") }
        #expect(next == (largest ?? 0) + 1)
    }

    @Test func bothEnginesHoldTheSameTables() throws {
        let server = try PostgresServer.shared()
        let pg = try server.newDatabase()
        let store = try PostgresStore.open(try PostgresLocation(pg), create: true)
        #expect(try store.schemaVersions() == ["pg0001_initial", "pg0002_derived_partnership"])
        let sqlite = try PlanStore.open(path: path("empty.sqlite"), create: true, actor: "tester", command: "test")
        let tables = try store.tableShapes()
        for shape in try sqlite.tableShapes() {
            let table = try #require(tables[shape.name], "\(shape.name) is missing on PostgreSQL")
            #expect(table.columns == shape.columns, "\(shape.name)")
            #expect(table.kinds == shape.kinds, "\(shape.name)")
            #expect(table.key == shape.key, "\(shape.name)")
        }
        #expect(Set(tables.keys) == Set(try sqlite.tableShapes().map(\.name)))
        // Opened again, nothing is applied twice.
        #expect(try PostgresStore.open(try PostgresLocation(pg), create: false).schemaVersions() == ["pg0001_initial", "pg0002_derived_partnership"])
    }

    @Test func emptyOrForeignDatabasesAreRefused() throws {
        let server = try PostgresServer.shared()
        let empty = try server.newDatabase()
        let back = try run(["copy", "--from", empty, "--to", path("x.sqlite")])
        #expect(back.status == 1)
        #expect(back.stderr.hasSuffix("is not a planwatch database (it has no tables; 'planwatch copy --to' fills an empty database)\n"))
        #expect(!FileManager.default.fileExists(atPath: path("x.sqlite")))

        let foreign = try server.newDatabase()
        let session = try PostgresSession.connect(try PostgresLocation(foreign))
        try session.query("CREATE TABLE customers (id bigint PRIMARY KEY)")
        let into = try run(["copy", "--from", try seeded(), "--to", foreign])
        #expect(into.status == 1)
        #expect(into.stderr.hasSuffix("is not a planwatch database (it holds another program's tables)\n"))
        #expect(try dump(foreign).keys.sorted() == ["customers"])
    }

    @Test func badAddressesAndUnreachableServersGetOneLine() throws {
        let seed = try seeded()
        let cases: [(String, String)] = [
            ("postgres://", "no host"),
            ("postgres://u@localhost", "no database name"),
            ("postgres://u@localhost:99999/db", "the port must be 1 to 65535"),
            ("postgres://u@localhost/db?sslmode=maybe", "sslmode must be disable, prefer, require, verify-full"),
            ("postgres://u@localhost/db?timeout=3", "planwatch knows the parameter sslmode, not 'timeout'"),
        ]
        for (address, words) in cases {
            let result = try run(["copy", "--from", seed, "--to", address])
            #expect(result.status != 0, "\(address)")
            #expect(result.stderr.contains(words), "\(address): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(address): \(result.stderr)")
        }
        let port = PostgresServer.freePort()
        let closed = try run(["copy", "--from", seed, "--to", "postgres://u:secret@127.0.0.1:\(port)/db?sslmode=disable"])
        #expect(closed.status == 1)
        #expect(closed.stderr.hasPrefix("planwatch: cannot connect to postgres://u@127.0.0.1:\(port)/db: "))
        #expect(!closed.stderr.contains("secret"))
        #expect(closed.stderr.split(separator: "\n").count == 1)
        let missing = try run(["copy", "--from", path("nowhere.sqlite"), "--to", "postgres://u@127.0.0.1:\(port)/db"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "planwatch: no database at '\(path("nowhere.sqlite"))' to copy (--from names it)\n")
        #expect(!FileManager.default.fileExists(atPath: path("nowhere.sqlite")))
        let same = try run(["copy", "--from", seed, "--to", path("other.sqlite")])
        #expect(same.status != 0)
        #expect(same.stderr.contains("for another SQLite file use 'planwatch backup'"))
    }

    @Test func copyWithoutItsProgramSaysHowToBuildIt() throws {
        // planwatch alone, without planwatch-postgres beside it.
        let lone = path("bin/planwatch")
        try FileManager.default.createDirectory(atPath: path("bin"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Harness.binary, toPath: lone)
        let result = try h.run(["copy", "--from", try seeded(), "--to", "postgres://u@localhost/db"], executable: lone)
        #expect(result.status == 1)
        #expect(result.stderr == "planwatch: copy: PostgreSQL's commands are not built: run 'swift build --product planwatch-postgres' (they are looked for at \(path("bin/planwatch-postgres")))\n")
    }

    @Test func everyCommandRunsOnPostgresAndAnUnreachableServerIsOneLine() throws {
        for arguments in [["report", "overdue"], ["update", "1", "--note", "x"], ["init"]] {
            let result = try run(arguments + ["--db", "postgres://u@127.0.0.1:1/db"])
            #expect(result.status == 1)
            #expect(result.stderr.hasPrefix("planwatch: cannot connect to postgres://u@127.0.0.1:1/db: "), "\(result.stderr)")
            #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(result.stderr)")
        }
        // planwatch alone, without planwatch-postgres beside it, says how to build it.
        let lone = path("bin/planwatch")
        try FileManager.default.createDirectory(atPath: path("bin"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Harness.binary, toPath: lone)
        let result = try h.run(["report", "overdue", "--db", "postgres://u@localhost/db"], executable: lone)
        #expect(result.status == 1)
        #expect(result.stderr == "planwatch: overdue: PostgreSQL's commands are not built: run 'swift build --product planwatch-postgres' (they are looked for at \(path("bin/planwatch-postgres")))\n")
    }
}
