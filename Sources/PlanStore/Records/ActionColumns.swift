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
    case measure, status, percent, completed = "completed_on", evidence, selfAssessment = "self_rag", selfAssessed = "self_rag_on"
    case created = "created_on"

    /// Binds the action's value for this column; the inspection's row id is the caller's.
    func bind<Sink: ColumnSink>(_ a: Action, inspectionID: Int64, into sink: inout Sink) {
        switch self {
        case .inspectionID: sink.bind(inspectionID)
        case .ref: sink.bind(a.ref)
        case .title: sink.bind(a.title)
        case .description: sink.bind(a.description)
        case .owner: sink.bind(a.owner)
        case .leadAgency: sink.bind(a.agency)
        case .supportingAgencies: sink.bind(JSONColumn.encode(a.supportingAgencies))
        case .start: sink.bind(a.start)
        case .originalDue: sink.bind(a.originalDue)
        case .due: sink.bind(a.due)
        case .measure: sink.bind(a.measure)
        case .status: sink.bind(a.status)
        case .percent: sink.bind(a.percent)
        case .completed: sink.bind(a.completed)
        case .evidence: sink.bind(a.evidence)
        case .selfAssessment: sink.bind(a.selfAssessment)
        case .selfAssessed: sink.bind(a.selfAssessed)
        case .created: sink.bind(a.created)
        }
    }

    /// Every column's value for an action, in the list's order, to compare two states of it.
    static func values(of a: Action) -> [DatabaseValue] {
        var values = ColumnValues()
        for column in allCases { column.bind(a, inspectionID: 0, into: &values) }
        return values.values
    }

    /// Columns of the table that are derived state, not plan data: the store
    /// (a trigger, `Schema/0011_derived_last_update.sql`) keeps them in step
    /// with the records they come from, in the same transaction; no write path
    /// binds them, no audit entry holds them, and `verify` recomputes each.
    static let derived = ["last_update_on"]

    /// What identifies an action: its inspection and reference, never changed
    /// by a later write (the trail names the action's updates, extensions and
    /// reviews by them).
    var isIdentity: Bool { self == .inspectionID || self == .ref }

    static let insertSQL = "INSERT INTO action (" + allCases.map(\.rawValue).joined(separator: ", ") + ") VALUES ("
        + Array(repeating: "?", count: allCases.count).joined(separator: ", ") + ")"

    /// Writes a new action row: every column, in the list's order.
    static func insert(_ db: Database, _ a: Action, inspectionID: Int64) throws {
        try db.insert(sql: insertSQL) { row in
            for column in allCases { column.bind(a, inspectionID: inspectionID, into: &row) }
        }
    }

    /// Writes the columns in which `after` differs from `before` (none: no
    /// write), so an index is touched only when its column changes and a
    /// restore from the audit trail puts back every field it recorded.
    static func update(_ db: Database, id: Int64, before: Action, after: Action) throws {
        let (old, new) = (values(of: before), values(of: after))
        let changed = allCases.indices.filter { old[$0] != new[$0] }.map { allCases[$0] }
        // The trail names an action's updates, extensions and reviews by its inspection and reference.
        if changed.contains(where: \.isIdentity) || before.inspection != after.inspection {
            throw PlanError.refused("action \(id) (\(before.qualifiedRef)): its inspection and reference cannot change")
        }
        guard !changed.isEmpty else { return }
        let sql = "UPDATE action SET " + changed.map { "\($0.rawValue) = ?" }.joined(separator: ", ") + " WHERE id = ?"
        try db.insert(sql: sql) { row in
            for column in changed { column.bind(after, inspectionID: 0, into: &row) }
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

    /// Binds the update's value for this column; the action's row id and the time it was recorded are the caller's.
    func bind<Sink: ColumnSink>(_ u: ProgressUpdate, actionID: Int64, recordedAt: String, into sink: inout Sink) {
        switch self {
        case .actionID: sink.bind(actionID)
        case .date: sink.bind(u.date)
        case .author: sink.bind(u.author)
        case .note: sink.bind(u.note)
        case .status: sink.bind(u.status)
        case .percent: sink.bind(u.percent)
        case .evidence: sink.bind(u.evidence)
        case .recordedAt: sink.bind(recordedAt)
        }
    }

    static let insertSQL = "INSERT INTO progress_update (" + allCases.map(\.rawValue).joined(separator: ", ") + ") VALUES ("
        + Array(repeating: "?", count: allCases.count).joined(separator: ", ") + ")"

    /// Appends one update row: every column, in the list's order.
    static func insert(_ db: Database, _ u: ProgressUpdate, actionID: Int64, recordedAt: String) throws {
        try db.insert(sql: insertSQL) { row in
            for column in allCases { column.bind(u, actionID: actionID, recordedAt: recordedAt, into: &row) }
        }
    }
}

extension Row {
    subscript<T: DatabaseValueConvertible>(_ column: UpdateColumn) -> T? { self[column.rawValue] }

    func required<T: DatabaseValueConvertible>(_ column: UpdateColumn, _ type: T.Type = T.self) throws -> T {
        try required(column.rawValue, type)
    }
}

/// Where a column list binds its values: straight into a statement
/// (`Bindings`, the hot path) or into values to compare (`ColumnValues`).
protocol ColumnSink {
    mutating func bind(_ value: String?)
    mutating func bind(_ value: Int64?)
    mutating func bind(_ value: Int?)
    mutating func bind(_ value: CalendarDate?)
    mutating func bind<V: Vocabulary>(_ value: V?)
}

extension Bindings: ColumnSink {}

/// Bound values kept as GRDB values, in order.
struct ColumnValues: ColumnSink {
    var values: [DatabaseValue] = []
    mutating func bind(_ value: String?) { values.append(value.databaseValue) }
    mutating func bind(_ value: Int64?) { values.append(value.databaseValue) }
    mutating func bind(_ value: Int?) { values.append(value.databaseValue) }
    mutating func bind(_ value: CalendarDate?) { values.append(value?.iso.databaseValue ?? .null) }
    mutating func bind<V: Vocabulary>(_ value: V?) { values.append(value?.rawValue.databaseValue ?? .null) }
}
