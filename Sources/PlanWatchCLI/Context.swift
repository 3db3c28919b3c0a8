import ArgumentParser
import Foundation
import ImprovementPlan
import PlanFormats
import PlanStore

/// What a command is given to run: the open store, today's date and where to print.
public struct Context: Sendable {
    public var store: PlanStore
    public var today: CalendarDate
    public var style: TextStyle

    /// Writes to standard output.
    public func print(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
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
        }
    }

    /// Prints a value as JSON, or a table built from it otherwise.
    func emit<T: Encodable>(_ value: T, format: OutputFormat, table: () -> Table, empty: String = "(none)") throws {
        if format == .json {
            print(try JSONOutput.encode(value))
        } else {
            emit(table(), format: format, empty: empty)
        }
    }

    static func terminalStyle() -> TextStyle {
        let terminal = isatty(STDOUT_FILENO) == 1
        let noColor = ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        let dumb = ProcessInfo.processInfo.environment["TERM"] == "dumb"
        return TextStyle(color: terminal && !noColor && !dumb, terminal: terminal)
    }
}

/// A command that works on the database. `run()` opens the store (which must
/// exist), so no command opens the database itself.
protocol StoreCommand: ParsableCommand {
    var global: GlobalOptions { get }
    /// The words written into audit entries, e.g. "action add".
    static var auditName: String { get }
    func run(context: Context) throws
}

extension StoreCommand {
    static var auditName: String { configuration.commandName ?? "planwatch" }

    public func run() throws {
        let store = try PlanStore.open(path: global.databasePath(), create: false, actor: global.actorName,
                                       command: Self.auditName)
        try run(context: Context(store: store, today: CalendarDate.today(), style: Context.terminalStyle()))
    }
}
