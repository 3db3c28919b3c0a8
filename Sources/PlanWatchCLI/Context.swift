import ArgumentParser
import Foundation
import ImprovementPlan
import PlanFormats
import PlanHTML
import PlanStore

/// A report's headings, tables and lines, collected when its format is
/// html and made into one page when the command ends.
final class HTMLCollector {
    private(set) var active = false
    private(set) var blocks: [HTMLBlock] = []

    func add(_ block: HTMLBlock) {
        active = true
        blocks.append(block)
    }

    /// The page: its first heading is its title.
    func page() throws -> String {
        var rest = blocks
        var title = "planwatch"
        if case .heading(let first)? = rest.first { title = first; rest.removeFirst() }
        return try HTMLPage.report(title: title, blocks: rest)
    }
}

/// Standard output with a buffer, so a report of a million rows is not a
/// million system calls. Flushed when full and when the command ends.
final class OutputBuffer {
    private let buffer = ByteBuffer(capacity: 1 << 17)
    private let limit = 1 << 16
    /// The error of the first write that failed (a full disk, a closed pipe):
    /// later output is dropped and the command ends with an error, not status 0.
    private(set) var failure: Int32?

    func write(_ text: String) {
        buffer.append(text)
        if buffer.count >= limit { flush() }
    }

    func write(bytes: [UInt8]) {
        buffer.append(bytes)
        if buffer.count >= limit { flush() }
    }

    func writeCSV(_ cells: [String]) {
        CSV.append(line: cells, to: buffer)
        if buffer.count >= limit { flush() }
    }

    func writeCSV(_ cells: RowCells) {
        CSV.append(line: cells, to: buffer)
        if buffer.count >= limit { flush() }
    }

    func flush() {
        guard buffer.count > 0 else { return }
        if failure == nil {
            let raw = buffer.bytes()
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(STDOUT_FILENO, raw.baseAddress?.advanced(by: offset), raw.count - offset)
                if written < 0, errno == EINTR { continue }
                if written <= 0 { failure = written < 0 ? errno : EIO; break }
                offset += written
            }
        }
        buffer.removeAll()
    }

    /// Writes what is left and says whether everything written reached standard output.
    func finish() throws {
        flush()
        if let failure { throw OutputError(code: failure) }
    }

    deinit { flush() }
}

/// What a command is given to run: the open store, today's date and where to print.
public struct Context {
    public var store: PlanStore
    public var today: CalendarDate
    public var style: TextStyle
    let output = OutputBuffer()
    let html = HTMLCollector()

    /// Writes to standard output (buffered; see `flush`); in an HTML report, each line of it is a paragraph.
    public func print(_ text: String) {
        guard html.active else { return output.write(text) }
        for line in text.split(separator: "\n") where !line.allSatisfy(\.isWhitespace) {
            html.add(.text(line.trimmingCharacters(in: .whitespaces)))
        }
    }

    /// Writes a whole document (an HTML page) to standard output as it is.
    func printDocument(_ text: String) {
        output.write(text)
    }

    /// Prints one CSV record (cells quoted and neutralised as `CSV.cell` does).
    func printCSV(_ cells: [String]) {
        output.writeCSV(cells)
    }

    func printCSV(_ cells: RowCells) {
        output.writeCSV(cells)
    }

    public func flush() { output.flush() }

    /// Writes the HTML page of a report, if one was collected; flushes, and
    /// throws when any output could not be written.
    func finish() throws {
        if html.active { output.write(try html.page()) }
        try output.finish()
    }

    /// One line of confirmation after a change.
    public func done(_ text: String) {
        print(Sanitise.line(text) + "\n")
    }

    /// Prints a table in the chosen format.
    func emit(_ table: Table, format: OutputFormat, empty: String = "(none)") {
        switch format {
        case .table: print(table.renderText(style: style, empty: empty))
        case .csv: print(table.renderCSV())
        case .markdown: print(table.renderMarkdown())
        case .json: print((try? JSONOutput.encode(table.rows)) ?? "[]\n")
        case .html: html.add(.table(table, empty: empty))
        }
    }

    /// A table whose rows `rows` gives (as many times as asked, in the same
    /// order), printed without holding a long one whole. CSV and Markdown
    /// print each row as it comes. An aligned text table must measure every
    /// row before it prints the first: its rows are kept compactly while
    /// they are measured (`RowBuffer`) and printed from there, or, past the
    /// buffer's limit, read a second time. `before` sees the first row (nil:
    /// there are none) before anything of the table is printed (a heading that names it).
    func emitStreamed(_ columns: [Table.Column], format: OutputFormat, empty: String = "(none)",
                      before: ([String]?) -> Void = { _ in }, rows: (([String]) -> Void) throws -> Void) rethrows {
        switch format {
        case .csv where !html.active, .markdown where !html.active:
            let csv = format == .csv
            var started = false
            // `before` runs inside `rows`'s body, which it cannot outlive.
            try withoutActuallyEscaping(before) { before in
                func start(_ first: [String]?) {
                    started = true
                    before(first)
                    if csv { printCSV(columns.map(\.key)) } else { print(Table.markdownHeader(columns)) }
                }
                try rows { row in
                    if !started { start(row) }
                    if csv { printCSV(row) } else { print(Table.markdownRow(row)) }
                }
                if !started { start(nil) }
            }
        case .table where !html.active:
            var table = StreamedTable(columns: columns, style: style)
            try rows { table.add($0) }
            before(table.first)
            try print(table, empty: empty, rows: rows)
        default:
            var table = Table(columns: columns)
            try rows { table.append($0) }
            before(table.rows.first)
            emit(table, format: format, empty: empty)
        }
    }

    /// Action rows held in memory, in `layout`, as `emitStreamed` prints them: the CSV and the
    /// text table written from the layout's bytes (`RowCells`), the other formats from its strings.
    func emitRows(_ rows: [ActionRow], layout: RowLayout, format: OutputFormat, empty: String) {
        let cells = RowCells()
        // The rows as strings: every other format, and the table's second read if its buffer could not keep them.
        let strings = { (each: ([String]) -> Void) in for row in rows { each(layout.cells(row)) } }
        switch format {
        case .csv where !html.active:
            printCSV(layout.columns.map(\.key))
            for row in rows {
                layout.write(row, into: cells)
                printCSV(cells)
            }
        case .table where !html.active:
            var table = StreamedTable(columns: layout.columns, style: style)
            for row in rows {
                layout.write(row, into: cells)
                table.add(cells)
            }
            print(table, empty: empty, rows: strings)
        default:
            emitStreamed(layout.columns, format: format, empty: empty, rows: strings)
        }
    }

    /// Prints a measured text table, or `empty` when it has no rows (as
    /// `Table.renderText` does); `rows` gives them again if its buffer could not keep them.
    func print(_ table: StreamedTable, empty: String = "(none)", rows: (([String]) -> Void) throws -> Void) rethrows {
        guard table.measure.count > 0 else { return print(empty + "\n") }
        try table.write(rows: rows) { output.write(bytes: $0) }
    }

    /// Prints a value as JSON, or a table built from it otherwise.
    func emit<T: Encodable>(_ value: T, format: OutputFormat, table: () -> Table, empty: String = "(none)") throws {
        if format == .json {
            print(try JSONOutput.encode(value))
        } else {
            emit(table(), format: format, empty: empty)
        }
    }

    /// Colour only on a terminal and without NO_COLOR; fit the terminal's width (or COLUMNS).
    static func terminalStyle() -> TextStyle {
        let environment = ProcessInfo.processInfo.environment
        let terminal = isatty(STDOUT_FILENO) == 1
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        let dumb = environment["TERM"] == "dumb"
        // COLUMNS, when exported, is the width wanted, on a terminal or not
        // (`COLUMNS=80 planwatch action list | less`); else the terminal's.
        var width = environment["COLUMNS"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil }
        if width == nil, terminal {
            var size = winsize()
            if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { width = Int(size.ws_col) }
        }
        return TextStyle(color: terminal && !noColor && !dumb, terminal: terminal, width: width)
    }

    /// A heading: bold on a terminal, `## ` in Markdown.
    func heading(_ text: String, format: OutputFormat) {
        let text = Sanitise.line(text)
        if format == .html { return html.add(.heading(text)) }
        print(format == .markdown ? "## \(Table.markdownEscaped(text))\n\n" : style.bold(fitted(text, hanging: 2)) + "\n")
    }

    /// A line of text wrapped at spaces to the terminal's width, the lines
    /// after the first indented by `hanging`; as it is without a width.
    func fitted(_ text: String, hanging: Int) -> String {
        guard let width = style.width, Sanitise.width(text) > width, width > hanging + 10 else { return text }
        return Table.hanging(text, hanging: hanging, width: width)
    }
}

/// A command that works on the database. `run()` opens the store (which must
/// exist), so no command opens the database itself.
protocol StoreCommand: ParsableCommand {
    var global: GlobalOptions { get }
    /// The words written into audit entries, e.g. "action add".
    static var auditName: String { get }
    func run(context: Context) throws
    /// For a command that works on a PostgreSQL database: the arguments that
    /// run it in `planwatch-postgres`, the database given; nil (the default)
    /// for one that works on SQLite only.
    func postgresArguments(database: String) -> [String]?
}

extension StoreCommand {
    static var auditName: String { configuration.commandName ?? "planwatch" }

    func postgresArguments(database: String) -> [String]? { nil }

    public func run() throws {
        let path = global.databasePath()
        if PlanStore.isPostgresAddress(path) {
            if let arguments = postgresArguments(database: path) { try PostgresCommands.exec(arguments, command: Self.auditName) }
            try PostgresCommands.runHere(command: Self.auditName)
        }
        let store = try PlanStore.open(path: global.databasePath(), create: false, actor: global.actorName,
                                       command: Self.auditName)
        let context = Context(store: store, today: CalendarDate.today(), style: Context.terminalStyle())
        do {
            try run(context: context)
        } catch {
            context.flush()
            throw error
        }
        try context.finish()
    }
}

/// Standard output could not be written (a full disk, a closed pipe): the
/// output is incomplete, so the command fails rather than exit 0.
struct OutputError: Error, CustomStringConvertible {
    var code: Int32
    var description: String { "cannot write the output: \(String(cString: strerror(code)))" }
}
