import ArgumentParser
import ImprovementPlan
import PlanFormats
import PlanStore

/// `planwatch extension request|list|agree|refuse`: requested extensions on
/// the command line, as officers and inspectors make them in `planwatch serve`.
/// `planwatch extend` records one already agreed; these leave the deadline
/// alone until an inspector agrees.
struct ExtensionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extension",
        abstract: "Requested extensions: an officer asks for a later deadline, an inspector agrees or refuses it.",
        discussion: """
            A request leaves the deadline as it is; agreeing it records the extension with the agreeing actor as \
            agreed-by, in the same transaction. ('planwatch extend' records an extension already agreed elsewhere.)
            Example:
              planwatch extension request 7 --to 2027-03-31 --reason "Recruitment delayed"
              planwatch extension list
              planwatch extension agree 1 --note "Agreed at the linking meeting"
            """,
        subcommands: [Request.self, List.self, Agree.self, Refuse.self])

    struct Request: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "request", abstract: "Ask for a later deadline for an open action; the deadline stands until agreed.",
            discussion: "Example:\n  planwatch extension request dundee-2021/1.2 --to 2027-03-31 --reason \"Recruitment delayed\"")
        static let auditName = "extension request"
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The action: id or inspection/ref.") var action: String
        @Option(parsing: .unconditional, help: ArgumentHelp("The deadline asked for.", valueName: "date")) var to: DateArgument
        @Option(parsing: .unconditional, help: "Why more time is needed.") var reason: String

        /// Typed options are read before the database is opened: a bad one is refused in one line, nothing opened.
        func validate() throws {
            _ = try to.date("to")
        }

        func run(context: Context) throws {
            let made = try context.store.requestExtension(action: action, to: try to.date("to", today: context.today), reason: reason)
            context.done("Requested extension \(made.id) of action \(made.action) from \(made.from) to \(made.to); the deadline stands until an inspector agrees it")
        }
    }

    struct List: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List extension requests, oldest first (default: those awaiting a decision).",
            discussion: "Example:\n  planwatch extension list --state all --partnership dundee")
        @OptionGroup var global: GlobalOptions
        @Option(parsing: .unconditional, help: "requested, agreed, refused or all.") var state: String = "requested"
        @Option(parsing: .unconditional, help: "Only this partnership's.") var partnership: String?
        @Option(parsing: .unconditional, help: "table, json, csv, markdown or html.") var format: OutputFormat = .table

        /// The state, or all of them (nil).
        func wanted() throws -> RequestState? {
            if state.lowercased() == "all" { return nil }
            guard let wanted = RequestState(rawValue: state.lowercased()) else {
                throw PlanError.invalidValue(field: "state", value: state, expected: "one of requested, agreed, refused, all")
            }
            return wanted
        }

        func validate() throws { _ = try wanted() }

        func run(context: Context) throws {
            let wanted = try wanted()
            if let partnership { _ = try context.store.partnershipDetail(partnership) }
            let requests = try context.store.extensionRequests(partnerships: partnership.map { [$0] }, state: wanted)
            try context.emit(requests, format: format, table: {
                var table = Table(columns: [.init("id", alignRight: true), .init("action"), .init("title", wrap: true), .init("from"), .init("to"),
                                            .init("reason", wrap: true), .init("requestedBy"), .init("state"), .init("decidedBy")])
                for p in requests {
                    let r = p.request
                    table.append([String(r.id), p.reference, p.title, r.from.iso, r.to.iso, r.reason, r.requestedBy, r.state.rawValue, r.decidedBy ?? ""])
                }
                return table
            }, empty: "(no extension requests)")
        }
    }

    struct Agree: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "agree", abstract: "Agree a requested extension: the new deadline is in force from today.",
            discussion: "Example:\n  planwatch extension agree 1 --note \"Agreed at the linking meeting\"")
        static let auditName = "extension agree"
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The request's number (planwatch extension list).") var id: String
        @Option(parsing: .unconditional, help: "A note with the decision.") var note: String?

        func validate() throws { _ = try ExtensionCommand.number(id) }

        func run(context: Context) throws {
            let decided = try context.store.decideExtension(request: try ExtensionCommand.number(id), .agreed, note: note, today: context.today)
            context.done("Agreed extension \(decided.id): action \(decided.action) is now due \(decided.to)")
        }
    }

    struct Refuse: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "refuse", abstract: "Refuse a requested extension, saying why; the deadline stands.",
            discussion: "Example:\n  planwatch extension refuse 1 --note \"Bring the recruitment plan to the next review first\"")
        static let auditName = "extension refuse"
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The request's number (planwatch extension list).") var id: String
        @Option(parsing: .unconditional, help: "Why it is refused (required).") var note: String?

        func validate() throws { _ = try ExtensionCommand.number(id) }

        func run(context: Context) throws {
            let decided = try context.store.decideExtension(request: try ExtensionCommand.number(id), .refused, note: note, today: context.today)
            context.done("Refused extension \(decided.id): action \(decided.action) stays due \(decided.from)")
        }
    }

    static func number(_ text: String) throws -> Int64 {
        guard let number = Int64(text.trimmed), number > 0 else {
            throw PlanError.invalidValue(field: "request", value: Validation.shown(text), expected: "a request's number, like 3")
        }
        return number
    }
}
