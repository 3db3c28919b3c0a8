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
            PlanCommand.self, ActionCommand.self, OwnerCommand.self, UpdateCommand.self, ExtendCommand.self, CompleteCommand.self,
            WithdrawCommand.self, ReviewCommand.self, ReportCommand.self, FollowCommand.self, ImportCommand.self, ExportCommand.self, VerifyCommand.self, CheckpointCommand.self, HistoryCommand.self, UndoCommand.self, BackupCommand.self, RestoreCommand.self,
            DemoCommand.self,
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
                exit(withError: error)  // --help, --version: printed to standard output
            }
            // Every line is one line on the terminal, whatever the argument or file held.
            let lines: [String]
            if case let PlanError.problems(problems) = error { lines = problems.map(Sanitise.line) } else { lines = [Sanitise.line(describe(error))] }
            FileHandle.standardError.write(Data(lines.map { "planwatch: \($0)\n" }.joined().utf8))
            Foundation.exit(error is PlanError || error is StoreError || error is OutputError || error is RestoreRefusal ? 1 : code.rawValue)
        }
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
        // An empty file (made by touch or mktemp) is not a database yet: init makes it one.
        let existed = PlanStore.holdsData(path)
        let store = try PlanStore.open(path: path, create: true, actor: global.actorName, command: "init")
        try store.initialise()
        if existed {
            print("\(path) is already a planwatch database (schema \(try store.schemaVersions().last ?? "?"))")
            return
        }
        print("Created \(path) with \(QualityIndicator.known.count) quality indicators")
    }
}
