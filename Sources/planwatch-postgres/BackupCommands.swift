import ArgumentParser
import Foundation
import ImprovementPlan
import PlanPostgres
import PlanStore

/// The name written nowhere (a backup and a restore add no audit entry) but
/// needed to open the temporary SQLite copy that `verify` checks.
func actorName() -> String {
    let environment = ProcessInfo.processInfo.environment
    let actor = environment["PLANWATCH_ACTOR"] ?? environment["USER"] ?? "planwatch"
    return actor.isEmpty ? "planwatch" : actor
}

/// The `--db` of a command that works on PostgreSQL only here.
func postgresLocation(_ db: String, command: String) throws -> PostgresLocation {
    guard PostgresLocation.isPostgres(db) else {
        throw PlanError.refused("\(command): '\(db)' is not a PostgreSQL address; 'planwatch \(command)' works on an SQLite database")
    }
    return try PostgresLocation(db)
}

/// `planwatch backup FILE --db postgres://...` (`planwatch backup` runs this for a PostgreSQL database).
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up a PostgreSQL database with pg_dump, from a snapshot that verifies ('planwatch backup --help' tells how).")

    @Option(parsing: .unconditional, help: ArgumentHelp("The database: postgres://user@host:port/dbname.", valueName: "database"))
    var db: String
    @Argument(help: "The new file (pg_dump's custom format).") var path: String

    func run() throws {
        let location = try postgresLocation(db, command: "backup")
        let report = try PostgresBackup.backup(location, to: path, actor: actorName())
        print("Backed up \(location) to \(path) with pg_dump (\(report.auditEntries) audit entries; the snapshot dumped verifies); head \(report.head)")
    }
}

/// `planwatch restore FILE --db postgres://...` (`planwatch restore` runs this for a PostgreSQL database).
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a pg_dump backup into an empty PostgreSQL database, and verify it ('planwatch restore --help' tells how).")

    @Option(parsing: .unconditional, help: ArgumentHelp("The empty database: postgres://user@host:port/dbname.", valueName: "database"))
    var db: String
    @Argument(help: "The backup (written by 'planwatch backup --db postgres://...').") var path: String
    @Flag(name: .customLong("discard-later-changes"), help: "Not on PostgreSQL (refused).") var discardLaterChanges = false
    @Flag(help: "Not on PostgreSQL (refused).") var force = false

    func run() throws {
        let location = try postgresLocation(db, command: "restore")
        if discardLaterChanges || force {
            throw PlanError.refused("restore: on PostgreSQL a backup is restored into an empty database (made with createdb), so --\(force ? "force" : "discard-later-changes") does not apply; nothing was written")
        }
        let report = try PostgresBackup.restore(path, into: location, actor: actorName())
        print("Restored \(path) into \(location) (\(report.auditEntries) audit entries verified); head \(report.head)")
    }
}
