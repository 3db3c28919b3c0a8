import GRDB
import ImprovementPlan

/// Which part of the history to show.
public struct HistoryFilter: Sendable {
    public var action: String?
    public var partnership: String?
    public var since: CalendarDate?
    public var actor: String?

    public init(action: String? = nil, partnership: String? = nil, since: CalendarDate? = nil, actor: String? = nil) {
        self.action = action; self.partnership = partnership; self.since = since; self.actor = actor
    }
}

extension PlanStore {
    /// The audit trail's entries a filter selects, oldest first, streamed
    /// (`PlanFormats.HistoryEntry` tells each in plain words).
    public func forEachAuditEntry(_ filter: HistoryFilter, _ body: (AuditEntry) throws -> Void) throws {
        try read { db in
            var clauses: [String] = []
            var arguments: SQLArguments = []
            if let reference = filter.action {
                let id = try Lookup.actionID(db, reference)
                clauses.append(AuditSubject.Entity.ofActionSQL)
                arguments += [AuditSubject.action(id).key, AuditSubject.action(id).key]
            }
            if let key = filter.partnership {
                let pid = try Lookup.partnershipID(db, key)
                // Each entity's key starts with the partnership's or an inspection's key (AuditSubject.key).
                let (at, slash, hash) = (AuditSubject.dateSeparator, AuditSubject.evaluationSeparator, AuditSubject.findingSeparator)
                clauses.append("""
                    ((entity = 'partnership' AND entity_key = ?)
                     OR (entity IN ('link_assignment', 'linking_review') AND substr(entity_key, 1, length(?) + 1) = ? || '\(at)')
                     OR (entity IN ('inspection', 'action_plan') AND entity_key IN (SELECT key FROM inspection WHERE partnership_id = ?))
                     OR (entity = 'inspection_change' AND substr(entity_key, 1, instr(entity_key, '\(at)') - 1) IN (SELECT key FROM inspection WHERE partnership_id = ?))
                     OR (entity = 'evaluation' AND substr(entity_key, 1, instr(entity_key, '\(slash)') - 1) IN (SELECT key FROM inspection WHERE partnership_id = ?))
                     OR (entity = 'finding' AND substr(entity_key, 1, instr(entity_key, '\(hash)') - 1) IN (SELECT key FROM inspection WHERE partnership_id = ?))
                     OR (entity IN (\(AuditSubject.Entity.sqlList(AuditSubject.Entity.ofAction))) AND entity_key IN
                         (SELECT CAST(a.id AS TEXT) FROM action a JOIN inspection i ON i.id = a.inspection_id WHERE i.partnership_id = ?))
                     OR (entity IN (\(AuditSubject.Entity.sqlList(AuditSubject.Entity.numberedOfAction))) AND substr(entity_key, 1, instr(entity_key, '\(hash)') - 1) IN
                         (SELECT CAST(a.id AS TEXT) FROM action a JOIN inspection i ON i.id = a.inspection_id WHERE i.partnership_id = ?)))
                    """)
                arguments += [key, key, key, pid, pid, pid, pid, pid, pid]
            }
            if let since = filter.since { clauses.append("at >= ?"); arguments += [since.iso] }
            if let actor = filter.actor { clauses.append("actor = ? COLLATE NOCASE"); arguments += [actor] }
            let sql = "SELECT * FROM audit_entry" + (clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")) + " ORDER BY seq"
            try db.forEachRow(sql: sql, arguments: arguments) { row in try body(try AuditEntry(row: row)) }
        }
    }
}

