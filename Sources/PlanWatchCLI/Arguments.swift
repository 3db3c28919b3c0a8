import ArgumentParser
import ImprovementPlan

// Typed option values. Each keeps the text as typed, so that a bad value is
// refused with the domain's own one-line message (the field, the value, what
// was expected, a "did you mean"), and exit status 1, from the command's
// `validate()` — before the database is opened — rather than with
// argument-parser's generic "invalid value" and usage text. `run` reads the
// same value again, against the day the command runs.

/// A date as a person types it: 2025-03-31, 31/03/2025, 31 March 2025, March 2025, today, +30d, -2w.
struct DateArgument: ExpressibleByArgument, Sendable {
    let text: String

    init(argument: String) { text = argument }

    var defaultValueDescription: String { text }

    /// The calendar date, read against `today`; a problem names `field`.
    func date(_ field: String, today: CalendarDate = .today()) throws -> CalendarDate {
        try DateInput.parse(field: field, text, today: today)
    }

    /// What a plan writes for a deadline it does not have: the action is accepted, never overdue, flagged not SMART.
    static let noDeadline: Set<String> = ["ongoing", "none", "tbc", "n/a"]

    /// A deadline: nil for 'ongoing' (or none, tbc, n/a), else the date.
    func deadline(_ field: String, today: CalendarDate = .today()) throws -> CalendarDate? {
        DateArgument.noDeadline.contains(text.lowercased()) ? nil : try date(field, today: today)
    }

    /// Two dates, `START..END` (a fieldwork period): each read as a date, the field named `field start` or `field end`.
    func range(_ field: String, today: CalendarDate = .today()) throws -> (CalendarDate, CalendarDate) {
        let parts = text.components(separatedBy: "..")
        guard parts.count == 2 else {
            throw PlanError.invalidValue(field: field, value: text, expected: "START..END, e.g. 2021-07-12..2021-11-05")
        }
        return (try DateInput.parse(field: "\(field) start", parts[0], today: today), try DateInput.parse(field: "\(field) end", parts[1], today: today))
    }
}

/// A type an option's word names: read with its aliases, refused with the field, the value and the choices.
protocol OptionWord: Sendable {
    static func require(_ text: String) throws -> Self
    /// The words shell completion offers.
    static var words: [String] { get }
}

extension OptionWord where Self: Vocabulary {
    static var words: [String] { allCases.map(\.rawValue) }
}

extension ActionStatus: OptionWord {}
extension Confidence: OptionWord {}
extension Escalation: OptionWord {}
extension FindingKind: OptionWord {}
extension MeasureDirection: OptionWord {}
extension ReportingPeriod: OptionWord {}
extension ReviewKind: OptionWord {}
extension Role: OptionWord {}

extension Grade: OptionWord {
    static var words: [String] { (1...6).map(String.init) + Grade.labels }
}

extension RAG: OptionWord {
    static func require(_ text: String) throws -> RAG {
        guard let value = RAG(rawValue: text.lowercased()) else {
            throw PlanError.invalidValue(field: "rag", value: text, expected: "one of red, amber, green, complete, withdrawn")
        }
        return value
    }

    static var words: [String] { allCases.map(\.rawValue) }
}

/// One word of a vocabulary (a status, a kind, a role, a grade, ...): read
/// with the vocabulary's aliases; shell completion offers its words.
struct Word<V: OptionWord>: ExpressibleByArgument, Sendable {
    let text: String

    init(argument: String) { text = argument }

    var defaultValueDescription: String { text }

    static var defaultCompletionKind: CompletionKind { .list(V.words) }

    /// The word, or a message naming the field, the value and the choices.
    func value() throws -> V { try V.require(text) }
}

/// A percent complete: a whole number from 0 to 100 ("40" or "40%").
struct PercentArgument: ExpressibleByArgument, Sendable {
    let text: String

    init(argument: String) { text = argument }

    var defaultValueDescription: String { text }

    func value() throws -> Int { try Validation.percent(text: text) }
}
