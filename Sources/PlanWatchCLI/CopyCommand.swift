import ArgumentParser
import Foundation
import PlanStore
import ImprovementPlan

/// `planwatch copy --from DB --to DB`: runs `planwatch-postgres copy`, built
/// beside this program in a target of its own (so the CLI neither links
/// SwiftNIO nor pays for it at every start).
struct CopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a whole database, audit trail and all, from SQLite to PostgreSQL or back; both sides hold the same rows and the same chain.",
        discussion: """
            The source is verified first, and nothing is written unless it passes. The target must hold no records: a new SQLite file, or a PostgreSQL database with no tables (planwatch makes them; its owner can be a role of your own, not a superuser) or with planwatch's tables and no rows.
            Every table is read back from the target and compared with the source, and the target's audit trail is checked (an SQLite copy is verified whole). All of it lands or none of it does. The copy adds no audit entry: both sides hold the same chain.
            Give the password in PGPASSWORD rather than in the address, which others on the machine can see. The copy is made by planwatch-postgres, built beside planwatch by 'swift build'. See docs/server.md, "Running on PostgreSQL".
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
        try PostgresCommands.exec(["copy", "--from", from, "--to", to, "--format", format.rawValue], command: "copy")
    }
}

/// The commands that work on PostgreSQL live in `planwatch-postgres`, built
/// beside `planwatch` (so that `planwatch` neither links SwiftNIO nor pays for
/// it at every start); `planwatch` runs it in its own place.
enum PostgresCommands {
    /// For a command given a PostgreSQL database: returns when this program
    /// has the PostgreSQL engine (`planwatch-postgres`, which runs every
    /// command); otherwise runs the same command line in `planwatch-postgres`.
    static func runHere(command: String) throws {
        if PlanStore.openPostgres != nil { return }
        try exec(Array(CommandLine.arguments.dropFirst()), command: command)
    }

    /// Replaces this process with `planwatch-postgres ARGUMENTS`; returns only by throwing.
    static func exec(_ arguments: [String], command: String) throws -> Never {
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let tool = URL(fileURLWithPath: own).deletingLastPathComponent().appendingPathComponent("planwatch-postgres").path
        guard FileManager.default.isExecutableFile(atPath: tool) else {
            throw PlanError.refused("\(command): PostgreSQL's commands are not built: run 'swift build --product planwatch-postgres' (they are looked for at \(tool))")
        }
        let argv = ([tool] + arguments).map { strdup($0) } + [nil]
        fflush(nil)
        execv(tool, argv)
        throw PlanError.refused("\(command): could not run \(tool): \(String(cString: strerror(errno)))")
    }
}
