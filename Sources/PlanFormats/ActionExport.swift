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

    /// The cells of one action. `area` is the first finding it answers;
    /// `note` its latest progress note.
    public static func cells(_ action: Action, _ row: ActionRow, area: String?, note: String?) -> [String] {
        [String(row.id), row.partnership, action.inspection, action.ref, area ?? "", action.title, action.description ?? "",
         action.owner, action.agency, action.start?.iso ?? "", action.originalDue?.iso ?? "", action.due?.iso ?? "Ongoing",
         action.measure ?? "", label(action.status), String(action.percent), action.completed?.iso ?? "",
         action.evidence ?? "", action.selfAssessment?.rawValue.capitalized ?? "", row.rag.rawValue,
         row.daysOverdue.map(String.init) ?? "", row.flags.map(\.rawValue).joined(separator: " "),
         row.lastUpdate?.iso ?? "", note ?? ""]
    }

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
