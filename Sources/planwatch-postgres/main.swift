import ArgumentParser
import Foundation
import ImprovementPlan
import PlanPostgres
import PlanStore

/// The commands that work on PostgreSQL, in a program of their own so that
/// `planwatch` itself neither links SwiftNIO nor pays for it at every start.
/// `planwatch copy` runs this program (`planwatch-postgres copy ...`).
struct PostgresCommands: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "planwatch",
        abstract: "planwatch's commands on PostgreSQL (run through planwatch: 'planwatch copy', and 'planwatch verify', 'backup' and 'restore' with --db postgres://...).",
        subcommands: [CopyCommand.self, VerifyCommand.self, BackupCommand.self, RestoreCommand.self])
}

do {
    var command = try PostgresCommands.parseAsRoot()
    try command.run()
} catch let error as PlanError {
    FileHandle.standardError.write(Data("planwatch: \(error.description)\n".utf8))
    exit(1)
} catch let error as StoreError {
    FileHandle.standardError.write(Data("planwatch: \(error.description)\n".utf8))
    exit(1)
} catch let error as PostgresStoreError {
    FileHandle.standardError.write(Data("planwatch: \(error.description)\n".utf8))
    exit(1)
} catch {
    PostgresCommands.exit(withError: error)
}
