import ArgumentParser
import Foundation
import ImprovementPlan
import PlanFormats
import PlanPostgres
import PlanStore

/// `planwatch verify --db postgres://...`: `planwatch verify` runs this for a
/// PostgreSQL database, with the same options (it checks and documents them).
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a PostgreSQL database ('planwatch verify --help' tells how).")

    @Option(parsing: .unconditional, help: ArgumentHelp("The database: postgres://user@host:port/dbname.", valueName: "database"))
    var db: String
    @Option(parsing: .unconditional, help: "table or json.") var format: Format = .table
    @Option(parsing: .unconditionalSingleValue, help: ArgumentHelp("A head noted earlier, SEQ:HASH (repeatable).", valueName: "seq:hash"))
    var expect: [String] = []
    @Option(parsing: .unconditionalSingleValue, help: ArgumentHelp("An earlier SQLite backup (repeatable).", valueName: "backup"))
    var against: [String] = []
    @Option(parsing: .unconditional, help: ArgumentHelp("A checkpoint public key file.", valueName: "public-key"))
    var key: String?

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    func run() throws {
        let location = try postgresLocation(db, command: "verify")
        let expectations = try VerifyExpectations(expect: expect, against: against, keyFile: key)
        let report = try PostgresVerify.verify(location, expectations: expectations, actor: actorName())
        switch format {
        case .json:
            print(try JSONOutput.encode(report), terminator: "")
        case .table:
            if report.ok {
                print(report.summary(notedHeads: expectations.heads.count, checkpointsAsked: key != nil))
            } else {
                for problem in report.problems { print("problem: \(problem)") }
            }
            print("head: \(report.head)")
        }
        if !report.ok { throw ExitCode(1) }
    }
}
