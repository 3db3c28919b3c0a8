import GRDB
import GRDBSQLite
import ImprovementPlan

/// Reads report rows straight from SQLite's column accessors, by position.
///
/// Reports stream up to a million rows; going through GRDB's `Row` (a
/// column-name lookup and a generic decode for every field) cost more than
/// the query. This reader knows the column order of `Column`
/// and builds each `ActionRow` with one C call per field, and no `Action` on the way.
enum ActionRowReader {
    /// The columns the reader reads, by position: the SELECT lists below are
    /// built from this one list, so a position can never drift from its column.
    enum Column: Int32, CaseIterable {
        case id, ref, title, owner, agency, start, originalDue, due, status, percent, completed, selfAssessment, created
        case inspection, partnership, lastUpdate
        /// Only in the past: whether anything about the status is dated after the day, and the day the action counts from.
        case changed, since

        /// The expression selected at this position, today or as the plan stood at the end of `?1`.
        func expression(past: Bool) -> String? {
            switch self {
            case .id: return "a.id"
            case .ref: return "a." + ActionColumn.ref.rawValue
            case .title: return "a." + ActionColumn.title.rawValue
            case .owner: return "a." + ActionColumn.owner.rawValue
            case .agency: return "a." + ActionColumn.leadAgency.rawValue
            case .start: return "a." + ActionColumn.start.rawValue
            case .originalDue: return "a." + ActionColumn.originalDue.rawValue
            case .due:
                // In the past: the deadline before the first extension recorded later.
                return past ? """
                    coalesce((SELECT x.from_due FROM deadline_extension x WHERE x.action_id = a.id AND x.recorded_on > ?1
                              ORDER BY x.recorded_on, x.id LIMIT 1), a.current_due)
                    """ : "a." + ActionColumn.due.rawValue
            case .status: return "a." + ActionColumn.status.rawValue
            case .percent: return "a." + ActionColumn.percent.rawValue
            case .completed: return "a." + ActionColumn.completed.rawValue
            case .selfAssessment: return "a." + ActionColumn.selfAssessment.rawValue
            case .created: return "a." + ActionColumn.created.rawValue
            case .inspection: return "i.key"
            case .partnership: return "p.key"
            case .lastUpdate:
                // Today the action row's own derived column (kept by a trigger); in the past, the updates up to that day.
                return past ? "(SELECT max(u.on_date) FROM progress_update u WHERE u.action_id = a.id AND u.on_date <= ?1) AS last_update"
                    : "a.last_update_on AS last_update"
            case .changed:
                return past ? "(a.completed_on > ?1 OR EXISTS (SELECT 1 FROM progress_update u WHERE u.action_id = a.id AND u.on_date > ?1)) AS changed" : nil
            case .since:
                return past ? Column.sinceExpression + " AS since" : nil
            }
        }

        /// The day an action counts from: its creation, or its first update if that came earlier.
        static let sinceExpression = "min(a.created_on, coalesce((SELECT min(u.on_date) FROM progress_update u WHERE u.action_id = a.id), a.created_on))"

        static func select(past: Bool, from: String = actions) -> String {
            "SELECT " + allCases.compactMap { $0.expression(past: past) }.joined(separator: ",\n       ") + "\n" + from
        }

        /// Actions with their inspection and partnership: SQLite chooses the order.
        static let actions = "FROM action a JOIN inspection i ON i.id = a.inspection_id JOIN partnership p ON p.id = i.partnership_id"

        /// The partnerships in key order, and for each its actions, through
        /// the action's own partnership (derived, `0012_derived_partnership.sql`),
        /// joined in the WHERE clause (`partnershipJoin`). SQLite keeps the
        /// left table of a CROSS JOIN outside (PostgreSQL plans it as any
        /// join): the partnerships' key index gives their order, and an index
        /// on the action's partnership and deadline gives each one's actions
        /// in deadline order, so a report in that order needs no sort.
        static let byPartnership = "FROM partnership p CROSS JOIN action a JOIN inspection i ON i.id = a.inspection_id"
        static let partnershipJoin = "a.partnership_id = p.id"
    }

    /// The columns, in the order `forEach` expects them.
    static let reportColumns = Column.select(past: false)

    /// The same columns, partnerships first (`Column.byPartnership`); the
    /// statement's WHERE clause must join them (`Column.partnershipJoin`).
    static let reportColumnsByPartnership = Column.select(past: false, from: Column.byPartnership)

    /// The same columns as the plan stood at the end of `?1` (`--as-of` a
    /// past day): the deadline before the first extension recorded later, the
    /// latest update up to that day, and whether anything about the action's
    /// status is dated later (then its updates are replayed). Only actions
    /// that existed by that day are read: recorded by then, or with an update
    /// dated by then (an update typed in later for an earlier day).
    /// The condition repeats the expression rather than naming its column:
    /// SQLite would take the name, PostgreSQL takes no output name in WHERE.
    static let pastColumns = Column.select(past: true) + "\nWHERE " + Column.sinceExpression + " <= ?1"

    /// An action's updates that set a status or percent, in date order.
    static let stateChanges = """
        SELECT on_date, new_status, new_percent FROM progress_update
        WHERE action_id = ? AND (new_status IS NOT NULL OR new_percent IS NOT NULL) ORDER BY on_date, id
        """

    static func stateChanges(_ db: any SQLConnection, action id: Int64) throws -> [StateChange] {
        try db.rows(sql: stateChanges, arguments: [id]).map { row in
            StateChange(date: try row.required("on_date"), status: row["new_status"], percent: row["new_percent"])
        }
    }

    /// Runs `sql` (which selects `reportColumns`, or `pastColumns` when
    /// `past`) and hands each row to `body`.
    static func forEach(_ db: any SQLConnection, sql: String, arguments: SQLArguments, asOf: CalendarDate, thresholds: Thresholds,
                        past: Bool = false, _ body: (ActionRow) throws -> Void) throws {
        let rows = try db.positional(sql: sql, arguments: arguments)
        defer { rows.reset() }
        // Columns that repeat from row to row: made strings (and the status parsed) only when they change.
        var statusText = RepeatedText(), inspectionKey = RepeatedText(), partnershipKey = RepeatedText()
        var status: ActionStatus?
        while try rows.step() {
            func text(_ column: Column) -> String? { rows.text(column.rawValue) }
            func date(_ column: Column) -> CalendarDate? { rows.date(column.rawValue) }
            func integer(_ column: Column) -> Int64 { rows.integer(column.rawValue) ?? 0 }
            if statusText.read(rows, Column.status.rawValue) { status = statusText.value.flatMap(ActionStatus.init(rawValue:)) }
            _ = inspectionKey.read(rows, Column.inspection.rawValue)
            _ = partnershipKey.read(rows, Column.partnership.rawValue)
            guard let ref = text(.ref), let title = text(.title), let owner = text(.owner), let agency = text(.agency),
                  let status, let created = date(.created),
                  let inspection = inspectionKey.value, let partnership = partnershipKey.value
            else { throw StoreError.corrupt("action \(integer(.id)) has an unreadable field") }
            let id = integer(.id)
            // In the past the action counts from the day it began, and its status is replayed from its updates when any came later.
            let since = past ? date(.since) ?? created : created
            var state = ActionState(status: status, percent: Int(integer(.percent)), completed: date(.completed))
            if past, integer(.changed) != 0 {
                state = History.state(present: state, created: since, changes: try stateChanges(db, action: id), asOf: asOf)
            }
            let originalDue = date(.originalDue), lastUpdate = date(.lastUpdate)
            let facts = ActionFacts(state, start: date(.start), originalDue: originalDue, due: date(.due) ?? originalDue,
                                    created: since, lastUpdate: lastUpdate)
            try body(ActionRow(id: id, ref: ref, partnership: partnership, inspection: inspection, title: title, owner: owner,
                               agency: agency, selfAssessment: text(.selfAssessment).flatMap(SelfAssessment.init(rawValue:)),
                               facts: facts, lastUpdate: lastUpdate, asOf: asOf, thresholds: thresholds))
        }
    }
}
