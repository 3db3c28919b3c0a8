import GRDB
import ImprovementPlan

/// The `action` table, column by column: the one list its insert, its
/// update and its reader are built from (`Schema/0001_initial.sql` and later
/// migrations define it; `RecordColumnsTests` checks this list against the
/// table and every `Action` field against this list).
///
/// A column added here is not written until `value(of:inspectionID:)` gives
/// its value, which the compiler insists on (the switch has no default). A
/// field added to `Action` and forgotten here fails the round-trip test,
/// which fills every field and reads it back through each path.
enum ActionColumn: String, CaseIterable {
    case inspectionID = "inspection_id", ref, title, description, owner, leadAgency = "lead_agency"
    case supportingAgencies = "supporting_agencies", start = "start_on", originalDue = "original_due", due = "current_due"
    case measure, status, percent, completed = "completed_on", evidence, selfAssessment = "self_rag", created = "created_on"

    /// The action's value for this column; the inspection's row id is the caller's.
    func value(of a: Action, inspectionID: Int64) -> DatabaseValue {
        switch self {
        case .inspectionID: return inspectionID.databaseValue
        case .ref: return a.ref.databaseValue
        case .title: return a.title.databaseValue
        case .description: return a.description.databaseValue
        case .owner: return a.owner.databaseValue
        case .leadAgency: return a.agency.databaseValue
        case .supportingAgencies: return JSONColumn.encode(a.supportingAgencies).databaseValue
        case .start: return a.start.databaseValue
        case .originalDue: return a.originalDue.databaseValue
        case .due: return a.due.databaseValue
        case .measure: return a.measure.databaseValue
        case .status: return a.status.databaseValue
        case .percent: return a.percent.databaseValue
        case .completed: return a.completed.databaseValue
        case .evidence: return a.evidence.databaseValue
        case .selfAssessment: return a.selfAssessment.databaseValue
        case .created: return a.created.databaseValue
        }
    }

    /// What identifies an action: its inspection and reference, never changed
    /// by a later write (an edit of the reference is a new action).
    var isIdentity: Bool { self == .inspectionID || self == .ref }

    static let insertSQL = "INSERT INTO action (" + allCases.map(\.rawValue).joined(separator: ", ") + ") VALUES ("
        + Array(repeating: "?", count: allCases.count).joined(separator: ", ") + ")"

    /// Writes a new action row: every column, in the list's order.
    static func insert(_ db: Database, _ a: Action, inspectionID: Int64) throws {
        try db.insert(sql: insertSQL) { row in
            for column in allCases { row.bind(column.value(of: a, inspectionID: inspectionID)) }
        }
    }

    /// Writes the columns in which `after` differs from `before` (none: no
    /// write), so an index is touched only when its column changes and a
    /// restore from the audit trail puts back every field it recorded.
    static func update(_ db: Database, id: Int64, before: Action, after: Action) throws {
        let changed = allCases.filter { !$0.isIdentity && $0.value(of: before, inspectionID: 0) != $0.value(of: after, inspectionID: 0) }
        guard !changed.isEmpty else { return }
        let sql = "UPDATE action SET " + changed.map { "\($0.rawValue) = ?" }.joined(separator: ", ") + " WHERE id = ?"
        try db.insert(sql: sql) { row in
            for column in changed { row.bind(column.value(of: after, inspectionID: 0)) }
            row.bind(id)
        }
    }
}

extension Row {
    subscript<T: DatabaseValueConvertible>(_ column: ActionColumn) -> T? { self[column.rawValue] }

    func required<T: DatabaseValueConvertible>(_ column: ActionColumn, _ type: T.Type = T.self) throws -> T {
        try required(column.rawValue, type)
    }
}

/// The `progress_update` table, column by column: its insert and its reader
/// by name are built from this list, as the action's are from `ActionColumn`.
enum UpdateColumn: String, CaseIterable {
    case actionID = "action_id", date = "on_date", author, note, status = "new_status", percent = "new_percent", evidence
    case recordedAt = "recorded_at"

    /// The update's value for this column; the action's row id and the time it was recorded are the caller's.
    func value(of u: ProgressUpdate, actionID: Int64, recordedAt: String) -> DatabaseValue {
        switch self {
        case .actionID: return actionID.databaseValue
        case .date: return u.date.databaseValue
        case .author: return u.author.databaseValue
        case .note: return u.note.databaseValue
        case .status: return u.status.databaseValue
        case .percent: return u.percent.databaseValue
        case .evidence: return u.evidence.databaseValue
        case .recordedAt: return recordedAt.databaseValue
        }
    }

    static let insertSQL = "INSERT INTO progress_update (" + allCases.map(\.rawValue).joined(separator: ", ") + ") VALUES ("
        + Array(repeating: "?", count: allCases.count).joined(separator: ", ") + ")"

    /// Appends one update row: every column, in the list's order.
    static func insert(_ db: Database, _ u: ProgressUpdate, actionID: Int64, recordedAt: String) throws {
        try db.insert(sql: insertSQL) { row in
            for column in allCases { row.bind(column.value(of: u, actionID: actionID, recordedAt: recordedAt)) }
        }
    }
}

extension Row {
    subscript<T: DatabaseValueConvertible>(_ column: UpdateColumn) -> T? { self[column.rawValue] }

    func required<T: DatabaseValueConvertible>(_ column: UpdateColumn, _ type: T.Type = T.self) throws -> T {
        try required(column.rawValue, type)
    }
}
