import ArgumentParser
import ImprovementPlan
import PlanFormats
import PlanStore

/// `planwatch action add|list|show|edit|reassign`.
struct ActionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "action", abstract: "Actions of the joint action plans.",
        discussion: "Example:\n  planwatch action list --rag red", subcommands: [Add.self, List.self, Show.self, Edit.self, Reassign.self])

    struct Edit: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "edit",
            abstract: "Correct an action's words, owner, agency or start, as one audited change (undo reverts it).",
            discussion: """
                The deadline is moved with 'extend' and the status with 'update', 'complete' or 'withdraw', never here;
                the reference is the action's name in its updates, extensions and reviews, and stays.
                An empty --description or --measure clears it.
                Example:
                  planwatch action edit dundee-2021/2.1 --owner "Head of Education" --measure "Waiting time under 4 weeks"
                """)
        static let auditName = "action edit"
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The action: id or inspection/ref.") var action: String
        @Option(parsing: .unconditional, help: "What will be done.") var title: String?
        @Option(parsing: .unconditional, help: "More detail.") var description: String?
        @Option(parsing: .unconditional, help: "The lead officer or role.") var owner: String?
        @Option(parsing: .unconditional, help: "The lead agency.") var agency: String?
        @Option(parsing: .unconditional, help: "Measure of success.") var measure: String?
        @Option(parsing: .unconditional, help: ArgumentHelp("Start date.", valueName: "date")) var start: DateArgument?

        /// Typed options are read before the database is opened: a bad one is refused in one line, nothing opened.
        func validate() throws {
            _ = try start?.date("start")
        }

        func run(context: Context) throws {
            let edit = ActionEdit(title: title, description: description, owner: owner, agency: agency, measure: measure,
                                  start: try start?.date("start", today: context.today))
            let (before, after) = try context.store.editAction(action, edit)
            let changed = ActionEdit.fieldNames.filter { $0.value(before) != $0.value(after) }
                .map { "\($0.name) \($0.value(before) ?? "—") → \($0.value(after) ?? "—")" }
            context.done("Edited action \(after.id.map(String.init) ?? action) (\(after.qualifiedRef)): " + changed.joined(separator: "; "))
        }
    }

    struct Reassign: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "reassign",
            abstract: "Hand every open action of one owner to another (a post holder who leaves, or two spellings of one name), one audited change per action.",
            discussion: """
                --from is the whole name, in any case ('owner list' shows each spelling); closed actions keep their owner unless --include-closed.
                Example:
                  planwatch action reassign --from "Chief Social Work Officer " --to "Chief Social Work Officer" --include-closed
                """)
        static let auditName = "action reassign"
        @OptionGroup var global: GlobalOptions
        @Option(parsing: .unconditional, help: "The owner's name as recorded.") var from: String
        @Option(parsing: .unconditional, help: "The new owner.") var to: String
        @Option(parsing: .unconditional, help: "Only this partnership's actions.") var partnership: String?
        @Flag(name: .customLong("include-closed"), help: "Hand over complete and withdrawn actions too.") var includeClosed = false

        func run(context: Context) throws {
            let moved = try context.store.reassignActions(from: from, to: to, partnership: partnership, includeClosed: includeClosed)
            context.done("Reassigned \(moved.count) action\(moved.count == 1 ? "" : "s") to \(to.normalisedName): "
                         + moved.map(\.qualifiedRef).joined(separator: ", "))
        }
    }

    struct Add: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add an action answering one or more findings. Leave out --due (or say --due ongoing) for an action with no deadline.",
            discussion: """
                Example:
                  planwatch action add --finding 3 --ref 2.1 --title "Commission school counselling" --owner "Head of Service, Education" --agency "Dundee City Council" --due 2023-03-31 --measure "Waiting time under 6 weeks" --date 2022-03-01
                """)
        static let auditName = "action add"
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("finding"), parsing: .unconditionalSingleValue, help: "Id of a finding it answers (repeat or separate with commas).") var findings: [String] = []
        @Option(parsing: .unconditional, help: "The inspection, when no finding is named.") var inspection: String?
        @Option(parsing: .unconditional, help: "Plan reference, e.g. 1.2 (default: the next number).") var ref: String?
        @Option(parsing: .unconditional, help: "What will be done.") var title: String
        @Option(parsing: .unconditional, help: "More detail.") var description: String?
        @Option(parsing: .unconditional, help: "The lead officer or role.") var owner: String
        @Option(parsing: .unconditional, help: "The lead agency.") var agency: String
        @Option(name: .customLong("supporting"), parsing: .unconditionalSingleValue, help: "A supporting agency (repeat or separate with commas).") var supporting: [String] = []
        @Option(parsing: .unconditional, help: ArgumentHelp("Start date.", valueName: "date")) var start: DateArgument?
        @Option(parsing: .unconditional, help: ArgumentHelp("Deadline; 'ongoing' or 'none' for none.", valueName: "date")) var due: DateArgument?
        @Option(parsing: .unconditional, help: "Measure of success.") var measure: String?
        @Option(parsing: .unconditional, help: ArgumentHelp("When the action was agreed or logged (default: today); it counts from this day, and so does its stale clock.", valueName: "date")) var date: DateArgument?

        /// Typed options are read before the database is opened: a bad one is refused in one line, nothing opened.
        func validate() throws {
            _ = try findingIDs()
            _ = try due?.deadline("due")
            _ = try start?.date("start")
            _ = try date?.date("date")
        }

        /// The findings' ids: `--finding 3,4` or repeated.
        func findingIDs() throws -> [Int64] {
            try splitList(findings).map { text in
                guard let id = Int64(text) else {
                    throw PlanError.invalidValue(field: "finding", value: text, expected: "a finding id, as 'finding list' shows")
                }
                return id
            }
        }

        func run(context: Context) throws {
            let findingIDs = try findingIDs()
            let deadline = try due?.deadline("due", today: context.today)
            let action = try context.store.addAction(NewAction(
                findings: findingIDs, inspection: inspection, ref: ref, title: title, description: description, owner: owner,
                agency: agency, supportingAgencies: splitList(supporting),
                start: try start?.date("start", today: context.today), due: deadline, measure: measure,
                created: try date?.date("date", today: context.today)),
                today: context.today)
            context.done("Added action \(action.id.map(String.init) ?? "?") (\(action.qualifiedRef)), due \(action.due?.iso ?? "— no deadline")")
        }
    }

    struct List: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List actions with their RAG status and flags.",
            discussion: "Example:\n  planwatch action list --partnership dundee --rag red --as-of 2023-06-30")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var list: ListOptions
        @OptionGroup var thresholds: ThresholdOptions
        @OptionGroup var filters: FilterOptions
        @Option(parsing: .unconditional, help: "Only this status: \(ActionStatus.choices).") var status: Word<ActionStatus>?
        @Option(parsing: .unconditional, help: "Only this RAG: red, amber, green, complete, withdrawn.") var rag: Word<RAG>?

        /// Typed options are read before the database is opened: a bad one is refused in one line, nothing opened.
        func validate() throws {
            _ = try rag?.value()
            _ = try status?.value()
        }

        func run(context: Context) throws {
            let ragFilter = try rag?.value()
            var filter = filters.filter
            filter.status = try status?.value()
            // CSV and JSON stream row by row; tables collect the rows to size their columns.
            var stream = OutputStream(context: context, format: list.format, layout: .list, shape: .array)
            try context.store.forEachActionRow(filter, asOf: try list.date(today: context.today), thresholds: thresholds.thresholds) { row in
                guard ragFilter == nil || row.rag == ragFilter else { return }
                try stream.add(row)
            }
            stream.finish(table: RowLayout.list.table, empty: "No actions match.")
        }
    }

    struct Show: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show an action: its findings, progress updates, extensions and history.",
            discussion: "ACTION is an id (7) or inspection/ref (dundee-2021/1.2).\nExample:\n  planwatch action show 7")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var list: ListOptions
        @OptionGroup var thresholds: ThresholdOptions
        @Argument(help: "The action: id or inspection/ref.") var action: String

        func run(context: Context) throws {
            let detail = try context.store.actionDetail(action, asOf: try list.date(today: context.today), thresholds: thresholds.thresholds)
            if list.format == .json { return context.print(try JSONOutput.encode(detail)) }
            let a = detail.action, row = detail.row
            var lines = [context.style.bold("Action \(row.id) (\(a.qualifiedRef)): \(a.title)")]
            if let description = a.description { lines.append(description) }
            lines.append("Owner:        \(a.owner), \(a.agency)" + (a.supportingAgencies.isEmpty ? "" : " (with \(a.supportingAgencies.joined(separator: ", ")))"))
            if let start = a.start { lines.append("Start:        \(start)") }
            var due = "Deadline:     \(a.due?.iso ?? "none (not SMART)")"
            if let original = a.originalDue, original != a.due { due += " (originally \(original))" }
            lines.append(due)
            if let measure = a.measure { lines.append("Measure:      \(measure)") }
            var status = "Status:       \(a.status.rawValue), \(a.percent)%"
            if let completed = a.completed { status += ", completed \(completed)" }
            lines.append(status)
            if let evidence = a.evidence { lines.append("Evidence:     \(evidence)") }
            lines.append("RAG:          \(row.rag.rawValue)" + (row.flags.isEmpty ? "" : " (\(row.flags.map(\.rawValue).joined(separator: ", ")))"))
            if let own = a.selfAssessment { lines.append("Self-assessed: \(own.rawValue)") }
            context.print(lines.map(Sanitise.block).joined(separator: "\n") + "\n")
            if !detail.findings.isEmpty {
                context.print("\n" + context.style.bold("Answers") + "\n")
                for f in detail.findings { context.print(Sanitise.line("  #\(f.number) (\(f.kind.label)) \(f.text)") + "\n") }
            }
            context.print("\n" + context.style.bold("Progress updates") + "\n")
            var updates = Table(columns: [.init("date"), .init("actor"), .init("note", wrap: true), .init("status"),
                                          .init("%", alignRight: true), .init("evidence", wrap: true)])
            for u in detail.updates {
                updates.append([u.date.iso, u.author, u.note, u.status?.rawValue ?? "", u.percent.map(String.init) ?? "", u.evidence ?? ""])
            }
            context.emit(updates, format: list.format)
            context.print("\n" + context.style.bold("Deadline extensions") + "\n")
            var extensions = Table(columns: [.init("recorded"), .init("from"), .init("to"), .init("reason", wrap: true), .init("agreedBy")])
            for x in detail.extensions { extensions.append([x.recorded.iso, x.from.iso, x.to.iso, x.reason, x.agreedBy ?? ""]) }
            context.emit(extensions, format: list.format)
            context.print("\n" + context.style.bold("History") + "\n")
            var history = Table(columns: [.init("seq", alignRight: true), .init("at"), .init("actor", wrap: true), .init("command"),
                                          .init("change", wrap: true)])
            for entry in detail.history.map(HistoryEntry.init) {
                history.append([String(entry.seq), String(entry.at.prefix(16)).replacingOccurrences(of: "T", with: " "), entry.actor,
                                 entry.command, entry.summary])
            }
            context.emit(history, format: list.format)
        }
    }
}

struct OwnerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "owner", abstract: "The owners named in the plans.",
        discussion: "Example:\n  planwatch owner list --partnership dundee", subcommands: [List.self])

    struct List: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Each spelling of each owner's name, with its count of actions and open actions; spellings of one owner (any case, a full stop at the end) side by side.",
            discussion: "Example:\n  planwatch owner list --partnership dundee")
        @OptionGroup var global: GlobalOptions
        @Option(parsing: .unconditional, help: "Only this partnership.") var partnership: String?
        @Option(help: "Output: table, csv, json or markdown.") var format: OutputFormat = .table

        func run(context: Context) throws {
            let spellings = try context.store.ownerSpellings(partnership: partnership)
            try context.emit(spellings, format: format, table: {
                var table = Table(columns: [.init("owner", wrap: true), .init("actions", alignRight: true),
                                            .init("open", alignRight: true), .init("spellings", alignRight: true)])
                for spelling in spellings {
                    table.append([spelling.owner, String(spelling.actions), String(spelling.open), String(spelling.spellings)])
                }
                return table
            }, empty: "No actions yet.")
            let repeated = Set(spellings.filter { $0.spellings > 1 }.map(\.key)).count
            if format == .table, repeated > 0 {
                context.print("\n\(repeated) owner\(repeated == 1 ? " is" : "s are") spelt more than one way.\n")
            }
        }
    }
}
