import Foundation
import ArgumentParser
import ImprovementPlan
import PlanFormats
import PlanHTML
import PlanStore

/// `planwatch follow PARTNERSHIP`: the partnership's story on one screen.
struct FollowCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "follow",
        abstract: "A partnership's story: latest inspection and grades, the plan, actions by RAG with the reds listed, a dated timeline, and what is due next.",
        discussion: """
            The timeline runs from the latest inspection's publication (or --since) to the as-of date.
            --format markdown gives a report a link inspector can file; --format csv gives the timeline; --format html gives the \
            partnership's dashboard section as a page (RAG bar, burn-up, ageing, red and amber actions, linking timeline, outcome charts).
            Example:
              planwatch follow dundee --as-of 2024-01-31 --format markdown > dundee-2024-01.md
            """)
    @OptionGroup var global: GlobalOptions
    @OptionGroup var list: ListOptions
    @OptionGroup var thresholds: ThresholdOptions
    @Argument(help: "The partnership key.") var partnership: String
    @Option(parsing: .unconditional, help: ArgumentHelp("Start the timeline at this date.", valueName: "date")) var since: DateArgument?

    /// Typed options are read before the database is opened: a bad one is refused in one line, nothing opened.
    func validate() throws {
        _ = try since?.date("since")
    }

    func run(context: Context) throws {
        if list.format == .html {
            // The dashboard's section for this partnership: the same charts, as a page of its own.
            let asOf = try list.date(today: context.today)
            let dashboard = try context.store.dashboard(partnerships: [partnership], asOf: asOf, thresholds: thresholds.thresholds)
            let name = dashboard.panels.first?.partnership.name ?? partnership
            return context.printDocument(try HTMLPage.dashboard(dashboard, title: "\(name): follow-up as of \(asOf)", overview: false))
        }
        let start = try since?.date("since", today: context.today)
        // The view is made without its timeline: every format streams it (tens of thousands of events at national scale).
        let view = try context.store.follow(partnership: partnership, asOf: try list.date(today: context.today), since: start,
                                            thresholds: thresholds.thresholds, timeline: false)
        try FollowCommand.render(view, since: start, format: list.format, context: context)
    }

    /// Prints a follow view made without its timeline; the timeline is read
    /// from the store as it is printed.
    static func render(_ view: FollowView<TimelineEntry>, since: CalendarDate?, format: OutputFormat, context: Context) throws {
        switch format {
        case .json:
            try renderJSON(view, since: since, context: context)
            return
        case .csv:
            context.printCSV(ReportTables.timelineColumns.map(\.key))
            try context.store.readTimeline(of: view, since: since) { forEach in
                try forEach { context.printCSV(ReportTables.timelineRow($0)) }
            }
            return
        case .table, .markdown, .html:
            break
        }
        let md = format == .markdown
        let p = view.partnership
        let title = Sanitise.line("\(p.name) (\(p.key)): follow-up as of \(view.asOf)")
        context.print(md ? "# \(title)\n\n" : context.style.bold(title) + "\n")
        var facts: [(String, String)] = []
        facts.append(("Link inspector", view.inspector ?? "none assigned"))
        if let i = view.inspection {
            facts.append(("Inspection", "\(i.key): \(i.title)"))
            if i.fieldworkStart != nil || i.fieldworkEnd != nil {
                facts.append(("Fieldwork", "\(i.fieldworkStart?.iso ?? "?") to \(i.fieldworkEnd?.iso ?? "?")"))
            }
            facts.append(("Published", i.published?.iso ?? "not recorded"))
            facts.append(("Confidence", i.confidence?.rawValue ?? "not recorded"))
            facts.append(("Escalation", i.escalation.rawValue))
            var plan = view.planStatus
            if let due = i.planDue { plan += ", due \(due)" }
            if let submitted = view.plan?.submitted { plan += ", submitted \(submitted)" }
            if let agreed = view.plan?.agreed { plan += ", agreed \(agreed)" }
            facts.append(("Action plan", plan))
        } else {
            facts.append(("Inspection", "none recorded"))
        }
        let pr = view.progress
        facts.append(("Actions", "\(pr.actions) (\(pr.complete) complete, \(pr.inProgress) in progress, \(pr.notStarted) not started; \(pr.withdrawn) withdrawn), \(pr.percent)% complete on average"))
        facts.append(("RAG", "\(pr.red) red, \(pr.amber) amber, \(pr.green) green; \(pr.slipped) slipped, \(pr.noDeadline) with no deadline"))
        var reviews = "last \(pr.lastReview?.iso ?? "none")"
        if let next = pr.nextReview { reviews += ", next due \(next)" + (pr.followUpOverdue ? " (overdue)" : "") }
        facts.append(("Linking reviews", reviews))
        for (label, value) in facts {
            let clean = Sanitise.line(value)
            context.print(md ? "- **\(Table.markdownEscaped(label))**: \(Table.markdownEscaped(clean))\n"
                          : context.fitted("\(label + ":")\(String(repeating: " ", count: max(1, 17 - label.count)))\(clean)", hanging: 18) + "\n")
        }
        if !view.evaluations.isEmpty {
            context.print("\n")
            context.heading("Grades", format: format)
            context.emit(ReportTables.grades(view.evaluations), format: format)
        }
        context.print("\n")
        context.heading("Red: overdue (\(view.red.count))", format: format)
        context.emitRows(view.red, layout: RowLayout.overdue.without("partnership"), format: format, empty: "None.")
        context.print("\n")
        context.heading("Amber (\(view.amber.count))", format: format)
        context.emitRows(view.amber, layout: RowLayout.list.without("partnership"), format: format, empty: "None.")
        context.print("\n")
        try context.store.readTimeline(of: view, since: since) { forEach in
            try context.emitStreamed(ReportTables.timelineColumns, format: format, empty: "Nothing recorded in this period.",
                                     before: { first in context.heading("Timeline" + (first.map { " since \($0[0])" } ?? ""), format: format) },
                                     rows: { each in
                try withoutActuallyEscaping(each) { each in try forEach { each(ReportTables.timelineRow($0)) } }
            })
        }
        context.print("\n")
        context.heading("Due next", format: format)
        context.emit(RowLayout.dueSoon.without("partnership").table(view.dueNext), format: format, empty: "Nothing with a deadline ahead.")
        context.print("\n")
        context.heading("Outcomes (\(view.outcomes.count) measure\(view.outcomes.count == 1 ? "" : "s"))", format: format)
        context.emit(OutcomeWords.table(view.outcomes, plain: !context.style.color, partnership: false), format: format,
                     empty: "No outcome measures recorded.")
    }

    /// The view as JSON, byte for byte what encoding it whole gives, with
    /// its timeline streamed into place: the view is encoded around one
    /// marker event, and the events read from the store are written where
    /// the marker's object stands, each as the encoder writes it at that depth.
    static func renderJSON(_ view: FollowView<TimelineEntry>, since: CalendarDate?, context: Context) throws {
        let markerText = "planwatch-timeline-" + UUID().uuidString
        let marker = TimelineWords.Line(TimelineEntry(date: view.asOf, event: .published(inspection: markerText)), text: markerText)
        var shell = view.worded
        shell.timeline = [marker]
        let document = try JSONOutput.encode(shell)
        let object = try JSONOutput.fragment(marker, indent: 4)
        guard let place = document.range(of: object) else {
            // Not where the encoder puts an array's items: encode the whole view instead.
            var whole = view
            try context.store.readTimeline(of: view, since: since) { forEach in try forEach { whole.timeline.append($0) } }
            return context.print(try JSONOutput.encode(whole.worded))
        }
        var count = 0
        try context.store.readTimeline(of: view, since: since) { forEach in
            try forEach { entry in
                context.print((count == 0 ? String(document[..<place.lowerBound]) : ",\n    ")
                              + (try JSONOutput.fragment(TimelineWords.Line(entry), indent: 4)))
                count += 1
            }
        }
        // No events: the view as the encoder writes an empty timeline.
        context.print(count == 0 ? try JSONOutput.encode(view.worded) : String(document[place.upperBound...]))
    }
}
