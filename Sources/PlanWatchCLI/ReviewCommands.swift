import ArgumentParser
import ImprovementPlan
import PlanFormats
import PlanStore

/// `planwatch review add|list`: the linking arrangements.
struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review", abstract: "Linking reviews: where a link inspector checks a partnership's progress.",
        discussion: "Example:\n  planwatch review list --partnership dundee",
        subcommands: [Add.self, List.self])

    static func table(_ reviews: [LinkingReview]) -> Table {
        var table = Table(columns: [.init("partnership"), .init("date"), .init("kind"), .init("inspector", wrap: true),
                                    .init("summary", wrap: true), .init("actions"), .init("confidence"), .init("nextReview")])
        for r in reviews {
            table.append([r.partnership, r.date.iso, r.kind.rawValue, r.inspector ?? "", r.summary,
                          r.actions.map(String.init).joined(separator: ","), r.confidence?.rawValue ?? "", r.next?.iso ?? ""])
        }
        return table
    }

    struct Add: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Record a linking review (meeting, progress-review or written-return).",
            discussion: """
                The inspector defaults to the partnership's link inspector on that date.
                Example:
                  planwatch review add dundee --date 2023-05-10 --kind meeting --summary "Reviewed mental health actions" --actions 3,4,7 --confidence confident --next 2023-11-10
                  planwatch review add dundee --date 2023-11-10 --kind progress-review --summary "No progress since May" --escalation formal-monitoring
                """)
        static let auditName = "review add"
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The partnership key.") var partnership: String
        @Option(parsing: .unconditional, help: ArgumentHelp("Date of the review (default: today).", valueName: "date")) var date: DateArgument?
        @Option(parsing: .unconditional, help: "meeting, progress-review or written-return.") var kind: Word<ReviewKind>
        @Option(parsing: .unconditional, help: "What was found.") var summary: String
        @Option(parsing: .unconditional, help: "The inspector (default: the current link inspector).") var inspector: String?
        @Option(parsing: .unconditionalSingleValue, help: "Actions discussed: ids or inspection/ref, separated by commas.") var actions: [String] = []
        @Option(parsing: .unconditional, help: "View on confidence: \(Confidence.choices).") var confidence: Word<Confidence>?
        @Option(parsing: .unconditional, help: ArgumentHelp("When the next review is due.", valueName: "date")) var next: DateArgument?
        @Option(parsing: .unconditional, help: "Escalate (or de-escalate) the partnership's latest inspection: \(Escalation.choices).") var escalation: Word<Escalation>?

        /// Typed options are read before the database is opened: a bad one is refused in one line, nothing opened.
        func validate() throws {
            _ = try date?.date("date")
            _ = try kind.value()
            _ = try confidence?.value()
            _ = try next?.date("next")
            _ = try escalation?.value()
        }

        func run(context: Context) throws {
            let day = try date?.date("date", today: context.today) ?? context.today
            let review = try context.store.addReview(PlanFile.Review(
                partnership: partnership, date: day, inspector: inspector, kind: try kind.value(), summary: summary,
                actions: splitList(actions), confidence: try confidence?.value(),
                next: try next?.date("next", today: context.today)),
                escalation: try escalation?.value(), today: context.today)
            context.done("Recorded \(review.kind.rawValue) with \(partnership) on \(day)" + (review.next.map { "; next review due \($0)" } ?? "")
                         + (escalation.map { "; escalation \($0.text)" } ?? ""))
        }
    }

    struct List: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List linking reviews, oldest first; with --as-of, those held by that day.",
            discussion: "Example:\n  planwatch review list --partnership dundee --as-of 2024-01-31")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var list: ListOptions
        @Option(parsing: .unconditional, help: "Only this partnership.") var partnership: String?

        func run(context: Context) throws {
            let asOf = try list.date(today: context.today)
            let reviews = try context.store.reviews(partnership: partnership, asOf: asOf)
            try context.emit(reviews, format: list.format, table: { ReviewCommand.table(reviews) })
        }
    }
}
