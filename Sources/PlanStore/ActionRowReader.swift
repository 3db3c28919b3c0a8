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

    /// Runs `sql` (which selects `reportColumns`) and hands each row to `body`.
    static func forEach(_ db: Database, sql: String, arguments: StatementArguments, asOf: CalendarDate, thresholds: Thresholds,
                        _ body: (ActionRow) throws -> Void) throws {
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
            let action = Action(id: id, inspection: inspection, ref: ref, title: title, owner: owner, agency: agency,
                                start: date(handle, 5), originalDue: date(handle, 6), due: date(handle, 7), status: status,
                                percent: Int(sqlite3_column_int64(handle, 9)), completed: date(handle, 10),
                                selfAssessment: text(handle, 11).flatMap(SelfAssessment.init(rawValue:)), created: created)
            try body(ActionRow(action: action, id: id, partnership: partnership, lastUpdate: date(handle, 15),
                               asOf: asOf, thresholds: thresholds))
        }
        sqlite3_reset(handle)
    }
}
