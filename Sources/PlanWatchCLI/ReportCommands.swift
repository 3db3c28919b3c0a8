import ArgumentParser
import ImprovementPlan
import PlanFormats
import PlanStore

/// `planwatch report ...`.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Reports on the action plans.",
        discussion: "Example:\n  planwatch report overdue --as-of 2023-06-30", subcommands: [Overdue.self, Progress.self])

    struct Overdue: StoreCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open actions past their current deadline, most overdue first, with days overdue, ageing and owners.",
            discussion: """
                An action due on D is overdue from D+1; withdrawn and complete actions are never overdue.
                Example:
                  planwatch report overdue --partnership dundee --as-of 2023-06-30 --format csv
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var list: ListOptions
        @OptionGroup var thresholds: ThresholdOptions
        @Option(help: "Only this partnership.") var partnership: String?
        @Option(help: "Only this inspection.") var inspection: String?
        @Option(help: "Only this owner.") var owner: String?
        @Option(help: "Only this lead agency.") var agency: String?

        func run(context: Context) throws {
            let asOf = try list.date(today: context.today)
            let report = try context.store.overdueReport(
                ActionFilter(partnership: partnership, inspection: inspection, owner: owner, agency: agency),
                asOf: asOf, thresholds: thresholds.thresholds)
            ReportCommand.printOverdue(report, format: list.format, context: context)
        }
    }

    static func printOverdue(_ report: OverdueReport, format: OutputFormat, context: Context) {
        switch format {
        case .json:
            context.print((try? JSONOutput.encode(report)) ?? "{}\n")
        case .csv:
            context.print(ActionTables.overdue(report.rows).renderCSV())
        case .table, .markdown:
            let title = "Overdue actions as of \(report.asOf): \(report.total)"
            context.print(format == .markdown ? "## \(title)\n\n" : context.style.bold(title) + "\n")
            if report.rows.isEmpty { return }
            context.emit(ActionTables.overdue(report.rows), format: format)
            context.print("\n")
            context.emit(ActionTables.ageingTotals(report), format: format)
        }
    }

    struct Progress: StoreCommand {
        static let configuration = CommandConfiguration(
            abstract: "One line per partnership: actions by status and RAG, overdue, no deadline, plan status, confidence.",
            discussion: "Example:\n  planwatch report progress --as-of 2023-06-30")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var list: ListOptions
        @OptionGroup var thresholds: ThresholdOptions

        func run(context: Context) throws {
            let summaries = try context.store.partnershipSummaries(asOf: try list.date(today: context.today), thresholds: thresholds.thresholds)
            try context.emit(summaries, format: list.format, table: { ActionTables.summaries(summaries) })
        }
    }
}
