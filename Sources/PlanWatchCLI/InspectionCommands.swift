import ArgumentParser
import ImprovementPlan
import PlanFormats
import PlanStore

/// `planwatch inspection add|grade|list|show`.
struct InspectionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspection", abstract: "Joint inspections and their grades.",
        discussion: "Example:\n  planwatch inspection grade dundee-2021 --qi 2.1 --grade good",
        subcommands: [Add.self, Grade.self, Change.self, List.self, Show.self])

    struct Change: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "change",
            abstract: "Record a change of the inspection's escalation or statement of confidence after the inspection, dated, with a reason.",
            discussion: """
                Changes are kept in date order; --as-of shows the values as they stood.
                Example:
                  planwatch inspection change dundee-2021 --escalation formal-monitoring --date 2023-11-10 --reason "Two reviews without progress on mental health"
                """)
        static let auditName = "inspection change"
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The inspection key.") var inspection: String
        @Option(parsing: .unconditional, help: "New escalation: \(Escalation.choices).") var escalation: Word<Escalation>?
        @Option(parsing: .unconditional, help: "New statement of confidence: \(Confidence.choices).") var confidence: Word<Confidence>?
        @Option(parsing: .unconditional, help: "Why it changes.") var reason: String
        @Option(parsing: .unconditional, help: ArgumentHelp("Date of the change (default: today).", valueName: "date")) var date: DateArgument?

        func validate() throws {
            _ = try date?.date("date")
            _ = try escalation?.value()
            _ = try confidence?.value()
            if escalation == nil, confidence == nil { throw ValidationError("give --escalation, --confidence or both") }
        }

        func run(context: Context) throws {
            let day = try date?.date("date", today: context.today) ?? context.today
            let change = try context.store.changeInspection(
                inspection, on: day, escalation: try escalation?.value(),
                confidence: try confidence?.value(), reason: reason, today: context.today)
            context.done("Changed \(inspection) on \(day): \(change.summary)")
        }
    }

    struct Add: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Record an inspection; its action plan is opened as a draft, due 42 days after publication.",
            discussion: """
                Example:
                  planwatch inspection add dundee-2021 --partnership dundee --title "Services for children at risk of harm" --fieldwork 2021-07-12..2021-11-05 --published 2022-02-01 --confidence confident
                """)
        static let auditName = "inspection add"
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Short key, e.g. dundee-2021.") var key: String
        @Option(parsing: .unconditional, help: "The partnership key.") var partnership: String
        @Option(parsing: .unconditional, help: "Programme or report title.") var title: String
        @Option(name: .customLong("lead"), parsing: .unconditional, help: "Lead inspectorate.") var lead: String = "Care Inspectorate"
        @Option(name: .customLong("scrutiny-partner"), parsing: .unconditionalSingleValue, help: "A scrutiny partner (repeat or separate with commas).")
        var scrutinyPartners: [String] = []
        @Option(parsing: .unconditional, help: ArgumentHelp("Fieldwork dates, START..END.", valueName: "dates")) var fieldwork: DateArgument?
        @Option(parsing: .unconditional, help: ArgumentHelp("Publication date.", valueName: "date")) var published: DateArgument?
        @Option(name: .customLong("plan-due"), parsing: .unconditional, help: ArgumentHelp("When the joint action plan is due (default: publication + 42 days).", valueName: "date"))
        var planDue: DateArgument?
        @Option(parsing: .unconditional, help: "Statement of confidence: \(Confidence.choices).") var confidence: Word<Confidence>?
        @Option(parsing: .unconditional, help: "Escalation: \(Escalation.choices).") var escalation = Word<Escalation>(argument: "none")
        @Option(parsing: .unconditional, help: "A summary of the report.") var summary: String?
        @Option(parsing: .unconditional, help: "Report URL or citation.") var source: String?

        /// Typed options are read before the database is opened: a bad one is refused in one line, nothing opened.
        func validate() throws {
            _ = try fieldwork?.range("fieldwork")
            _ = try published?.date("published")
            _ = try planDue?.date("plan-due")
            _ = try confidence?.value()
            _ = try escalation.value()
        }

        func run(context: Context) throws {
            let period = try fieldwork?.range("fieldwork", today: context.today)
            let (start, end) = (period?.0, period?.1)
            let inspection = Inspection(
                key: key, partnership: partnership, title: title, leadInspectorate: lead,
                scrutinyPartners: splitList(scrutinyPartners), fieldworkStart: start, fieldworkEnd: end,
                published: try published?.date("published", today: context.today),
                planDue: try planDue?.date("plan-due", today: context.today),
                confidence: try confidence?.value(),
                escalation: try escalation.value(), summary: summary, source: source)
            try context.store.recordInspection(inspection)
            context.done("Added inspection \(key) for \(partnership)" + (inspection.planDue.map { "; action plan due \($0)" } ?? ""))
        }
    }

    struct Grade: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "grade",
            abstract: "Record the grade given to a quality indicator (grading again replaces it, audited).",
            discussion: "Example:\n  planwatch inspection grade dundee-2021 --qi 2.1 --grade good")
        static let auditName = "inspection grade"
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The inspection key.") var key: String
        @Option(parsing: .unconditional, help: "The quality indicator's code or name.") var qi: String
        @Option(parsing: .unconditional, help: "1–6 or unsatisfactory, weak, adequate, good, very good, excellent.") var grade: Word<ImprovementPlan.Grade>

        /// Typed options are read before the database is opened: a bad one is refused in one line, nothing opened.
        func validate() throws {
            _ = try grade.value()
        }

        func run(context: Context) throws {
            let value = try grade.value()
            try context.store.grade(inspection: key, qi: qi, grade: value)
            context.done("Graded \(key) QI \(qi): \(value)")
        }
    }

    struct List: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List inspections.", discussion: "Example:\n  planwatch inspection list --partnership dundee")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var list: ListOptions
        @Option(parsing: .unconditional, help: "Only this partnership.") var partnership: String?

        func run(context: Context) throws {
            let inspections = try context.store.inspections(partnership: partnership)
            try context.emit(inspections, format: list.format, table: {
                var table = Table(columns: [.init("key"), .init("partnership"), .init("title", wrap: true), .init("published"),
                                            .init("planDue"), .init("confidence"), .init("escalation")])
                for i in inspections {
                    table.append([i.key, i.partnership, i.title, i.published?.iso ?? "", i.planDue?.iso ?? "",
                                  i.confidence?.rawValue ?? "", i.escalation.rawValue])
                }
                return table
            })
        }
    }

    struct Show: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show an inspection: dates, grades, findings and its plan.",
            discussion: "Example:\n  planwatch inspection show dundee-2021")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var list: ListOptions
        @Argument(help: "The inspection key.") var key: String

        func run(context: Context) throws {
            let detail = try context.store.inspectionDetail(key)
            if list.format == .json { return context.print(try JSONOutput.encode(detail)) }
            let i = detail.inspection
            var lines = [context.style.bold("\(i.key): \(i.title)"), "Partnership:  \(i.partnership)",
                         "Led by:       \(i.leadInspectorate)" + (i.scrutinyPartners.isEmpty ? "" : " with \(i.scrutinyPartners.joined(separator: ", "))")]
            if i.fieldworkStart != nil || i.fieldworkEnd != nil {
                lines.append("Fieldwork:    \(i.fieldworkStart?.iso ?? "?") to \(i.fieldworkEnd?.iso ?? "?")")
            }
            lines.append("Published:    \(i.published?.iso ?? "not recorded")")
            lines.append("Confidence:   \(i.confidence?.rawValue ?? "not recorded")")
            lines.append("Escalation:   \(i.escalation.rawValue)")
            if let plan = detail.plan {
                var text = "Action plan:  \(plan.status.rawValue)"
                if let due = i.planDue { text += ", due \(due)" }
                if let submitted = plan.submitted { text += ", submitted \(submitted)" }
                if let agreed = plan.agreed { text += ", agreed \(agreed)" + (plan.agreedBy.map { " by \($0)" } ?? "") }
                if Rules.isPlanLate(due: i.planDue, submitted: plan.submitted, asOf: try list.date(today: context.today)) {
                    text += " (late)"
                }
                lines.append(text + "; \(detail.actions) action\(detail.actions == 1 ? "" : "s")")
            }
            if let summary = i.summary { lines.append("Summary:      \(summary)") }
            if let source = i.source { lines.append("Source:       \(source)") }
            context.print(lines.map(Sanitise.line).joined(separator: "\n") + "\n\n" + context.style.bold("Grades") + "\n")
            var grades = Table(columns: [.init("qi"), .init("grade"), .init("label")])
            for e in detail.evaluations { grades.append([e.qi, String(e.grade.value), e.grade.label]) }
            context.emit(grades, format: list.format)
            context.print("\n" + context.style.bold("Findings") + "\n")
            context.emit(FindingCommand.table(detail.findings), format: list.format)
        }
    }
}

/// `planwatch finding add|list`.
struct FindingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finding", abstract: "Key strengths and areas for improvement of an inspection.",
        discussion: "Example:\n  planwatch finding list --inspection dundee-2021",
        subcommands: [Add.self, List.self])

    static func table(_ findings: [Finding]) -> Table {
        var table = Table(columns: [.init("id", alignRight: true), .init("inspection"), .init("#", alignRight: true),
                                    .init("kind"), .init("qi"), .init("text", wrap: true), .init("themes")])
        for f in findings {
            table.append([f.id.map(String.init) ?? "", f.inspection, String(f.number), f.kind.rawValue, f.qi ?? "", f.text,
                          f.themes.joined(separator: ", ")])
        }
        return table
    }

    struct Add: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a finding to an inspection; prints its id for 'action add --finding'.",
            discussion: """
                Kinds: strength, improvement, priority (a priority area for improvement).
                Example:
                  planwatch finding add dundee-2021 --kind improvement --qi 2.1 --theme "mental health" --text "Support for young people's mental health was limited"
                """)
        static let auditName = "finding add"
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The inspection key.") var inspection: String
        @Option(parsing: .unconditional, help: "strength, improvement or priority.") var kind: Word<FindingKind>
        @Option(parsing: .unconditional, help: "The finding, in your words.") var text: String
        @Option(parsing: .unconditional, help: "The quality indicator it relates to.") var qi: String?
        @Option(name: .customLong("theme"), parsing: .unconditionalSingleValue, help: "A theme tag (repeat or separate with commas).") var themes: [String] = []

        /// Typed options are read before the database is opened: a bad one is refused in one line, nothing opened.
        func validate() throws {
            _ = try kind.value()
        }

        func run(context: Context) throws {
            let finding = try context.store.addFinding(inspection: inspection, kind: try kind.value(), text: text,
                                                       qi: qi, themes: splitList(themes))
            context.done("Added finding \(finding.id.map(String.init) ?? "?") (\(inspection) #\(finding.number), \(finding.kind.label))")
        }
    }

    struct List: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List findings.", discussion: "Example:\n  planwatch finding list --inspection dundee-2021")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var list: ListOptions
        @Option(parsing: .unconditional, help: "Only this inspection.") var inspection: String?

        func run(context: Context) throws {
            let findings = try context.store.findings(inspection: inspection)
            try context.emit(findings, format: list.format, table: { FindingCommand.table(findings) })
        }
    }
}

/// `planwatch plan submit|agree`.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "The joint action plan owed after an inspection.",
        discussion: "Example:\n  planwatch plan submit dundee-2021 --date 2022-03-10",
        subcommands: [Submit.self, Agree.self, Close.self])

    struct Submit: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "submit",
            abstract: "Record that the plan was sent to the Care Inspectorate.",
            discussion: "Example:\n  planwatch plan submit dundee-2021 --date 2022-03-10")
        static let auditName = "plan submit"
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The inspection key.") var inspection: String
        @Option(parsing: .unconditional, help: ArgumentHelp("Date submitted (default: today).", valueName: "date")) var date: DateArgument?

        /// Typed options are read before the database is opened: a bad one is refused in one line, nothing opened.
        func validate() throws {
            _ = try date?.date("date")
        }

        func run(context: Context) throws {
            let day = try date?.date("date", today: context.today) ?? context.today
            try context.store.submitPlan(inspection: inspection, on: day)
            context.done("Plan for \(inspection) submitted on \(day)")
        }
    }

    struct Agree: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "agree",
            abstract: "Record that the Care Inspectorate agreed the submitted plan.",
            discussion: "Example:\n  planwatch plan agree dundee-2021 --date 2022-04-01 --by \"Link inspector\"")
        static let auditName = "plan agree"
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The inspection key.") var inspection: String
        @Option(parsing: .unconditional, help: ArgumentHelp("Date agreed (default: today).", valueName: "date")) var date: DateArgument?
        @Option(parsing: .unconditional, help: "Who agreed it.") var by: String

        /// Typed options are read before the database is opened: a bad one is refused in one line, nothing opened.
        func validate() throws {
            _ = try date?.date("date")
        }

        func run(context: Context) throws {
            let day = try date?.date("date", today: context.today) ?? context.today
            try context.store.agreePlan(inspection: inspection, on: day, by: by)
            context.done("Plan for \(inspection) agreed on \(day) by \(by)")
        }
    }

    struct Close: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "close",
            abstract: "Record that follow-up of the plan has ended (a submitted or agreed plan).",
            discussion: "Example:\n  planwatch plan close dundee-2021 --date 2024-06-30")
        static let auditName = "plan close"
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The inspection key.") var inspection: String
        @Option(parsing: .unconditional, help: ArgumentHelp("Date closed (default: today).", valueName: "date")) var date: DateArgument?

        /// Typed options are read before the database is opened: a bad one is refused in one line, nothing opened.
        func validate() throws {
            _ = try date?.date("date")
        }

        func run(context: Context) throws {
            let day = try date?.date("date", today: context.today) ?? context.today
            try context.store.closePlan(inspection: inspection, on: day, today: context.today)
            context.done("Plan for \(inspection) closed on \(day)")
        }
    }
}
