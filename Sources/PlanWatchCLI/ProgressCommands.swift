import ArgumentParser
import ImprovementPlan
import PlanStore

/// `planwatch update ACTION`: a progress update.
struct UpdateCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Record a progress update on an action (updates are never edited: a correction is a new update).",
        discussion: """
            ACTION is an id (7) or inspection/ref (dundee-2021/1.2). The author is --actor.
            Example:
              planwatch update 7 --note "Pilot running in two localities" --status in-progress --percent 40
            """)
    static let auditName = "update"
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The action: id or inspection/ref.") var action: String
    @Option(parsing: .unconditional, help: "What happened.") var note: String
    @Option(parsing: .unconditional, help: "New status: \(ActionStatus.choices).") var status: Word<ActionStatus>?
    @Option(parsing: .unconditional, help: "New percent complete, 0–100.") var percent: PercentArgument?
    @Option(parsing: .unconditional, help: "Evidence: text or a link.") var evidence: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Date of the update (default: today).", valueName: "date")) var date: DateArgument?

    /// Typed options are read before the database is opened: a bad one is refused in one line, nothing opened.
    func validate() throws {
        _ = try status?.value()
        _ = try percent?.value()
        _ = try date?.date("date")
    }

    func run(context: Context) throws {
        let newStatus = try status?.value()
        let newPercent = try percent?.value()
        let day = try date?.date("date", today: context.today) ?? context.today
        let after = try context.store.recordProgress(action: action, date: day, note: note, status: newStatus,
                                                     percent: newPercent, evidence: evidence, today: context.today)
        context.done("Updated action \(after.id.map(String.init) ?? action) (\(after.qualifiedRef)): \(after.status.rawValue), \(after.percent)%")
    }
}

/// `planwatch extend ACTION --to DATE --reason ...`.
struct ExtendCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "extend",
        abstract: "Move an open action's deadline later, with a reason; the original deadline is kept.",
        discussion: "Example:\n  planwatch extend 7 --to 2023-09-30 --reason \"Recruitment delayed\" --agreed-by \"Chief Officers Group\"")
    static let auditName = "extend"
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The action: id or inspection/ref.") var action: String
    @Option(parsing: .unconditional, help: ArgumentHelp("The new deadline.", valueName: "date")) var to: DateArgument
    @Option(parsing: .unconditional, help: "Why the deadline moves.") var reason: String
    @Option(name: .customLong("agreed-by"), parsing: .unconditional, help: "Who agreed the extension.") var agreedBy: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Date the extension was agreed (default: today).", valueName: "date")) var date: DateArgument?

    /// Typed options are read before the database is opened: a bad one is refused in one line, nothing opened.
    func validate() throws {
        _ = try to.date("to")
        _ = try date?.date("date")
    }

    func run(context: Context) throws {
        let newDue = try to.date("to", today: context.today)
        let day = try date?.date("date", today: context.today) ?? context.today
        let after = try context.store.extendDeadline(action: action, to: newDue, reason: reason, agreedBy: agreedBy, on: day, today: context.today)
        context.done("Extended action \(after.id.map(String.init) ?? action) (\(after.qualifiedRef)) to \(newDue) (originally \(after.originalDue?.iso ?? "?"))")
    }
}

/// `planwatch complete ACTION --evidence ...`.
struct CompleteCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "complete",
        abstract: "Mark an action complete, with the evidence that shows it.",
        discussion: "Example:\n  planwatch complete 7 --evidence \"Audit of 40 records: risk identified in 85%\" --date 2023-03-20")
    static let auditName = "complete"
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The action: id or inspection/ref.") var action: String
    @Option(parsing: .unconditional, help: "What shows it is done: text or a link.") var evidence: String
    @Option(parsing: .unconditional, help: "A note for the progress update.") var note: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Date completed (default: today).", valueName: "date")) var date: DateArgument?

    /// Typed options are read before the database is opened: a bad one is refused in one line, nothing opened.
    func validate() throws {
        _ = try date?.date("date")
    }

    func run(context: Context) throws {
        let day = try date?.date("date", today: context.today) ?? context.today
        let after = try context.store.completeAction(action, date: day, evidence: evidence, note: note, today: context.today)
        let late = after.due.map { day > $0 } ?? false
        context.done("Completed action \(after.id.map(String.init) ?? action) (\(after.qualifiedRef)) on \(day)" + (late ? ", after its deadline \(after.due?.iso ?? "")" : ""))
    }
}

/// `planwatch withdraw ACTION --reason ...`.
struct WithdrawCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "withdraw",
        abstract: "Withdraw an open action, with a reason; it then appears in no count but 'withdrawn'.",
        discussion: "Example:\n  planwatch withdraw 7 --reason \"Superseded by action 2.3\"")
    static let auditName = "withdraw"
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The action: id or inspection/ref.") var action: String
    @Option(parsing: .unconditional, help: "Why it is withdrawn.") var reason: String
    @Option(parsing: .unconditional, help: ArgumentHelp("Date withdrawn (default: today).", valueName: "date")) var date: DateArgument?

    /// Typed options are read before the database is opened: a bad one is refused in one line, nothing opened.
    func validate() throws {
        _ = try date?.date("date")
    }

    func run(context: Context) throws {
        let day = try date?.date("date", today: context.today) ?? context.today
        let after = try context.store.withdrawAction(action, reason: reason, date: day, today: context.today)
        context.done("Withdrew action \(after.id.map(String.init) ?? action) (\(after.qualifiedRef))")
    }
}

import Foundation
