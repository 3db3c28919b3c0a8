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
    @Option(help: "table or json.") var format: OutputFormat = .table

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
    @Option(help: "table, json, csv or markdown.") var format: OutputFormat = .table
    @Argument(help: "An action: id or inspection/ref.") var action: String?
    @Option(help: "Only this partnership's records.") var partnership: String?
    @Option(help: ArgumentHelp("Only changes made on or after this date (UTC).", valueName: "date")) var since: String?
    @Option(name: .customLong("by"), help: "Only changes made by this actor.") var by: String?

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
