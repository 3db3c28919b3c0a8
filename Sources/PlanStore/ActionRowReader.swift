import GRDB
import GRDBSQLite
import ImprovementPlan

/// Reads report rows straight from SQLite's column accessors, by position.
///
/// Reports stream up to a million rows; going through GRDB's `Row` (a
/// column-name lookup and a generic decode for every field) cost more than
/// the query. This reader knows the column order of `Select.reportColumns`
/// and builds each `Action` with one C call per field.
enum ActionRowReader {
    /// The columns, in the order `read` expects them.
    static let reportColumns = """
        SELECT a.id, a.ref, a.title, a.owner, a.lead_agency, a.start_on, a.original_due, a.current_due, a.status,
               a.percent, a.completed_on, a.self_rag, a.created_on, i.key, p.key,
               (SELECT max(u.on_date) FROM progress_update u WHERE u.action_id = a.id) AS last_update
        FROM action a JOIN inspection i ON i.id = a.inspection_id JOIN partnership p ON p.id = i.partnership_id
        """

    static func text(_ statement: OpaquePointer, _ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(statement, column) else { return nil }
        return String(cString: pointer)
    }

    static func date(_ statement: OpaquePointer, _ column: Int32) -> CalendarDate? {
        guard let pointer = sqlite3_column_text(statement, column) else { return nil }
        let count = Int(sqlite3_column_bytes(statement, column))
        return CalendarDate(isoBytes: UnsafeBufferPointer(start: pointer, count: count))
    }

    /// The same columns as the plan stood at the end of `?1` (`--as-of` a
    /// past day): the deadline before the first extension recorded later, the
    /// latest update up to that day, and whether anything about the action's
    /// status is dated later (then its updates are replayed). Only actions
    /// that existed by that day are read: recorded by then, or with an update
    /// dated by then (an update typed in later for an earlier day).
    static let pastColumns = """
        SELECT a.id, a.ref, a.title, a.owner, a.lead_agency, a.start_on, a.original_due,
               coalesce((SELECT x.from_due FROM deadline_extension x WHERE x.action_id = a.id AND x.recorded_on > ?1
                         ORDER BY x.recorded_on, x.id LIMIT 1), a.current_due),
               a.status, a.percent, a.completed_on, a.self_rag, a.created_on, i.key, p.key,
               (SELECT max(u.on_date) FROM progress_update u WHERE u.action_id = a.id AND u.on_date <= ?1) AS last_update,
               (a.completed_on > ?1 OR EXISTS (SELECT 1 FROM progress_update u WHERE u.action_id = a.id AND u.on_date > ?1)) AS changed,
               min(a.created_on, coalesce((SELECT min(u.on_date) FROM progress_update u WHERE u.action_id = a.id), a.created_on)) AS since
        FROM action a JOIN inspection i ON i.id = a.inspection_id JOIN partnership p ON p.id = i.partnership_id
        WHERE since <= ?1
        """

    /// An action's updates that set a status or percent, in date order.
    static let stateChanges = """
        SELECT on_date, new_status, new_percent FROM progress_update
        WHERE action_id = ? AND (new_status IS NOT NULL OR new_percent IS NOT NULL) ORDER BY on_date, id
        """

    static func stateChanges(_ db: Database, action id: Int64) throws -> [StateChange] {
        try Row.fetchAll(try db.cachedStatement(sql: stateChanges), arguments: [id]).map { row in
            StateChange(date: try row.required("on_date"), status: row["new_status"], percent: row["new_percent"])
        }
    }

    /// Runs `sql` (which selects `reportColumns`, or `pastColumns` when
    /// `past`) and hands each row to `body`.
    static func forEach(_ db: Database, sql: String, arguments: StatementArguments, asOf: CalendarDate, thresholds: Thresholds,
                        past: Bool = false, _ body: (ActionRow) throws -> Void) throws {
        let statement = try db.cachedStatement(sql: sql)
        try statement.setArguments(arguments)
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))))
            }
            guard let ref = text(handle, 1), let title = text(handle, 2), let owner = text(handle, 3), let agency = text(handle, 4),
                  let statusText = text(handle, 8), let status = ActionStatus(rawValue: statusText), let created = date(handle, 12),
                  let inspection = text(handle, 13), let partnership = text(handle, 14)
            else { throw StoreError.corrupt("action \(sqlite3_column_int64(handle, 0)) has an unreadable field") }
            let id = sqlite3_column_int64(handle, 0)
            var action = Action(id: id, inspection: inspection, ref: ref, title: title, owner: owner, agency: agency,
                                start: date(handle, 5), originalDue: date(handle, 6), due: date(handle, 7), status: status,
                                percent: Int(sqlite3_column_int64(handle, 9)), completed: date(handle, 10),
                                selfAssessment: text(handle, 11).flatMap(SelfAssessment.init(rawValue:)), created: created)
            if past, let since = date(handle, 17) { action.created = since }
            if past, sqlite3_column_int64(handle, 16) != 0 {
                let state = History.state(present: ActionState(action), created: action.created,
                                          changes: try stateChanges(db, action: id), asOf: asOf)
                action.status = state.status; action.percent = state.percent; action.completed = state.completed
            }
            try body(ActionRow(action: action, id: id, partnership: partnership, lastUpdate: date(handle, 15),
                               asOf: asOf, thresholds: thresholds))
        }
        sqlite3_reset(handle)
    }
}
