import ArgumentParser
import Foundation
import ImprovementPlan
import PlanFormats
import PlanStore

/// `planwatch verify`.
struct VerifyCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the database: SQLite's integrity and foreign keys, the audit chain end to end, and every record against its history.",
        discussion: """
            Exit status 0 when everything holds; otherwise 1, with the problems found, the first one first.
            Example:
              planwatch verify --db planwatch.sqlite
            """)
    @OptionGroup var global: GlobalOptions
    @Option(parsing: .unconditional, help: "table or json.") var format: OutputFormat = .table

    func run(context: Context) throws {
        let report = try context.store.verify()
        if format == .json {
            context.print(try JSONOutput.encode(report))
        } else if report.ok {
            context.done("ok: integrity and foreign keys hold; \(report.auditEntries) audit entries chained; \(report.recordsChecked) records match their history")
        } else {
            for problem in report.problems { context.done("problem: \(problem)") }
        }
        guard report.ok else {
            context.flush()
            throw ExitCode.failure
        }
    }
}

/// `planwatch history [ACTION | --partnership P] [--since DATE]`.
struct HistoryCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "What changed, when, by whom, from what to what: the audit trail in plain words.",
        discussion: """
            ACTION (an id or inspection/ref) narrows it to one action, its updates and extensions.
            Examples:
              planwatch history 7
              planwatch history --partnership dundee --since 2024-01-01 --format csv
            """)
    @OptionGroup var global: GlobalOptions
    @Option(parsing: .unconditional, help: "table, json, csv or markdown.") var format: OutputFormat = .table
    @Argument(help: "An action: id or inspection/ref.") var action: String?
    @Option(parsing: .unconditional, help: "Only this partnership's records.") var partnership: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Only changes made on or after this date (UTC).", valueName: "date")) var since: String?
    @Option(name: .customLong("by"), parsing: .unconditional, help: "Only changes made by this actor.") var by: String?

    func run(context: Context) throws {
        let filter = HistoryFilter(action: action, partnership: partnership,
                                   since: try parseOptionalDate(since, field: "since", today: context.today), actor: by)
        let columns: [Table.Column] = [.init("seq", alignRight: true), .init("at"), .init("actor", wrap: true),
                                       .init("command"), .init("change", wrap: true)]
        func cells(_ e: HistoryEntry) -> [String] {
            [String(e.seq), String(e.at.prefix(16)).replacingOccurrences(of: "T", with: " "), e.actor, e.command, e.summary]
        }
        var table = Table(columns: columns)
        var count = 0
        if format == .csv { context.print(CSV.line(columns.map(\.title))) }
        if format == .json { context.print("[") }
        try context.store.forEachHistoryEntry(filter) { entry in
            switch format {
            case .csv: context.print(CSV.line(cells(entry)))
            case .json: context.print((count == 0 ? "\n  " : ",\n  ") + (try JSONOutput.fragment(entry, indent: 2)))
            case .table, .markdown: table.append(cells(entry))
            }
            count += 1
        }
        switch format {
        case .json: context.print(count == 0 ? "]\n" : "\n]\n")
        case .csv: break
        case .table, .markdown: context.emit(table, format: format, empty: "No changes recorded.")
        }
    }
}

/// `planwatch undo`.
struct UndoCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "undo",
        abstract: "Revert your most recent change, as a new audited change (history is never deleted).",
        discussion: """
            The change is the last command you (--actor) ran that has not been undone. Refused, with the reason, when
            someone else has changed the same records since, or when other records now depend on what it added.
            A progress update is never deleted: undoing one adds a correcting update.
            Example:
              planwatch undo --actor "Link inspector (Tayside)"
            """)
    static let auditName = "undo"
    @OptionGroup var global: GlobalOptions

    func run(context: Context) throws {
        let result = try context.store.undo(today: context.today)
        context.done("Undid '\(result.command)' (audit entry \(result.change), \(result.at.prefix(16).replacingOccurrences(of: "T", with: " ")) UTC):")
        for step in result.steps { context.done("  \(step)") }
    }
}

/// `planwatch backup PATH`.
struct BackupCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database to a new file with SQLite's online backup API (consistent while others write); the copy is verified.",
        discussion: "Example:\n  planwatch backup backups/planwatch-2025-03-31.sqlite")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The new file.") var path: String

    func run(context: Context) throws {
        let report = try context.store.backup(to: path)
        context.done("Backed up to \(path) (\(report.auditEntries) audit entries; the copy verifies)")
    }
}

/// `planwatch restore PATH`.
struct RestoreCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Replace the database with a backup, only after the backup verifies.",
        discussion: "Example:\n  planwatch restore backups/planwatch-2025-03-31.sqlite")
    static let auditName = "restore"
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The backup file.") var path: String

    func run(context: Context) throws {
        let report = try context.store.restore(from: path)
        context.done("Restored \(global.databasePath()) from \(path) (\(report.auditEntries) audit entries verified)")
    }
}
