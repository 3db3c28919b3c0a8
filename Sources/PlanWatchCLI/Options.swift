import ArgumentParser
import Foundation
import ImprovementPlan
import PlanFormats
import PlanStore

/// `--db` and `--actor` given before the command, where people put them and
/// where an alias has them: `alias pw='planwatch --db ~/plans/national.sqlite --actor "Link inspector"'`.
/// The same options after the command win.
public struct RootOptions: ParsableArguments, Sendable {
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("The database file, for any command (env PLANWATCH_DB).", valueName: "path"))
    var db: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Who is making the change, for any command (env PLANWATCH_ACTOR).", valueName: "name"))
    var actor: String?

    public init() {}
}

/// Options every command takes: which database, and who is acting.
public struct GlobalOptions: ParsableArguments, Sendable {
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("The database file (env PLANWATCH_DB).", valueName: "path"))
    var db: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Who is making the change, for the audit trail (env PLANWATCH_ACTOR; default: your login name).", valueName: "name"))
    var actor: String?

    /// The same options given before the command.
    @ParentCommand var root: PlanWatch

    public init() {}

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// --db (after the command, then before it), then PLANWATCH_DB, then planwatch.sqlite in the current folder.
    func databasePath(default fallback: String = "planwatch.sqlite") -> String {
        db ?? root.options.db ?? environment["PLANWATCH_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? fallback
    }

    /// --actor (after the command, then before it), then PLANWATCH_ACTOR, then the login name.
    var actorName: String { GlobalOptions.actorName(given: actor ?? root.options.actor) }

    /// The actor: the name given, then PLANWATCH_ACTOR, then the login name.
    static func actorName(given actor: String?) -> String {
        let environment = ProcessInfo.processInfo.environment
        if let actor, !actor.trimmingCharacters(in: .whitespaces).isEmpty { return actor }
        if let env = environment["PLANWATCH_ACTOR"], !env.isEmpty { return env }
        if let user = environment["USER"] ?? environment["LOGNAME"], !user.isEmpty { return user }
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "unknown"
    }
}

/// How a listing or report is printed.
public enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case table, json, csv, markdown, html

    /// A format for people to read (text, Markdown or an HTML page): headings and whole tables, not a stream of records.
    var isDocument: Bool { self == .table || self == .markdown || self == .html }
}

/// Options of every listing and report: format and the day it is computed for.
public struct ListOptions: ParsableArguments, Sendable {
    @Option(name: .long, parsing: .unconditional, help: "Output format: table, json, csv, markdown or html (a page with print styles).")
    var format: OutputFormat = .table

    @Option(name: .customLong("as-of"), parsing: .unconditional, help: ArgumentHelp("Compute as of this date (default: today).", valueName: "date"))
    var asOf: DateArgument?

    public init() {}

    public func validate() throws { _ = try date(today: .today()) }

    func date(today: CalendarDate) throws -> CalendarDate {
        try asOf?.date("as-of", today: today) ?? today
    }
}

/// The thresholds of the rules, as flags on the reports.
public struct ThresholdOptions: ParsableArguments, Sendable {
    @Option(name: .customLong("due-soon-days"), parsing: .unconditional, help: "Days ahead that count as due soon.")
    var dueSoonDays: Int = Thresholds.standard.dueSoonDays

    @Option(name: .customLong("stale-days"), parsing: .unconditional, help: "Days without an update after which an open action is stale.")
    var staleDays: Int = Thresholds.standard.staleDays

    @Option(name: .customLong("behind-margin"), parsing: .unconditional, help: "Percentage points behind the elapsed share of time that count as behind schedule.")
    var behindMargin: Int = Thresholds.standard.behindMargin

    @Option(name: .customLong("attention-reds"), parsing: .unconditional, help: "Red actions that make a partnership need attention (report linking).")
    var attentionReds: Int = Thresholds.standard.attentionReds

    public init() {}

    public func validate() throws {
        try thresholds.check()
    }

    var thresholds: Thresholds {
        Thresholds(dueSoonDays: dueSoonDays, staleDays: staleDays, behindMargin: behindMargin, attentionReds: attentionReds)
    }
}

/// Splits `3,4,7` or repeated options into a list, dropping blanks.
func splitList(_ values: [String]) -> [String] {
    values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}
