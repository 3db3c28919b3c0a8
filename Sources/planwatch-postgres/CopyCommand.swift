import ArgumentParser
import Foundation
import ImprovementPlan
import PlanFormats
import PlanPostgres
import PlanStore

/// `planwatch copy --from DB --to DB`: a whole database between SQLite and PostgreSQL
/// (`planwatch copy` checks the options, documents them and runs this).
struct CopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a whole database between SQLite and PostgreSQL ('planwatch copy --help' tells how).")

    @Option(parsing: .unconditional, help: ArgumentHelp("The database to copy: an SQLite file or postgres://user@host:port/dbname.", valueName: "database"))
    var from: String

    @Option(parsing: .unconditional, help: ArgumentHelp("Where to copy it: a new SQLite file or postgres://user@host:port/dbname.", valueName: "database"))
    var to: String

    @Option(parsing: .unconditional, help: "text or json.") var format: Format = .text

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    func run() throws {
        let source = try DatabaseLocation(from), target = try DatabaseLocation(to)
        // A copy writes no audit entry; the name only opens the SQLite side.
        let environment = ProcessInfo.processInfo.environment
        let actor = environment["PLANWATCH_ACTOR"] ?? environment["USER"] ?? "planwatch"
        let report = try DatabaseCopy.copy(from: source, to: target, actor: actor.isEmpty ? "planwatch" : actor)
        switch format {
        case .json:
            print(try JSONOutput.encode(report), terminator: "")
        case .text:
            print("Copied \(report.rows) rows in \(report.tables) tables from \(source) to \(target): every table reads back the same, "
                  + "and the audit trail (\(report.auditEntries) entries) holds there, head \(report.head)")
        }
    }
}
