import Foundation

/// Everything that can be wrong with what a user asked the domain to record.
///
/// Each message names the field or record and the value, so the user can act
/// on it: "due: '2025-02-30' is not a real date".
public enum PlanError: Error, Equatable, Sendable, LocalizedError, CustomStringConvertible {
    /// A value is not one the field accepts.
    case invalidValue(field: String, value: String, expected: String)
    /// A date field could not be read.
    case invalidDate(field: String, problem: DateInput.Problem)
    /// A required field is missing or empty.
    case missing(field: String)
    /// A referenced record does not exist; `closest` is the nearest key that
    /// does, when one is near enough to be the one meant.
    case notFound(entity: String, key: String, closest: String? = nil)
    /// A record with this natural key exists already.
    case duplicate(entity: String, key: String)
    /// The request breaks one of the product's rules.
    case refused(String)
    /// Several problems found in one pass over a file, one line each.
    case problems([String])
    /// Problems with rows of a council's sheet, each naming its row and, where
    /// one is at fault, the field; the sheet's reader words them with the
    /// sheet's own headings (`ActionSheet.describe`).
    case rowProblems([RowProblem])

    public var description: String {
        switch self {
        case let .invalidValue(field, value, expected):
            return "\(field): '\(value)' is not valid (expected \(expected))"
        case let .invalidDate(field, problem):
            return "\(field): \(problem)"
        case let .missing(field):
            return "\(field): a value is required"
        case let .notFound(entity, key, closest):
            return "no \(entity) '\(key)'" + (closest.map { " (did you mean '\($0)'?)" } ?? "")
        case let .duplicate(entity, key):
            return "\(entity) '\(key)' already exists"
        case let .refused(reason):
            return reason
        case let .problems(lines):
            return lines.joined(separator: "\n")
        case let .rowProblems(problems):
            return problems.map { "row \($0.row): " + ($0.field.map { "field \($0): " } ?? "") + "\($0.error)" }.joined(separator: "\n")
        }
    }

    public var errorDescription: String? { description }
}

extension DateInput {
    /// Parses a date for a named field, turning a problem into a `PlanError`.
    public static func parse(field: String, _ text: String, today: CalendarDate) throws(PlanError) -> CalendarDate {
        do {
            return try parse(text, today: today)
        } catch {
            throw .invalidDate(field: field, problem: error)
        }
    }
}

/// One row's problem in an imported sheet: the row as the spreadsheet numbers
/// it, the field at fault (`ref`, `owner`, …, nil for the row as a whole) and what is wrong.
public struct RowProblem: Error, Equatable, Sendable {
    public var row: Int
    public var field: String?
    public var error: PlanError

    public init(row: Int, field: String? = nil, error: PlanError) {
        self.row = row; self.field = field; self.error = error
    }
}
