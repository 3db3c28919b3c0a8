import ArgumentParser
import Foundation
import ImprovementPlan
import PlanFormats
import PlanStore

/// The `planwatch` command: follows improvement plans after a joint inspection.
public struct PlanWatch: ParsableCommand, Sendable {
    public static let version = PlanFormatsInfo.version

    public static let configuration = CommandConfiguration(
        commandName: "planwatch",
        abstract: "Follow the joint action plans that come after an inspection of services for children at risk of harm.",
        discussion: """
            Example: log an inspection and follow its plan.
              planwatch init
              planwatch partnership add dundee --name "Dundee City" --council "Dundee City Council"
              planwatch inspection add dundee-2021 --partnership dundee --title "Services for children at risk of harm" --published 2022-02-01
              planwatch report overdue --as-of 2023-06-30
            """,
        version: version,
        subcommands: [
            InitCommand.self, PartnershipCommand.self, QICommand.self, InspectionCommand.self, FindingCommand.self,
            PlanCommand.self, ActionCommand.self, OwnerCommand.self, UpdateCommand.self, ExtendCommand.self, ExtensionCommand.self, CompleteCommand.self,
            WithdrawCommand.self, ReviewCommand.self, MeasureCommand.self, ReportCommand.self, FollowCommand.self, ImportCommand.self, ExportCommand.self, VerifyCommand.self, CheckpointCommand.self, HistoryCommand.self, UndoCommand.self, BackupCommand.self, RestoreCommand.self, VacuumCommand.self, CopyCommand.self,
            DashboardCommand.self, RemindCommand.self, UserCommand.self, TokenCommand.self, ServeCommand.self, DemoCommand.self,
        ]
    )

    /// `--db` and `--actor` before the command.
    @OptionGroup public var options: RootOptions

    public init() {}

    /// Runs the command line and exits: one line on standard error for any
    /// problem, status 0 on success, 1 for refused input, 64 for bad usage.
    public static func runMain(_ arguments: [String]? = nil) -> Never {
        // Output printed with `print` (confirmations, help, --version) sits in
        // stdio's buffer until exit: a failed last flush must not end in status 0.
        atexit {
            if fflush(nil) != 0 {
                let line = "planwatch: \(OutputError(code: errno == 0 ? EIO : errno).description)\n"
                _ = line.withCString { Foundation.write(STDERR_FILENO, $0, strlen($0)) }
                _exit(1)
            }
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Foundation.exit(0)
        } catch {
            let code = exitCode(for: error)
            if let exit = error as? ExitCode { Foundation.exit(exit.rawValue) }
            if code == .success {
                // --help, --version: to standard output, wrapped by planwatch so
                // that an example command stays on one line to copy.
                let width = Context.terminalStyle().width ?? 80
                print(HelpText.wrapped(fullMessage(for: error, columns: 4096), width: width))
                Foundation.exit(0)
            }
            // Every line is one line on the terminal, whatever the argument or file held.
            let lines: [String]
            if case let PlanError.problems(problems) = error { lines = problems.map(Sanitise.line) }
            else if code == .validationFailure, let unknown = unknownCommand(arguments ?? Array(CommandLine.arguments.dropFirst())) {
                lines = [Sanitise.line(unknown)]
            }
            else { lines = [Sanitise.line(describe(error))] }
            FileHandle.standardError.write(Data(lines.map { "planwatch: \($0)\n" }.joined().utf8))
            Foundation.exit(error is PlanError || error is StoreError || error is OutputError || error is RestoreRefusal ? 1 : code.rawValue)
        }
    }

    /// "unknown command 'report overdu' (did you mean 'overdue'?)": when the
    /// words before the first option name no command, the message names the
    /// first word that is not one, and the nearest that is.
    static func unknownCommand(_ arguments: [String]) -> String? {
        var command: any ParsableCommand.Type = PlanWatch.self
        var path: [String] = []
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            if word == "--db" || word == "--actor" { index += 2; continue }
            if word.hasPrefix("-") { return nil }
            let subcommands = command.configuration.subcommands
            guard !subcommands.isEmpty else { return nil }
            let names = subcommands.compactMap { $0.configuration.commandName }
            guard let next = subcommands.first(where: { $0.configuration.commandName == word }) else {
                let known = (path.isEmpty ? "" : path.joined(separator: " ") + " ")
                let closest = Suggestion.closest(to: word, among: names)
                return "unknown command '\(known)\(word)'" + (closest.map { " (did you mean '\(known)\($0)'?)" }
                    ?? " (commands: \(names.joined(separator: ", ")))")
            }
            command = next
            path.append(word)
            index += 1
        }
        return nil
    }

    /// The one line a user sees for an error.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as PlanError: return error.description
        case let error as StoreError: return error.description
        case let error as OutputError: return error.description
        case let error as RestoreRefusal: return error.description
        default:
            let text = message(for: error)
            let first = text.split(separator: "\n").first.map(String.init) ?? text
            return first.hasPrefix("Error: ") ? String(first.dropFirst(7)) : first
        }
    }
}

/// `planwatch init`: make a new database.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a planwatch database (readable by you only), with the known quality indicators.",
        discussion: "Example:\n  planwatch init --db dundee.sqlite")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let path = global.databasePath()
        if PlanStore.isPostgresAddress(path) { try PostgresCommands.runHere(command: "init") }
        // An empty file (made by touch or mktemp) is not a database yet: init makes it one.
        let store = try PlanStore.open(path: path, create: true, actor: global.actorName, command: "init")
        let existed = !store.createdNow
        try store.initialise()
        if existed {
            print("\(store.path) is already a planwatch database (schema \(try store.schemaVersions().last ?? "?"))")
            return
        }
        print("Created \(store.path) with \(QualityIndicator.known.count) quality indicators")
    }
}

/// Help as argument-parser writes it, wrapped again to the terminal: prose and
/// option descriptions wrap at spaces (an option's under its description), a
/// line that is an example command never does.
enum HelpText {
    static func wrapped(_ text: String, width: Int) -> String {
        var output: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let indent = line.prefix { $0 == " " }.count
            let body = line.dropFirst(indent)
            if body.hasPrefix("planwatch ") || body.hasPrefix("$ planwatch ") || line.count <= width {
                output.append(line)
                continue
            }
            // An option or a subcommand: its description starts after the first
            // run of two or more spaces past the label.
            var hanging = body.hasPrefix("USAGE: ") ? indent + 7 : indent
            if indent >= 2 {
                if let gap = body.range(of: "  ") {
                    let after = body[gap.lowerBound...].prefix { $0 == " " }.count
                    hanging = indent + body.distance(from: body.startIndex, to: gap.lowerBound) + after
                }
            }
            output.append(Table.hanging(line, hanging: hanging, width: width))
        }
        return output.joined(separator: "\n")
    }
}
