import ArgumentParser
import ImprovementPlan
import PlanFormats
import PlanStore

/// `planwatch measure add|reading|list|show`: outcome measures, which show
/// whether the plan made a difference.
struct MeasureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "measure", abstract: "Outcome measures: baselines, targets and dated readings that show whether the plan made a difference.",
        discussion: """
            Example:
              planwatch measure add wd-voice-in-meetings --partnership west-dunbartonshire --name "Children whose views were recorded at their meeting" --unit % --direction higher --baseline 48@2022-03-31 --target 75@2025-03-31 --finding west-dunbartonshire-2022#2
              planwatch measure reading wd-voice-in-meetings --date 2023-06-30 --value 55 --source "CP minimum dataset"
            """,
        subcommands: [Add.self, Reading.self, List.self, Show.self])

    struct Add: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Record an outcome measure of a partnership: its unit, which way is better, its baseline and target.",
            discussion: """
                Values are given VALUE@DATE: --baseline 48@2022-03-31. --trajectory gives interim targets between them, \
                in date order; without one the plan is a straight line from baseline to target.
                Findings are named inspection#number (or by id), actions inspection/ref (or by id); both must be the partnership's.
                Example:
                  planwatch measure add dd-mh-wait --partnership dundee --name "Weeks waiting for mental health support" --unit weeks --direction lower --baseline 18@2021-03-31 --target 8@2024-03-31 --trajectory 14@2022-03-31,11@2023-03-31 --action dundee-2021/2.1
                """)
        static let auditName = "measure add"
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The measure's key, e.g. wd-voice-in-meetings.") var key: String
        @Option(parsing: .unconditional, help: "The partnership key.") var partnership: String
        @Option(parsing: .unconditional, help: "What is counted, in words.") var name: String
        @Option(parsing: .unconditional, help: "The unit: %, count, days, rate per 1,000, ...") var unit: String
        @Option(parsing: .unconditional, help: "Which way is better: higher or lower.") var direction: Word<MeasureDirection>
        @Option(parsing: .unconditional, help: ArgumentHelp("Where it started.", valueName: "value@date")) var baseline: String
        @Option(parsing: .unconditional, help: ArgumentHelp("Where it should be, by when.", valueName: "value@date")) var target: String
        @Option(parsing: .unconditionalSingleValue, help: ArgumentHelp("Interim targets, separated by commas.", valueName: "value@date"))
        var trajectory: [String] = []
        @Option(parsing: .unconditional, help: "How often data come: monthly, quarterly (default) or annual.") var period = Word<ReportingPeriod>(argument: "quarterly")
        @Option(parsing: .unconditional, help: "Where the data come from.") var source: String?
        @Option(parsing: .unconditionalSingleValue, help: "Findings it answers: inspection#number or ids, separated by commas.") var finding: [String] = []
        @Option(parsing: .unconditionalSingleValue, help: "Actions expected to move it: inspection/ref or ids, separated by commas.") var action: [String] = []

        /// Typed options are read before the database is opened: a bad one is refused in one line, nothing opened.
        func validate() throws {
            _ = try direction.value()
            _ = try period.value()
        }

        func run(context: Context) throws {
            let today = context.today
            let measure = OutcomeMeasure(
                key: key, partnership: partnership, name: name, unit: unit, direction: try direction.value(),
                baseline: try DatedValue.parse(baseline, field: "baseline", today: today),
                target: try DatedValue.parse(target, field: "target", today: today),
                trajectory: try splitList(trajectory).map { try DatedValue.parse($0, field: "trajectory", today: today) },
                period: try period.value(), source: source, findings: splitList(finding), actions: splitList(action))
            let stored = try context.store.addMeasure(measure)
            context.done("Added measure \(stored.key) for \(stored.partnership): \(OutcomeMeasure.format(stored.baseline.value)) on \(stored.baseline.date)"
                         + " to \(OutcomeMeasure.format(stored.target.value)) by \(stored.target.date), \(stored.direction.rawValue) is better")
        }
    }

    struct Reading: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "reading",
            abstract: "Record a measure's value on a date; with --supersede, correct the reading already held for that date.",
            discussion: """
                Readings are never changed or removed: a correction is a new reading that supersedes the one of its date, and both stay in the history.
                Example:
                  planwatch measure reading wd-voice-in-meetings --date 2023-06-30 --value 55 --source "CP minimum dataset Q1"
                  planwatch measure reading wd-voice-in-meetings --date 2023-06-30 --value 57 --supersede --note "Late returns added"
                """)
        static let auditName = "measure reading"
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The measure's key.") var measure: String
        @Option(parsing: .unconditional, help: ArgumentHelp("The day the value is for.", valueName: "date")) var date: DateArgument
        @Option(parsing: .unconditional, help: ArgumentHelp("The value: 42.5, 42.5% or 1,204.", valueName: "number")) var value: String
        @Option(parsing: .unconditional, help: "Where the value comes from.") var source: String?
        @Option(parsing: .unconditional, help: "A note on the value.") var note: String?
        @Flag(help: "Correct the reading already held for this date.") var supersede = false

        /// Typed options are read before the database is opened: a bad one is refused in one line, nothing opened.
        func validate() throws {
            _ = try reading(today: .today())
        }

        func reading(today: CalendarDate) throws -> MeasureReading {
            MeasureReading(measure: measure, date: try date.date("date", today: today),
                           value: try Validation.measureValue(value), source: source, note: note, supersedes: supersede)
        }

        func run(context: Context) throws {
            let reading = try reading(today: context.today)
            let stored = try context.store.addReading(reading, today: context.today)
            context.done((supersede ? "Corrected" : "Recorded") + " \(stored.measure) on \(stored.date): \(OutcomeMeasure.format(stored.value))")
        }
    }

    struct List: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the outcome measures, by partnership: unit, direction, baseline, target, findings and actions.",
            discussion: "Example:\n  planwatch measure list --partnership dundee --format csv")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var list: ListOptions
        @Option(parsing: .unconditional, help: "Only this partnership.") var partnership: String?

        func run(context: Context) throws {
            let measures = try context.store.measures(partnership: partnership).map(\.measure)
            try context.emit(measures, format: list.format, table: { OutcomeWords.list(measures) }, empty: "No outcome measures.")
        }
    }

    struct Show: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "One measure as of a day: every outcome rule, and every reading with its source and corrections.",
            discussion: "Example:\n  planwatch measure show wd-voice-in-meetings --as-of 2024-06-30")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var list: ListOptions
        @Argument(help: "The measure's key.") var measure: String

        struct Shown: Encodable {
            var measure: OutcomeMeasure
            var outcome: OutcomeRow
            var readings: [MeasureReading]
        }

        func run(context: Context) throws {
            let asOf = try list.date(today: context.today)
            let record = try context.store.measure(measure, asOf: asOf)
            guard let row = try context.store.outcomeRows(partnership: record.measure.partnership, asOf: asOf)
                .first(where: { $0.measure == record.measure.key }) else {
                throw PlanError.notFound(entity: "measure", key: measure)
            }
            // By date, a correction after the reading it supersedes.
            let readings = record.readings.enumerated().filter { $0.element.date <= asOf }
                .sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }.map(\.element)
            switch list.format {
            case .json:
                context.print(try JSONOutput.encode(Shown(measure: record.measure, outcome: row, readings: readings)))
            case .csv:
                context.print(OutcomeWords.readings(readings, unit: record.measure.unit).renderCSV())
            case .table, .markdown, .html:
                let m = record.measure
                context.heading("\(m.name) (\(m.key), \(m.partnership)) as of \(asOf)", format: list.format)
                context.print(OutcomeWords.sentence(row) + "\n\n")
                context.emit(OutcomeWords.table([row], plain: !context.style.color, partnership: false), format: list.format)
                context.print("\n")
                context.heading("Readings (\(readings.count))", format: list.format)
                context.emit(OutcomeWords.readings(readings, unit: m.unit), format: list.format, empty: "No readings yet.")
            }
        }
    }
}
