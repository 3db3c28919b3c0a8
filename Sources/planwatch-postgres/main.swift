import ArgumentParser
import Foundation
import ImprovementPlan
import PlanPostgres
import PlanStore
import PlanWatchCLI

/// The commands that work on PostgreSQL, in a program of their own so that
/// `planwatch` itself neither links SwiftNIO nor pays for it at every start.
/// `planwatch copy` runs this program (`planwatch-postgres copy ...`), and so
/// does every other command given a `postgres://` database: those this
/// program does not have itself run as planwatch runs them, on the store
/// contract over the PostgreSQL engine.
struct PostgresCommands: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "planwatch",
        abstract: "planwatch's commands on PostgreSQL (run through planwatch: 'planwatch copy', and 'planwatch verify', 'backup' and 'restore' with --db postgres://...).",
        subcommands: [CopyCommand.self, VerifyCommand.self, BackupCommand.self, RestoreCommand.self])
}

let ownCommands: Set<String> = ["copy", "verify", "backup", "restore"]
if let first = CommandLine.arguments.dropFirst().first, !ownCommands.contains(first) {
    PostgresEngine.register()
    PlanWatch.runMain()
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
