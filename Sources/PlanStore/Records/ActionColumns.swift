import GRDB
import ImprovementPlan

/// The `action` table, column by column: the one list its insert, its
/// update and its reader are built from (`Schema/sqlite/0001_initial.sql` and later
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
    /// keeps them in step with the records they come from, in the same
    /// transaction (the latest update's date by a trigger,
    /// `Schema/sqlite/0011_derived_last_update.sql`; the partnership by the
    /// insert, from the inspection, `0012_derived_partnership.sql`). No
    /// `Action` field holds them, no audit entry holds them, and `verify`
    /// recomputes each.
    static let derived = ["last_update_on", "partnership_id"]

    /// What identifies an action: its inspection and reference, never changed
    /// by a later write (the trail names the action's updates, extensions and
    /// reviews by them).
    var isIdentity: Bool { self == .inspectionID || self == .ref }

    /// Every column in the list's order, then the derived partnership, taken
    /// from the inspection (whose id is bound again, last).
    static let insertSQL = "INSERT INTO action (" + allCases.map(\.rawValue).joined(separator: ", ") + ", partnership_id) VALUES ("
        + Array(repeating: "?", count: allCases.count).joined(separator: ", ")
        + ", (SELECT i.partnership_id FROM inspection i WHERE i.id = ?))"

    /// Writes a new action row: every column, in the list's order, and its partnership.
    static func insert(_ db: any SQLConnection, _ a: Action, inspectionID: Int64) throws {
        try db.insert(sql: insertSQL) { row in
            for column in allCases { column.bind(a, inspectionID: inspectionID, into: &row) }
            row.bind(inspectionID)
        }
    }

    /// Writes the columns in which `after` differs from `before` (none: no
    /// write), so an index is touched only when its column changes and a
    /// restore from the audit trail puts back every field it recorded.
    static func update(_ db: any SQLConnection, id: Int64, before: Action, after: Action) throws {
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

extension SQLRow {
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
    static func insert(_ db: any SQLConnection, _ u: ProgressUpdate, actionID: Int64, recordedAt: String) throws {
        try db.insert(sql: insertSQL) { row in
            for column in allCases { column.bind(u, actionID: actionID, recordedAt: recordedAt, into: &row) }
        }
    }
}

extension UpdateColumn {
    private static let ordered = allCases
    /// Where `Select.update` selects this column: after the row id, in `allCases` order.
    var position: Int32 { Int32(UpdateColumn.ordered.firstIndex(of: self) ?? 0) + 1 }
    /// Where `Select.update` selects the action's `inspection/ref`: last.
    static let referencePosition = Int32(ordered.count) + 1
    static let selectList = "u.id, " + ordered.map { "u." + $0.rawValue }.joined(separator: ", ") + ", i.key || '/' || a.ref AS action_ref"
}

/// The `deadline_extension` table's columns, in the order `Select.extensionRow` selects them (after the row id).
enum ExtensionColumn: String, CaseIterable {
    case actionID = "action_id", from = "from_due", to = "to_due", reason, agreedBy = "agreed_by", recorded = "recorded_on"

    private static let ordered = allCases
    var position: Int32 { Int32(ExtensionColumn.ordered.firstIndex(of: self) ?? 0) + 1 }
    static let referencePosition = Int32(ordered.count) + 1
    static let selectList = "x.id, " + ordered.map { "x." + $0.rawValue }.joined(separator: ", ") + ", i.key || '/' || a.ref AS action_ref"
}

extension ProgressUpdate {
    /// The update at the current row of a `Select.update` statement, read by position.
    init(_ row: PositionalRows) throws {
        func text(_ column: UpdateColumn) throws -> String { try row.required(row.text(column.position), column.rawValue) }
        self.init(action: try row.required(row.text(UpdateColumn.referencePosition), "action_ref"),
                  date: try row.required(row.date(UpdateColumn.date.position), UpdateColumn.date.rawValue),
                  author: try text(.author), note: try text(.note),
                  status: try row.word(UpdateColumn.status.position, field: UpdateColumn.status.rawValue),
                  percent: row.integer(UpdateColumn.percent.position).map { Int($0) }, evidence: row.text(UpdateColumn.evidence.position))
    }
}

extension DeadlineExtension {
    /// The extension at the current row of a `Select.extensionRow` statement, read by position.
    init(_ row: PositionalRows) throws {
        func date(_ column: ExtensionColumn) throws -> CalendarDate { try row.required(row.date(column.position), column.rawValue) }
        self.init(action: try row.required(row.text(ExtensionColumn.referencePosition), "action_ref"), from: try date(.from), to: try date(.to),
                  reason: try row.required(row.text(ExtensionColumn.reason.position), ExtensionColumn.reason.rawValue),
                  agreedBy: row.text(ExtensionColumn.agreedBy.position), recorded: try date(.recorded))
    }
}

extension SQLRow {
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
