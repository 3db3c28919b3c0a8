import ArgumentParser
import Foundation
import ImprovementPlan
import PlanFormats
import PlanStore

/// `planwatch import FILE.json` and `planwatch import FILE.csv --inspection KEY`.
struct ImportCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a plan file (JSON), a council's action-plan spreadsheet (CSV, Excel or Word) or its return, or a file of outcome readings; all or nothing.",
        discussion: """
            A plan file is merged by natural key: records already present with the same values are left alone, and a \
            record with the same key but different values stops the import, naming it.
            A spreadsheet (CSV, an Excel workbook's first sheet or --sheet, a Word document's first table with the \
            plan's headings or --table) is read into one inspection: headings are matched loosely (Ref, Area for \
            improvement, Action, Lead officer/Owner, Lead agency, Timescale/Target date/Due, Measure of success, RAG, \
            Progress/Update, Status, ...); each distinct area for improvement becomes a finding; a progress cell \
            becomes the action's first update, dated --date. Every problem is listed with its row and column.
            Imported again, a sheet is a return: each row is matched to its action (Id, reference, else title within \
            its area), a new progress note becomes an update dated --date, a later timescale an extension, a status \
            moving forward an update or completion, a changed RAG, owner, agency, title or measure an edit, and a \
            new row a new action. An earlier timescale or a status moving back stops the whole return. --dry-run \
            lists every change; actions the return leaves out are listed, never changed.
            CSV cells may be separated by commas, semicolons or tabs (found from the header row). In a planwatch \
            export opened and saved in a spreadsheet, the Id column brings each row back to its action, whatever \
            became of its reference. Nothing is written unless everything imports.
            A CSV or workbook whose header names a measure, a date and a value (Measure/Indicator, Date/Period \
            ending, Value/Result; optionally Source, Note, Supersedes) is a file of outcome readings, of any number \
            of measures: every row is checked, then all are recorded or none.
            Examples:
              planwatch import dundee-plan.json
              planwatch import "Action plan 2022.csv" --inspection dundee-2021 --dry-run
              planwatch import "Return Q3.xlsx" --inspection dundee-2021 --date 2023-10-06 --dry-run
              planwatch import "CP minimum dataset Q2.csv" --dry-run
            """)
    static let auditName = "import"
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The plan file (.json), or a spreadsheet: CSV, an Excel workbook (.xlsx) or a Word document's table (.docx).") var file: String
    @Option(parsing: .unconditional, help: "The inspection a spreadsheet's actions belong to (required for CSV).") var inspection: String?
    @Option(parsing: .unconditional, help: "Lead agency for rows of a spreadsheet that has no lead agency column.") var agency: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Date of the spreadsheet's progress notes and of recording its actions (default: today).", valueName: "date"))
    var date: DateArgument?
    @Option(parsing: .unconditional, help: ArgumentHelp("The sheet of an Excel workbook to read (default: the first).", valueName: "name"))
    var sheet: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("The table of a Word document to read, from 1 (default: the first with the plan's headings).", valueName: "n"))
    var table: Int?
    @Flag(name: .customLong("dry-run"), help: "Check the file and say what would be imported, writing nothing.") var dryRun = false

    @Option(name: .long, parsing: .unconditional, help: "Output: text (the summary; with --dry-run a spreadsheet's change list too) or json.")
    var format: ImportOutput = .text

    /// Typed options are read before the database is opened: a bad one is refused in one line, nothing opened.
    func validate() throws {
        _ = try date?.date("date")
    }

    func run(context: Context) throws {
        if inspection == nil, let readings = try readingsRecords() {
            try importReadings(readings, context: context)
            return
        }
        if isSheet {
            try importSheet(context: context)
            return
        }
        // Read a record at a time: a national file is never held in memory whole.
        let summary = try context.store.importPlanFile(try PlanFileStream(path: file), today: context.today, dryRun: dryRun)
        switch format {
        case .json:
            context.print(try JSONOutput.encode(summary))
        case .text:
            let added = summary.added.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
            let total = summary.totalAdded
            context.done((dryRun ? "Would import " : "Imported ")
                         + (total == 0 ? "nothing new" : "\(total) record\(total == 1 ? "" : "s") (\(added))")
                         + "; \(summary.totalUnchanged) already present")
        }
    }

    /// A spreadsheet: the first sheet of a plan, or a return of it, reconciled
    /// with the plan as recorded.
    private func importSheet(context: Context) throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw PlanError.notFound(entity: "file", key: file)
        }
        guard let inspection else {
            throw PlanError.missing(field: "inspection (a spreadsheet is imported into one inspection: --inspection KEY)")
        }
        let day = try date?.date("date", today: context.today) ?? context.today
        let sheet = try readSheet(data, today: day)
        let bar = ProgressBar(total: sheet.rows.count)
        let report: ReturnReport
        do {
            report = try context.store.importSheet(sheet.rows, inspection: inspection, date: day, today: context.today, dryRun: dryRun,
                                                   progress: bar.map { bar in { bar.show($0, $1) } })
        } catch PlanError.rowProblems(let problems) {
            bar?.finish()
            throw PlanError.problems(sheet.describe(problems))
        }
        bar?.finish()
        switch format {
        case .json:
            context.print(try JSONOutput.encode(ReturnJSON(report, dryRun: dryRun)))
        case .text:
            if dryRun { for line in ReturnWords.lines(report) { context.done(line) } }
            if !sheet.ignored.isEmpty { context.done("Columns not used: " + sheet.ignored.map { "'\($0)'" }.joined(separator: ", ")) }
            context.done((dryRun ? "Would import " : "Imported ") + ReturnWords.summary(report.counts))
        }
    }
}

extension ImportCommand {
    /// The file's rows when it is a file of outcome readings (a CSV or a
    /// workbook whose header names a measure, a date and a value); nil otherwise.
    func readingsRecords() throws -> [[String]]? {
        let name = file.lowercased()
        guard [".csv", ".tsv", ".txt", ".xlsx", ".xlsm"].contains(where: { name.hasSuffix($0) }),
              let data = FileManager.default.contents(atPath: file) else { return nil }
        let records: [[String]]
        switch OfficeFile.kind(of: data) {
        case .archive:
            guard !OfficeFile.isDocument(data), table == nil else { return nil }
            records = try OfficeFile.workbookCells(data, sheet: sheet)
        case .other:
            guard !data.isEmpty, sheet == nil, table == nil else { return nil }
            records = try ReadingsSheet.records(data)
        case .compound:
            return nil
        }
        return ReadingsSheet.hasHeader(records) ? records : nil
    }

    /// A file of readings: every row checked, then all recorded or none.
    func importReadings(_ records: [[String]], context: Context) throws {
        let sheet = try ReadingsSheet.read(records: records, today: context.today)
        let count = try context.store.addReadings(sheet.readings, rows: sheet.rows, today: context.today, dryRun: dryRun)
        let measures = Set(sheet.readings.map(\.measure)).count
        switch format {
        case .json:
            context.print(try JSONOutput.encode(ReadingsImported(readings: count, measures: measures, dryRun: dryRun)))
        case .text:
            if !sheet.ignored.isEmpty { context.done("Columns not used: " + sheet.ignored.map { "'\($0)'" }.joined(separator: ", ")) }
            context.done((dryRun ? "Would import " : "Imported ") + "\(count) reading\(count == 1 ? "" : "s") of \(measures) measure\(measures == 1 ? "" : "s")")
        }
    }

    /// Whether the file is a spreadsheet (by its name; a plan file is JSON).
    var isSheet: Bool {
        let name = file.lowercased()
        return inspection != nil || [".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".docx", ".xls", ".doc"].contains { name.hasSuffix($0) }
    }

    /// The file's action plan, whatever it was saved as (`ActionSheet.read(file:)`).
    func readSheet(_ data: Data, today: CalendarDate) throws -> ActionSheet {
        try ActionSheet.read(file: data, sheet: sheet, table: table, today: today, defaultAgency: agency)
    }
}

/// What `import` of a readings file prints as JSON.
struct ReadingsImported: Encodable {
    var readings: Int
    var measures: Int
    var dryRun: Bool
}

/// What `import` prints.
enum ImportOutput: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// A progress bar on standard error, shown only when it is a terminal and the file is large.
final class ProgressBar {
    let total: Int
    private var shown = -1

    /// Nil when there is nothing worth showing (a small file, or standard error not a terminal).
    init?(total: Int, threshold: Int = 2_000) {
        guard total >= threshold, isatty(STDERR_FILENO) == 1 else { return nil }
        self.total = total
    }

    func show(_ done: Int, _ total: Int) {
        let percent = total == 0 ? 100 : done * 100 / total
        guard percent != shown else { return }
        shown = percent
        let width = 30
        let filled = percent * width / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        FileHandle.standardError.write(Data("\rImporting [\(bar)] \(percent)% (\(done)/\(total) rows)".utf8))
    }

    func finish() { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
}

/// `planwatch export --format json|csv|ics`.
struct ExportCommand: StoreCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable { case json, csv, xlsx, ics }

    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export on standard output: the whole database as a plan file (json), one row per action (csv, or an Excel workbook: xlsx), or open actions' deadlines as a calendar (ics).",
        discussion: """
            json is lossless: importing it into an empty database and exporting again gives the same bytes.
            csv has the spreadsheet importer's headings plus derived fields (RAG, days overdue, flags); cells a \
            spreadsheet would run as formulas are neutralised. xlsx has the same columns in an Excel workbook, \
            dates as date cells and the header row frozen: the plan for a partnership to fill in and send back \
            as its next return (give --output, or redirect standard output to a file). ics has one all-day event per open action's current \
            deadline, with a stable UID so importing a newer export updates the event.
            Examples:
              planwatch export --format json > plan.json
              planwatch export --format csv --inspection dundee-2021 > dundee.csv
              planwatch export --format xlsx --inspection dundee-2021 --output "Dundee action plan.xlsx"
              planwatch export --format ics --owner "Chief Social Work Officer" > deadlines.ics
            """)
    @OptionGroup var global: GlobalOptions
    @Option(parsing: .unconditional, help: "json, csv, xlsx or ics.") var format: Format = .json
    @Option(parsing: .unconditional, help: ArgumentHelp("Write to this file rather than standard output (xlsx).", valueName: "path"))
    var output: String?
    @Option(name: .customLong("as-of"), parsing: .unconditional, help: ArgumentHelp("Derive RAG and flags as of this date (default: today).", valueName: "date"))
    var asOf: DateArgument?
    @OptionGroup var filters: FilterOptions

    /// Typed options are read before the database is opened: a bad one is refused in one line, nothing opened.
    func validate() throws {
        _ = try asOf?.date("as-of")
    }

    func run(context: Context) throws {
        let day = try asOf?.date("as-of", today: context.today) ?? context.today
        let filter = filters.filter
        switch format {
        case .json:
            guard filter == ActionFilter() else {
                throw PlanError.refused("filters: a plan file holds the whole database; --partnership, --inspection, --owner and --agency apply to csv and ics")
            }
            // Streamed a record at a time: a national database is never held in memory whole.
            var writer = PlanFileWriter(output: context.print)
            try context.store.exportPlanFile(into: &writer)
            writer.finish()
        case .csv:
            let areas = try context.store.findingTexts(filter)
            let notes = try context.store.latestNotes(filter)
            context.print(CSV.line(ActionExport.headings))
            try context.store.forEachAction(filter, asOf: day) { action, row in
                let area = action.findings.first.flatMap { areas[action.inspection]?[$0] }
                context.print(CSV.line(ActionExport.cells(action, row, area: area, note: notes[row.id])))
            }
        case .xlsx:
            let areas = try context.store.findingTexts(filter)
            let notes = try context.store.latestNotes(filter)
            var workbook = WorkbookWriter(sheetName: "Action plan", headings: ActionExport.headings, widths: ActionExport.widths)
            try context.store.forEachAction(filter, asOf: day) { action, row in
                let area = action.findings.first.flatMap { areas[action.inspection]?[$0] }
                workbook.append(ActionExport.values(action, row, area: area, note: notes[row.id]))
            }
            try write(try workbook.finish(), context: context)
        case .ics:
            let counts = try context.store.extensionCounts()
            var entries: [ICalendar.Entry] = []
            try context.store.forEachAction(filter, asOf: day, selecting: .openWithDeadline, order: .byDeadline) { action, row in
                guard row.status.isOpen, action.due != nil else { return }
                entries.append(ICalendar.Entry(action: action, row: row, extensions: counts[row.id] ?? 0))
            }
            // As of a past day deadlines may have moved since: the order is the deadlines then.
            entries.sort { ($0.row.due?.dayNumber ?? 0, $0.row.partnership, $0.row.id) < ($1.row.due?.dayNumber ?? 0, $1.row.partnership, $1.row.id) }
            let stamp: String
            if asOf != nil {
                stamp = day.iso.replacingOccurrences(of: "-", with: "") + "T000000Z"
            } else {
                let formatter = DateFormatter()
                formatter.locale = Locale(identifier: "en_US_POSIX")
                formatter.timeZone = TimeZone(identifier: "UTC")
                formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
                stamp = formatter.string(from: Date())
            }
            let name = ["planwatch deadlines", filter.partnership, filter.inspection, filter.owner, filter.agency].compactMap { $0 }.joined(separator: " - ")
            context.print(ICalendar.render(entries, stamp: stamp, name: name))
        }
    }

    /// A binary export: to --output, or to standard output when that is not a terminal.
    private func write(_ data: Data, context: Context) throws {
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: data) else {
                throw PlanError.refused("output: cannot write '\(output)'")
            }
            return
        }
        guard isatty(STDOUT_FILENO) == 0 else {
            throw PlanError.refused("format xlsx: a workbook is not for a terminal; give --output FILE.xlsx or redirect to a file")
        }
        context.flush()
        FileHandle.standardOutput.write(data)
    }
}
