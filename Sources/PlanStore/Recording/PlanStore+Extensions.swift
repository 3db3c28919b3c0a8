import GRDB
import ImprovementPlan

/// Requested extensions: an officer asks, an inspector agrees or refuses.
/// The action's deadline moves only when one is agreed, in the same
/// transaction as the decision, with the inspector as `agreed_by`.
extension PlanStore {
    /// Records a request for a later deadline, by the store's actor. The deadline is unchanged.
    @discardableResult
    public func requestExtension(action reference: String, to newDue: CalendarDate, reason: String) throws -> ExtensionRequest {
        try Validation.text(reason, field: "reason")
        return try write { db, audit in
            let id = try Lookup.actionID(db, reference)
            let action = try Lookup.action(db, id: id)
            guard action.status.isOpen else {
                throw PlanError.refused("action \(id) (\(action.qualifiedRef)) is \(action.status.rawValue); only an open action's deadline can be extended")
            }
            try ExtensionRequest.validate(to: newDue, current: action.due, reason: reason)
            if let open = try db.one(Int64.self, sql: "SELECT id FROM extension_request WHERE action_id = ? AND state = 'requested'", arguments: [id]) {
                throw PlanError.refused("action \(id) (\(action.qualifiedRef)) already has extension request \(open) awaiting an inspector's decision")
            }
            try db.run(sql: """
                INSERT INTO extension_request (action_id, from_due, to_due, reason, requested_by, requested_at) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [id, action.due, newDue, reason, audit.actor, audit.timestamp])
            let stored = try PlanStore.extensionRequest(db, id: db.lastInsertedRowID)
            try audit.record(db, .extensionRequest(action: id, id: stored.id), before: ExtensionRequest?.none, after: stored)
            return stored
        }
    }

    /// Agrees or refuses a requested extension, as the store's actor. Agreed,
    /// the deadline moves (a deadline extension dated `today`); refused, a note
    /// saying why is required.
    @discardableResult
    public func decideExtension(request id: Int64, _ decision: RequestState, note: String?, today: CalendarDate) throws -> ExtensionRequest {
        guard decision != .requested else { throw PlanError.refused("decision: agree or refuse") }
        try Validation.optionalText(note, field: "note")
        if decision == .refused, (note ?? "").trimmed.isEmpty {
            throw PlanError.refused("note: say why the extension is refused")
        }
        return try write { db, audit in
            let before = try PlanStore.extensionRequest(db, id: id)
            guard before.state == .requested else {
                throw PlanError.refused("extension request \(id) was already \(before.state.rawValue) by \(before.decidedBy ?? "someone") at \(before.decidedAt ?? "")")
            }
            if decision == .agreed {
                _ = try PlanStore.applyExtension(db, audit, actionID: before.action, to: before.to, reason: before.reason,
                                                 agreedBy: audit.actor, on: today)
            }
            try db.run(sql: "UPDATE extension_request SET state = ?, decided_by = ?, decided_at = ?, decision_note = ? WHERE id = ?",
                       arguments: [decision.rawValue, audit.actor, audit.timestamp, note?.trimmed, id])
            let after = try PlanStore.extensionRequest(db, id: id)
            try audit.record(db, .extensionRequest(action: before.action, id: id), before: before, after: after)
            return after
        }
    }

    /// Requests with their actions, oldest first: those of the given partnerships (nil: all), in one state (nil: any).
    public func extensionRequests(partnerships: Set<String>? = nil, state: RequestState? = .requested, action reference: String? = nil) throws -> [PendingExtension] {
        try read { db in
            let actionID = try reference.map { try Lookup.actionID(db, $0) }
            let rows = try db.rows(sql: Select.pendingExtension + " WHERE (?1 IS NULL OR x.state = ?1) AND (?2 IS NULL OR x.action_id = ?2) ORDER BY x.requested_at, x.id",
                                   arguments: [state?.rawValue, actionID])
            return try rows.map(PendingExtension.init(row:)).filter { partnerships?.contains($0.partnership) ?? true }
        }
    }

    /// One request with its action, or the not-found message.
    public func extensionRequest(id: Int64) throws -> PendingExtension {
        try read { db in
            guard let row = try db.row(sql: Select.pendingExtension + " WHERE x.id = ?", arguments: [id]) else {
                throw PlanError.notFound(entity: "extension request", key: String(id))
            }
            return try PendingExtension(row: row)
        }
    }

    static func extensionRequest(_ db: Database, id: Int64) throws -> ExtensionRequest {
        guard let row = try db.row(sql: Select.extensionRequest + " WHERE x.id = ?", arguments: [id]) else {
            throw PlanError.notFound(entity: "extension request", key: String(id))
        }
        return try ExtensionRequest(row: row)
    }
}

extension Select {
    static let extensionRequest = "SELECT x.* FROM extension_request x"

    static let pendingExtension = """
        SELECT x.*, p.key AS partnership_key, i.key AS inspection_key, a.ref AS action_ref, a.title AS action_title, a.owner AS action_owner
        FROM extension_request x JOIN action a ON a.id = x.action_id JOIN inspection i ON i.id = a.inspection_id
        JOIN partnership p ON p.id = i.partnership_id
        """
}

extension ExtensionRequest {
    init(row: Row) throws {
        self.init(id: try row.required("id"), action: try row.required("action_id"), from: try row.required("from_due"), to: try row.required("to_due"),
                  reason: try row.required("reason"), requestedBy: try row.required("requested_by"), requestedAt: try row.required("requested_at"),
                  state: try row.required("state"), decidedBy: row["decided_by"], decidedAt: row["decided_at"], decisionNote: row["decision_note"])
    }
}

extension PendingExtension {
    init(row: Row) throws {
        let inspection: String = try row.required("inspection_key")
        let ref: String = try row.required("action_ref")
        self.init(request: try ExtensionRequest(row: row), partnership: try row.required("partnership_key"), reference: inspection + "/" + ref,
                  title: try row.required("action_title"), owner: row["action_owner"])
    }
}
