import Foundation
import ImprovementPlan
import PlanStore

/// `backup` and `restore` on PostgreSQL, with PostgreSQL's own tools
/// (`pg_dump`, `pg_restore`), each checked by `verify`.
///
/// A backup is one snapshot: a REPEATABLE READ transaction exports its
/// snapshot, `verify` checks it (nothing is written if it fails), and
/// `pg_dump --snapshot` dumps exactly that state, in pg_dump's custom format,
/// into a new file readable by its owner only. A restore writes into an
/// empty database (one made with createdb): `pg_restore` in a single
/// transaction, then `verify` of what landed; a restore that does not verify
/// is dropped again, leaving the database empty as it was.
public enum PostgresBackup {
    public static func backup(_ location: PostgresLocation, to path: String, actor: String) throws -> VerifyReport {
        let manager = FileManager.default
        guard !manager.fileExists(atPath: path) else { throw PlanError.refused("'\(path)' already exists; back up to a new file") }
        let pgDump = try PostgresTools.find("pg_dump", for: "backup")
        let store = try PostgresStore.open(location, create: false)
        return try store.session.transaction(isolation: "REPEATABLE READ", readOnly: true) {
            guard case let .text(snapshot)? = try store.session.query("SELECT pg_export_snapshot()").first?.first else {
                throw PlanError.refused("backup: \(location) gave no snapshot to dump")
            }
            let report = try PostgresVerify.verifySnapshot(store, expectations: VerifyExpectations(), actor: actor)
            guard report.ok else {
                throw PlanError.refused("\(location) does not verify (\(report.problems.first ?? "a problem")); nothing was written (run 'planwatch verify --db ...')")
            }
            // Made first, readable by its owner only: pg_dump writes into it and keeps its mode.
            guard manager.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw StoreError.cannotWrite(folder: (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent)
            }
            do {
                _ = try PostgresTools.run(pgDump, ["--snapshot=\(snapshot)", "--format=custom", "--no-owner", "--no-privileges", "--file=\(path)"],
                                          location: location)
            } catch {
                try? manager.removeItem(atPath: path)
                throw error
            }
            return report
        }
    }

    public static func restore(_ path: String, into location: PostgresLocation, actor: String) throws -> VerifyReport {
        guard FileManager.default.isReadableFile(atPath: path) else { throw PlanError.notFound(entity: "backup", key: path) }
        let pgRestore = try PostgresTools.find("pg_restore", for: "restore")
        // The archive's table of contents: a planwatch database's names its migrations table.
        let contents: String
        do {
            contents = try PostgresTools.run(pgRestore, ["--list", path], location: nil)
        } catch let PlanError.refused(reason) {
            throw PlanError.refused("'\(path)' is not a backup pg_dump wrote (\(reason))")
        }
        guard contents.split(separator: "\n").contains(where: { $0.contains(" TABLE ") && $0.split(separator: " ").contains("planwatch_migration") }) else {
            throw PlanError.refused("'\(path)' is not a backup of a planwatch database (it holds no planwatch_migration table)")
        }
        let store = try PostgresStore.connect(location)
        if let table = try store.tables().first {
            throw PlanError.refused("\(location) already holds tables (\(table) among them); restore writes into an empty database (make one with createdb)")
        }
        _ = try PostgresTools.run(pgRestore, ["--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges",
                                              "--dbname=\(location.database)", path], location: location)
        let report: VerifyReport
        do {
            report = try PostgresVerify.verify(location, expectations: VerifyExpectations(), actor: actor)
        } catch {
            try emptyAgain(store)
            throw error
        }
        guard report.ok else {
            try emptyAgain(store)
            throw PlanError.refused("the restored database does not verify (\(report.problems.first ?? "a problem")); it was emptied again")
        }
        return report
    }

    /// Drops what a restore made in a database that held no tables before it: its tables and planwatch's functions.
    static func emptyAgain(_ store: PostgresStore) throws {
        try store.session.transaction(isolation: "READ COMMITTED") {
            let tables = try store.tables()
            if !tables.isEmpty { try store.session.query("DROP TABLE " + tables.map(quotedSQLName).joined(separator: ", ") + " CASCADE") }
            try store.session.query("DROP FUNCTION IF EXISTS planwatch_append_only(), planwatch_moves_last_update()")
        }
    }
}

/// PostgreSQL's client programs, run for planwatch.
enum PostgresTools {
    /// The program on the PATH, else the newest in Debian's /usr/lib/postgresql/VERSION/bin; an error naming it when missing.
    static func find(_ name: String, for command: String) throws -> String {
        let manager = FileManager.default
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = String(folder) + "/" + name
            if manager.isExecutableFile(atPath: candidate) { return candidate }
        }
        let versions = ((try? manager.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []).compactMap(Int.init).sorted(by: >)
        for version in versions {
            let candidate = "/usr/lib/postgresql/\(version)/bin/\(name)"
            if manager.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw PlanError.refused("\(command): \(name) is not installed (it comes with PostgreSQL's client programs: Debian's postgresql-client)")
    }

    /// Runs `tool` with `arguments`, connected to `location` through libpq's
    /// environment (the password never on its command line): its standard
    /// output, or an error with the first line it printed on standard error.
    static func run(_ tool: String, _ arguments: [String], location: PostgresLocation?) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        if let location {
            environment["PGHOST"] = location.host
            environment["PGPORT"] = String(location.port)
            environment["PGUSER"] = location.user
            environment["PGDATABASE"] = location.database
            environment["PGSSLMODE"] = location.tls.rawValue
            if let password = location.password { environment["PGPASSWORD"] = password }
        }
        process.environment = environment
        // Standard error to a file, standard output through a pipe: two pipes
        // read one after the other could each wait for the other to be drained.
        let errPath = FileManager.default.temporaryDirectory.appendingPathComponent("planwatch-\(UUID().uuidString).err").path
        guard FileManager.default.createFile(atPath: errPath, contents: nil, attributes: [.posixPermissions: 0o600]),
              let errFile = FileHandle(forWritingAtPath: errPath) else {
            throw PlanError.refused("could not run \(tool): no temporary file for its messages (set TMPDIR)")
        }
        defer { try? errFile.close(); try? FileManager.default.removeItem(atPath: errPath) }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = errFile
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { throw PlanError.refused("could not run \(tool): \(error.localizedDescription)") }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errData = FileManager.default.contents(atPath: errPath) ?? Data()
        guard process.terminationStatus == 0 else {
            let lines = String(decoding: errData, as: UTF8.self).split(separator: "\n").map(String.init)
            let line = lines.first(where: { $0.contains("error:") }) ?? lines.first ?? "exit status \(process.terminationStatus)"
            throw PlanError.refused("\((tool as NSString).lastPathComponent) failed: \(line)")
        }
        return String(decoding: outData, as: UTF8.self)
    }
}
