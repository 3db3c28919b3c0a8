import ArgumentParser
import Foundation
import ImprovementPlan
import PlanFormats
import PlanStore
import Seeds

/// `planwatch demo`: the seed inspections, loaded and reported on.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Load the five seed inspections into a database and print the overdue report, the progress report, the outcomes report and the story of the partnership with the most red actions.",
        discussion: """
            The seed actions, updates and reviews are illustrative (their source says so). Loading twice changes nothing.
            Example:
              planwatch demo --db demo.sqlite --as-of 2024-01-31
            """)

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("The database file (default: planwatch-demo.sqlite).", valueName: "path"))
    var db: String?
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Who loads the seeds, for the audit trail.", valueName: "name"))
    var actor: String?
    @OptionGroup var list: ListOptions
    /// `--db` and `--actor` given before `demo`.
    @ParentCommand var root: PlanWatch

    /// The database: --db after `demo`, then before it, then planwatch-demo.sqlite.
    var database: String { db ?? root.options.db ?? "planwatch-demo.sqlite" }

    func run() throws {
        let db = database
        if PlanStore.isPostgresAddress(db) { try PostgresCommands.runHere(command: "demo") }
        let store = try PlanStore.open(path: db, create: true, actor: GlobalOptions.actorName(given: actor ?? root.options.actor), command: "demo")
        try store.initialise()
        let today = CalendarDate.today()
        var added = 0
        for seed in Seeds.files {
            let file = try PlanFileStream(bytes: Array(seed.json.utf8), name: "seed \(seed.name)")
            added += try store.importPlanFile(file, today: today).totalAdded
        }
        let context = Context(store: store, today: today, style: Context.terminalStyle())
        do {
            try show(context: context, added: added)
        } catch {
            context.flush()
            throw error
        }
        try context.finish()
    }

    /// The main reports of the freshly loaded database.
    private func show(context: Context, added: Int) throws {
        let store = context.store
        let today = context.today
        let asOf = try list.date(today: today)
        if list.format.isDocument {
            context.print((added == 0 ? "Seed data already loaded in \(store.path)" : "Loaded \(Seeds.files.count) seed inspections into \(store.path) (\(added) records)") + "\n\n")
        }
        try ReportCommand.overdue(context: context, filter: ActionFilter(), asOf: asOf, format: list.format, thresholds: .standard)
        guard list.format.isDocument else { return }
        context.print("\n")
        let lines = try ReportCommand.progress(context: context, filter: ActionFilter(), asOf: asOf, format: list.format,
                                               thresholds: .standard)
        context.print("\n")
        try ReportCommand.outcomes(context: context, partnership: nil, asOf: asOf, format: list.format, thresholds: .standard)
        // The partnership with the most red actions, told as its story.
        if let worst = lines.max(by: { ($0.red, $1.partnership) < ($1.red, $0.partnership) }), worst.red > 0 {
            context.print("\n")
            try FollowCommand.render(try store.follow(partnership: worst.partnership, asOf: asOf, since: nil, timeline: list.format == .json),
                                     since: nil, format: list.format, context: context)
        }
    }
}
