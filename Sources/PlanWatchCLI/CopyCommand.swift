import ArgumentParser
import Foundation
import ImprovementPlan
import PlanFormats
import PlanPostgres
import PlanStore

/// `planwatch copy --from DB --to DB`: a whole database between SQLite and PostgreSQL.
struct CopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a whole database, audit trail and all, from SQLite to PostgreSQL or back; both sides hold the same rows and the same chain.",
        discussion: """
            The source is verified first, and nothing is written unless it passes. The target must hold no records: a new SQLite file, or a PostgreSQL database with no tables (planwatch makes them; its owner can be a role of your own, not a superuser) or with planwatch's tables and no rows.
            Every table is read back from the target and compared with the source, and the target's audit trail is checked (an SQLite copy is verified whole). All of it lands or none of it does. The copy adds no audit entry: both sides hold the same chain.
            Give the password in PGPASSWORD rather than in the address, which others on the machine can see.
            Examples:
              planwatch copy --from planwatch.sqlite --to postgres://planwatch@db.example.org/planwatch
              planwatch copy --from postgres://planwatch@localhost:5432/planwatch --to restored.sqlite
            """)

    @Option(parsing: .unconditional, help: ArgumentHelp("The database to copy: an SQLite file or postgres://user@host:port/dbname.", valueName: "database"))
    var from: String

    @Option(parsing: .unconditional, help: ArgumentHelp("Where to copy it: a new SQLite file or postgres://user@host:port/dbname.", valueName: "database"))
    var to: String

    @Option(parsing: .unconditional, help: "text or json.") var format: ImportOutput = .text

    func run() throws {
        let source = try DatabaseLocation(from), target = try DatabaseLocation(to)
        let report = try DatabaseCopy.copy(from: source, to: target, actor: GlobalOptions.actorName(given: nil))
        switch format {
        case .json:
            print(try JSONOutput.encode(report))
        case .text:
            print("Copied \(report.rows) rows in \(report.tables) tables from \(source) to \(target): every table reads back the same, "
                  + "and the audit trail (\(report.auditEntries) entries) holds there, head \(report.head)")
        }
    }
}
