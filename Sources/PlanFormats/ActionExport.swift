import ImprovementPlan

/// `export --format csv`: one row per action with its derived fields, under
/// headings the spreadsheet importer reads back. The derived RAG is headed
/// "RAG (derived)" so a re-import does not mistake it for the partnership's
/// own assessment, which has its own column.
public enum ActionExport {
    public static let headings = [
        "Id", "Partnership", "Inspection", "Ref", "Area for improvement", "Action", "Description", "Lead officer",
        "Lead agency", "Start date", "Original deadline", "Timescale", "Measure of success", "Status", "Percent complete",
        "Date completed", "Evidence", "Self-assessed RAG", "RAG (derived)", "Days overdue", "Flags", "Last update",
        "Latest update",
    ]

    /// The cells of one action as text (CSV). `area` is the first finding it
    /// answers; `note` its latest progress note.
    public static func cells(_ action: Action, _ row: ActionRow, area: String?, note: String?) -> [String] {
        values(action, row, area: area, note: note).map(\.text)
    }

    /// The cells of one action as typed values (a workbook's numbers and
    /// dates), in the order of `headings`.
    public static func values(_ action: Action, _ row: ActionRow, area: String?, note: String?) -> [Cell] {
        func date(_ day: CalendarDate?) -> Cell { day.map(Cell.date) ?? .text("") }
        return [.number(Int(row.id)), .text(row.partnership), .text(action.inspection), .text(action.ref), .text(area ?? ""),
                .text(action.title), .text(action.description ?? ""), .text(action.owner), .text(action.agency), date(action.start),
                date(action.originalDue), action.due.map(Cell.date) ?? .text("Ongoing"), .text(action.measure ?? ""),
                .text(label(action.status)), .number(action.percent), date(action.completed), .text(action.evidence ?? ""),
                .text(action.selfAssessment?.rawValue.capitalized ?? ""), .text(row.rag.rawValue),
                row.daysOverdue.map(Cell.number) ?? .text(""), .text(row.flags.map(\.rawValue).joined(separator: " ")),
                date(row.lastUpdate), .text(note ?? "")]
    }

    /// One cell of an export: text, a whole number or a date.
    public enum Cell: Equatable, Sendable {
        case text(String)
        case number(Int)
        case date(CalendarDate)

        /// As CSV writes it: dates as `YYYY-MM-DD`.
        public var text: String {
            switch self {
            case .text(let text): return text
            case .number(let number): return String(number)
            case .date(let date): return date.iso
            }
        }
    }

    /// Each column's width in a workbook, in characters: wide enough for
    /// its heading, wider for the columns of sentences.
    public static let widths: [Double] = [6, 14, 16, 7, 40, 45, 30, 28, 22, 12, 12, 12, 35, 12, 9, 12, 30, 10, 10, 9, 22, 12, 50]

    /// Status as a spreadsheet says it.
    static func label(_ status: ActionStatus) -> String {
        switch status {
        case .notStarted: return "Not started"
        case .inProgress: return "In progress"
        case .complete: return "Complete"
        case .withdrawn: return "Withdrawn"
        }
    }
}
