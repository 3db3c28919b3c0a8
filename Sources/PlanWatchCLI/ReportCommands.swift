import ArgumentParser
import Foundation
import ImprovementPlan
import PlanFormats
import PlanStore

/// The filters every report takes.
struct FilterOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Only this partnership.") var partnership: String?
    @Option(parsing: .unconditional, help: "Only this inspection.") var inspection: String?
    @Option(parsing: .unconditional, help: "Only owners whose name holds this (any case): 'social work'.") var owner: String?
    @Option(parsing: .unconditional, help: "Only this lead agency (any case).") var agency: String?

    var filter: ActionFilter { ActionFilter(partnership: partnership, inspection: inspection, owner: owner, agency: agency) }
}

/// Prints a stream of records in any format without holding them all: CSV
/// and JSON records are written as they arrive; text and Markdown tables,
/// which need every record to size their columns, collect them. One piece
/// of code for every stream: action listings, reports, the history.
struct OutputStream<Item: Encodable> {
    /// A JSON array of the records, or the report envelope (`ReportEnvelope`) with them as its `rows`.
    enum JSONShape {
        case array
        case envelope(report: String, asOf: CalendarDate)
    }

    let context: Context
    let format: OutputFormat
    let shape: JSONShape
    let cells: (Item) -> [String]
    /// Writes an item's cells as bytes, for CSV (nil: from `cells`).
    private let write: ((Item, RowCells) -> Void)?
    /// The cells of the item being written, used again for the next.
    private let row = RowCells()
    private var collected: [Item] = []
    private var count = 0

    init(context: Context, format: OutputFormat, header: [String], shape: JSONShape, cells: @escaping (Item) -> [String]) {
        self.init(context: context, format: format, header: header, shape: shape, cells: cells, write: nil)
    }

    private init(context: Context, format: OutputFormat, header: [String], shape: JSONShape, cells: @escaping (Item) -> [String],
                 write: ((Item, RowCells) -> Void)?) {
        self.context = context; self.format = format; self.shape = shape; self.cells = cells; self.write = write
        switch (format, shape) {
        case (.csv, _): context.printCSV(header)
        case (.json, .array): context.print("[")
        case (.json, .envelope(let report, let asOf)):
            context.print("{\n  \"asOf\" : \(JSONOutput.quoted(asOf.iso)),\n  \"report\" : \(JSONOutput.quoted(report)),\n  \"rows\" : [")
        case (.table, _), (.markdown, _), (.html, _): break
        }
    }

    private var indent: Int { if case .envelope = shape { return 4 } else { return 2 } }

    mutating func add(_ item: Item) throws {
        switch format {
        case .csv:
            if let write {
                write(item, row)
                context.printCSV(row)
            } else {
                context.printCSV(cells(item))
            }
        case .json: context.print((count == 0 ? "\n" : ",\n") + String(repeating: " ", count: indent) + (try JSONOutput.fragment(item, indent: indent)))
        case .table, .markdown, .html: collected.append(item)
        }
        count += 1
    }

    /// Records collected for a text or Markdown table (empty for CSV and JSON).
    var items: [Item] { collected }

    /// Ends an array: closes the JSON, or prints the collected table.
    func finish(table: ([Item]) -> Table, empty: String) {
        switch format {
        case .json: context.print(count == 0 ? "]\n" : "\n]\n")
        case .csv: break
        case .table, .markdown, .html: context.emit(table(collected), format: format, empty: empty)
        }
    }

    /// Ends an envelope: the thresholds, then the totals.
    func finishJSON<Totals: Encodable>(thresholds: Thresholds, totals: Totals) throws {
        guard format == .json else { return }
        context.print((count == 0 ? "]" : "\n  ]") + ",\n  \"thresholds\" : " + (try JSONOutput.fragment(thresholds, indent: 2))
                      + ",\n  \"totals\" : " + (try JSONOutput.fragment(totals, indent: 2)) + "\n}\n")
    }
}

extension OutputStream where Item == ActionRow {
    /// A stream of action rows in `layout`, their CSV written from the layout's bytes.
    init(context: Context, format: OutputFormat, layout: RowLayout, shape: JSONShape) {
        self.init(context: context, format: format, header: layout.columns.map(\.key), shape: shape, cells: layout.cells,
                  write: { row, cells in layout.write(row, into: cells) })
    }
}

/// Aligned text tables of action rows, one per group, each row measured and
/// kept as it will be printed the moment it arrives: a national report's
/// tables hold tens of thousands of rows, and keeping each as an `ActionRow`,
/// grouping those, and making them a `Table` of strings before printing
/// cost more than reading them. Prints exactly what `Table.renderText`
/// prints for the same rows. Only for a text table on standard output
/// (nil for any other format, which goes through `RowStream`).
struct GroupedTextTables {
    private let context: Context
    private let layout: RowLayout
    private var tables: [StreamedTable] = []
    private var index: [String: Int] = [:]
    private var last: (group: String, at: Int)?
    /// The cells of the row being added, used again for the next.
    private let cells = RowCells()

    init?(context: Context, format: OutputFormat, layout: RowLayout) {
        guard format == .table, !context.html.active else { return nil }
        self.context = context
        self.layout = layout
    }

    mutating func add(_ row: ActionRow, group: String) {
        let at: Int
        if let last, last.group == group {
            at = last.at
        } else if let known = index[group] {
            at = known
        } else {
            at = tables.count
            // Kept whole (no limit): the rows cannot be asked for again.
            tables.append(StreamedTable(columns: layout.columns, style: context.style, bufferLimit: .max))
            index[group] = at
        }
        last = (group, at)
        layout.write(row, into: cells)
        tables[at].add(cells)
    }

    /// Prints a group's table (a group with no rows prints as an empty table does).
    func write(group: String) {
        // Every row was kept (no buffer limit), so none is asked for again.
        context.print(index[group].map { tables[$0] } ?? StreamedTable(columns: layout.columns, style: context.style), rows: { _ in })
    }
}

/// A report's stream of action rows, in the envelope.
struct RowStream {
    private var stream: OutputStream<ActionRow>
    let thresholds: Thresholds

    init(context: Context, format: OutputFormat, layout: RowLayout, report: String, asOf: CalendarDate, thresholds: Thresholds) {
        stream = OutputStream(context: context, format: format, layout: layout, shape: .envelope(report: report, asOf: asOf))
        self.thresholds = thresholds
    }

    mutating func add(_ row: ActionRow) throws { try stream.add(row) }

    var rows: [ActionRow] { stream.items }

    func finishJSON<Totals: Encodable>(totals: Totals) throws { try stream.finishJSON(thresholds: thresholds, totals: totals) }
}

/// `planwatch report ...`.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Reports on the action plans, each with --as-of, filters and --format.",
        discussion: "Example:\n  planwatch report overdue --as-of 2023-06-30",
        subcommands: [Overdue.self, DueSoon.self, Stale.self, Progress.self, Owners.self, Linking.self, Changes.self, Outcomes.self])

    struct Overdue: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "overdue",
            abstract: "Open actions past their current deadline, by partnership, with days overdue, ageing and owners.",
            discussion: """
                An action due on D is overdue from D+1; complete and withdrawn actions are never overdue.
                Example:
                  planwatch report overdue --partnership dundee --as-of 2023-06-30 --format csv
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var list: ListOptions
        @OptionGroup var filters: FilterOptions
        @OptionGroup var thresholds: ThresholdOptions

        func run(context: Context) throws {
            try ReportCommand.overdue(context: context, filter: filters.filter, asOf: try list.date(today: context.today),
                                      format: list.format, thresholds: thresholds.thresholds)
        }
    }

    static func overdue(context: Context, filter: ActionFilter, asOf: CalendarDate, format: OutputFormat, thresholds: Thresholds) throws {
        var stream = RowStream(context: context, format: format, layout: .overdue, report: "overdue", asOf: asOf, thresholds: thresholds)
        var totals = OverdueTotals()
        let layout = RowLayout.overdue.without("partnership")
        var tables = GroupedTextTables(context: context, format: format, layout: layout)
        let tabled = tables != nil  // decided once: reading the optional in the loop copied it for every row
        try context.store.forEachOverdue(filter, asOf: asOf, thresholds: thresholds) { row in
            totals.add(row)
            if tabled { tables?.add(row, group: row.partnership) } else { try stream.add(row) }
        }
        try stream.finishJSON(totals: totals)
        guard format.isDocument else { return }
        context.heading("Overdue actions as of \(asOf): \(totals.total)", format: format)
        guard totals.total > 0 else { return }
        let byPartnership = tables == nil ? Dictionary(grouping: stream.rows, by: \.partnership) : [:]
        for group in totals.partnerships {
            context.print("\n")
            context.heading("\(group.partnership): \(group.total) overdue", format: format)
            if let tables {
                tables.write(group: group.partnership)
            } else {
                context.emit(layout.table(byPartnership[group.partnership] ?? []), format: format)
            }
        }
        context.print("\n")
        context.heading("Days overdue", format: format)
        context.emit(ReportTables.ageing(totals), format: format)
    }

    /// A report that is one list of actions: streamed as CSV or JSON (the
    /// report envelope, totals `count`), or a titled table.
    static func listing(context: Context, format: OutputFormat, layout: RowLayout, report: String, asOf: CalendarDate,
                        thresholds: Thresholds, title: (Int) -> String,
                        produce: ((ActionRow) throws -> Void) throws -> Void) throws {
        var stream = RowStream(context: context, format: format, layout: layout, report: report, asOf: asOf, thresholds: thresholds)
        var tables = GroupedTextTables(context: context, format: format, layout: layout)
        let tabled = tables != nil
        var total = 0
        try produce { row in
            total += 1
            if tabled { tables?.add(row, group: "") } else { try stream.add(row) }
        }
        try stream.finishJSON(totals: CountTotals(count: total))
        guard format.isDocument else { return }
        context.heading(title(total), format: format)
        guard total > 0 else { return }
        if let tables { tables.write(group: "") } else { context.emit(layout.table(stream.rows), format: format) }
    }

    struct DueSoon: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "due-soon",
            abstract: "Open actions due within the next N days (from the as-of date, both ends included), soonest first.",
            discussion: "Example:\n  planwatch report due-soon --within 28 --as-of 2023-06-01")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var list: ListOptions
        @OptionGroup var filters: FilterOptions
        @OptionGroup var thresholds: ThresholdOptions
        @Option(parsing: .unconditional, help: "How many days ahead (default: --due-soon-days, 28).") var within: Int?

        func validate() throws {
            if let within { try Thresholds.check(days: within, field: "within") }
        }

        func run(context: Context) throws {
            var limits = thresholds.thresholds
            if let within { limits.dueSoonDays = within }
            let asOf = try list.date(today: context.today)
            try ReportCommand.listing(context: context, format: list.format, layout: .dueSoon, report: "due-soon", asOf: asOf,
                                      thresholds: limits,
                                      title: { "Due within \(limits.dueSoonDays) days of \(asOf): \($0)" }) { body in
                try context.store.forEachDueSoon(filters.filter, asOf: asOf, thresholds: limits, body)
            }
        }
    }

    struct Stale: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "stale",
            abstract: "Open actions with no progress update for more than N days (the day an action was recorded counts as an update).",
            discussion: "Example:\n  planwatch report stale --days 90 --as-of 2023-06-01")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var list: ListOptions
        @OptionGroup var filters: FilterOptions
        @OptionGroup var thresholds: ThresholdOptions
        @Option(parsing: .unconditional, help: "Days without an update (default: --stale-days, 90).") var days: Int?

        func validate() throws {
            if let days { try Thresholds.check(days: days, field: "days") }
        }

        func run(context: Context) throws {
            var limits = thresholds.thresholds
            if let days { limits.staleDays = days }
            let asOf = try list.date(today: context.today)
            try ReportCommand.listing(context: context, format: list.format, layout: .stale, report: "stale", asOf: asOf,
                                      thresholds: limits,
                                      title: { "No update for more than \(limits.staleDays) days as of \(asOf): \($0)" }) { body in
                try context.store.forEachStale(filters.filter, asOf: asOf, thresholds: limits, body)
            }
        }
    }

    struct Progress: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "progress",
            abstract: "One line per partnership: actions by status, percent complete, RAG, overdue, slipped, no deadline, plan status, reviews, confidence, escalation.",
            discussion: "Example:\n  planwatch report progress --as-of 2023-06-30 --format markdown")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var list: ListOptions
        @OptionGroup var filters: FilterOptions
        @OptionGroup var thresholds: ThresholdOptions

        func run(context: Context) throws {
            let asOf = try list.date(today: context.today)
            try ReportCommand.progress(context: context, filter: filters.filter, asOf: asOf, format: list.format,
                                       thresholds: thresholds.thresholds)
        }
    }

    /// Prints the progress report and returns its lines.
    @discardableResult
    static func progress(context: Context, filter: ActionFilter, asOf: CalendarDate, format: OutputFormat,
                         thresholds: Thresholds) throws -> [PartnershipProgress] {
        let lines = try context.store.progressReport(filter, asOf: asOf, thresholds: thresholds)
        if format.isDocument { context.heading("Progress by partnership as of \(asOf)", format: format) }
        if format == .json {
            context.print(try JSONOutput.encode(ReportEnvelope(report: "progress", asOf: asOf, listKey: "partnerships", items: lines,
                                                               thresholds: thresholds, totals: ProgressTotals(lines))))
        } else {
            context.emit(ReportTables.progress(lines), format: format)
        }
        return lines
    }

    struct Owners: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "owners",
            abstract: "Per owner and agency: every open action they hold, overdue first, then due soon, then the rest, ready to paste into an email or committee paper.",
            discussion: "--owner matches any part of the name, in any case.\nExample:\n  planwatch report owners --owner \"social work\" --format markdown")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var list: ListOptions
        @OptionGroup var filters: FilterOptions
        @OptionGroup var thresholds: ThresholdOptions

        func run(context: Context) throws {
            let asOf = try list.date(today: context.today)
            let (filter, limits) = (filters.filter, thresholds.thresholds)
            switch list.format {
            case .json:
                // The envelope's totals come before the items: JSON holds the digests.
                let digests = try context.store.ownerDigests(filter, asOf: asOf, thresholds: limits)
                context.print(try JSONOutput.encode(ReportEnvelope(report: "owners", asOf: asOf, listKey: "owners", items: digests,
                                                                   thresholds: limits, totals: OwnerTotals(digests))))
            case .csv:
                // One owner's digest held at a time (a million actions hold 700,000 open); the heading
                // comes with the first row, once the filter has been read (an unknown partnership prints nothing).
                try context.emitStreamed(RowLayout.ownerCSV.columns, format: .csv) { each in
                    try withoutActuallyEscaping(each) { each in
                        try context.store.forEachOwnerDigest(filter, asOf: asOf, thresholds: limits) { digest in
                            for row in digest.all { each(RowLayout.ownerCSV.cells(row)) }
                        }
                    }
                }
            case .table, .markdown, .html:
                var started = false
                func start() {
                    started = true
                    context.heading("Open actions by owner as of \(asOf) (due soon: within \(thresholds.dueSoonDays) days)", format: list.format)
                }
                try context.store.forEachOwnerDigest(filter, asOf: asOf, thresholds: limits) { digest in
                    if !started { start() }
                    context.print("\n")
                    context.heading("\(digest.owner) (\(digest.agency)): \(digest.all.count) open, \(digest.overdue.count) overdue, \(digest.dueSoon.count) due soon",
                                    format: list.format)
                    let parts: [(String, [ActionRow], RowLayout)] = [
                        ("Overdue", digest.overdue, .ownerOverdue), ("Due soon", digest.dueSoon, .ownerOpen), ("Other open actions", digest.other, .ownerOpen),
                    ]
                    var first = true
                    for (title, rows, layout) in parts where !rows.isEmpty {
                        context.print(list.format == .markdown ? (first ? "" : "\n") + "\(title):\n\n" : (first ? "" : "\n") + "\(title)\n")
                        context.emit(layout.table(rows), format: list.format)
                        first = false
                    }
                }
                if !started {
                    start()
                    context.print("No open actions.\n")
                }
            }
        }
    }

    struct Linking: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "linking",
            abstract: "Per partnership: link inspector, last review, next review due or overdue, late plans, escalation, red actions, and whether it needs attention.",
            discussion: "Example:\n  planwatch report linking --as-of 2024-01-31")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var list: ListOptions
        @OptionGroup var filters: FilterOptions
        @OptionGroup var thresholds: ThresholdOptions

        func run(context: Context) throws {
            let asOf = try list.date(today: context.today)
            let rows = try context.store.linkingReport(filters.filter, asOf: asOf, thresholds: thresholds.thresholds)
            if list.format.isDocument { context.heading("Linking arrangements as of \(asOf)", format: list.format) }
            if list.format == .json {
                context.print(try JSONOutput.encode(ReportEnvelope(report: "linking", asOf: asOf, listKey: "partnerships", items: rows,
                                                                   thresholds: thresholds.thresholds, totals: LinkingTotals(rows))))
            } else {
                context.emit(ReportTables.linking(rows), format: list.format)
            }
        }
    }

    struct Changes: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "changes",
            abstract: "What changed between two days, across partnerships: actions added, completed, withdrawn, extended, slipped, gone red or reviewed, and the reviews and plan events.",
            discussion: """
                The plan as it stood at the end of the day before --since is compared with the plan at the end of --until, so events dated on either day count. --since last-review starts each partnership the day after its last linking review.
                Examples:
                  planwatch report changes --since 2024-01-01 --until 2024-03-31
                  planwatch report changes --since last-review --partnership dundee
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var list: ListOptions
        @OptionGroup var filters: FilterOptions
        @OptionGroup var thresholds: ThresholdOptions
        @Option(parsing: .unconditional, help: ArgumentHelp("First day of the window, or 'last-review'.", valueName: "date")) var since: DateArgument
        @Option(parsing: .unconditional, help: ArgumentHelp("Last day of the window (default: --as-of, or today).", valueName: "date")) var until: DateArgument?

        /// The window's first day, or nil for "since each partnership's last review".
        func start(today: CalendarDate) throws -> CalendarDate? {
            ["last-review", "last review", "review"].contains(since.text.lowercased()) ? nil : try since.date("since", today: today)
        }

        /// Typed options are read before the database is opened: a bad one is refused in one line, nothing opened.
        func validate() throws {
            _ = try until?.date("until")
            _ = try start(today: .today())
        }

        func run(context: Context) throws {
            let end = try until?.date("until", today: context.today) ?? list.date(today: context.today)
            let start = try start(today: context.today)
            let report = try context.store.changes(filters.filter, since: start, until: end, thresholds: thresholds.thresholds)
            switch list.format {
            case .json:
                context.print(try JSONOutput.encode(ReportEnvelope(report: "changes", asOf: end, listKey: "partnerships", items: report.windows.map(\.worded),
                                                                   thresholds: thresholds.thresholds, totals: report.allTotals)))
            case .csv:
                context.print(ReportTables.changes(report.rows).renderCSV())
            case .table, .markdown, .html:
                let window = start.map { "from \($0) to \(end)" } ?? "since each partnership's last review, to \(end)"
                context.heading("Changes \(window): \(report.rows.count) actions", format: list.format)
                if !report.rows.isEmpty { context.emit(ReportTables.changes(report.rows), format: list.format) }
                for p in report.partnerships where !p.reviews.isEmpty || !p.events.isEmpty {
                    context.print("\n")
                    context.heading("\(p.partnership), \(p.since) to \(p.until): \(p.changed) actions changed, \(p.reviews.count) reviews",
                                    format: list.format)
                    let lines = (p.events.map { TimelineWords.Line($0) } + p.reviews.map { r in
                        TimelineWords.Line(TimelineEntry(date: r.date, event: .review(r)), text: TimelineWords.brief(r))
                    }).sorted { $0.date < $1.date }
                    context.emit(ReportTables.timeline(lines), format: list.format)
                }
            }
        }
    }

    struct Outcomes: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "outcomes",
            abstract: "One line per outcome measure: baseline, latest, target, change, on track, trend and the rule behind it, target status, the linked actions done, and flags (stale-data, actions-done-no-impact).",
            discussion: """
                The trend is read as a run chart (docs/rules.md): a shift, a trend, or too few runs around the median of \
                the baseline period, in the measure's good direction (improving) or not (worsening); otherwise no clear change. \
                In a terminal each measure's readings are drawn as a sparkline; with NO_COLOR or piped, as digits 1-8.
                Example:
                  planwatch report outcomes --partnership west-dunbartonshire --as-of 2024-12-31 --format markdown
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var list: ListOptions
        @OptionGroup var thresholds: ThresholdOptions
        @Option(parsing: .unconditional, help: "Only this partnership.") var partnership: String?

        func run(context: Context) throws {
            let asOf = try list.date(today: context.today)
            try ReportCommand.outcomes(context: context, partnership: partnership, asOf: asOf, format: list.format, thresholds: thresholds.thresholds)
        }
    }

    static func outcomes(context: Context, partnership: String?, asOf: CalendarDate, format: OutputFormat, thresholds: Thresholds) throws {
        let rows = try context.store.outcomeRows(partnership: partnership, asOf: asOf)
        let totals = OutcomeTotals(rows)
        switch format {
        case .json:
            context.print(try JSONOutput.encode(ReportEnvelope(report: "outcomes", asOf: asOf, listKey: "measures", items: rows,
                                                               thresholds: thresholds, totals: totals)))
        case .csv:
            context.printCSV(OutcomeWords.csvHeader())
            for row in rows { context.printCSV(OutcomeWords.csvCells(row)) }
        case .table, .markdown, .html:
            context.heading("Outcome measures as of \(asOf): \(totals.measures) (\(totals.improving) improving, \(totals.worsening) worsening, "
                            + "\(totals.noClearChange) no clear change, \(totals.noData) no data)", format: format)
            context.emit(OutcomeWords.table(rows, plain: !context.style.color), format: format, empty: "No outcome measures recorded.")
            let flagged = rows.filter { $0.flags.contains(.actionsDoneNoImpact) }
            if !flagged.isEmpty {
                context.print("\n")
                context.heading("Actions done, no impact yet (\(flagged.count))", format: format)
                for row in flagged { context.print((format == .markdown ? "- " : "  ") + Sanitise.line(OutcomeWords.sentence(row)) + "\n") }
            }
        }
    }
}
