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
            return try PlanStore.insertExtensionRequest(db, audit, action: action, id: id, to: newDue, reason: reason)
        }
    }

    /// Records a request for `action` (id `id`) inside a write, by the audit's actor: one open request per action.
    static func insertExtensionRequest(_ db: any SQLConnection, _ audit: AuditWriter, action: Action, id: Int64, to newDue: CalendarDate,
                                       reason: String) throws -> ExtensionRequest {
        try ExtensionRequest.validate(to: newDue, current: action.due, reason: reason)
        if let open = try db.one(Int64.self, sql: "SELECT id FROM extension_request WHERE action_id = ? AND state = 'requested'", arguments: [id]) {
            throw PlanError.refused("action \(id) (\(action.qualifiedRef)) already has extension request \(open) awaiting an inspector's decision")
        }
        try db.run(sql: """
            INSERT INTO extension_request (action_id, from_due, to_due, reason, requested_by, requested_at) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [id, action.due, newDue, reason, audit.actor, audit.timestamp])
        let stored = try PlanStore.extensionRequest(db, id: db.lastInsertedID())
        try audit.record(db, .extensionRequest(action: id, id: stored.id), before: ExtensionRequest?.none, after: stored)
        return stored
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

    static func extensionRequest(_ db: any SQLConnection, id: Int64) throws -> ExtensionRequest {
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
    init(row: SQLRow) throws {
        self.init(id: try row.required("id"), action: try row.required("action_id"), from: try row.required("from_due"), to: try row.required("to_due"),
                  reason: try row.required("reason"), requestedBy: try row.required("requested_by"), requestedAt: try row.required("requested_at"),
                  state: try row.required("state"), decidedBy: row["decided_by"], decidedAt: row["decided_at"], decisionNote: row["decision_note"])
    }
}

extension PendingExtension {
    init(row: SQLRow) throws {
        let inspection: String = try row.required("inspection_key")
        let ref: String = try row.required("action_ref")
        self.init(request: try ExtensionRequest(row: row), partnership: try row.required("partnership_key"), reference: inspection + "/" + ref,
                  title: try row.required("action_title"), owner: row["action_owner"])
    }
}

/// Completion sign-off: an inspector accepts an officer's completion, or queries it.
extension PlanStore {
    /// Signs off a complete action's completion, as the store's actor. A query needs a note saying what is asked.
    @discardableResult
    public func signOffCompletion(action reference: String, _ decision: SignOffDecision, note: String?) throws -> CompletionSignOff {
        try Validation.optionalText(note, field: "note")
        if decision == .queried, (note ?? "").trimmed.isEmpty {
            throw PlanError.refused("note: say what the completion is queried for")
        }
        return try write { db, audit in
            let id = try Lookup.actionID(db, reference)
            let action = try Lookup.action(db, id: id)
            guard action.status == .complete, let completed = action.completed else {
                throw PlanError.refused("action \(id) (\(action.qualifiedRef)) is \(action.status.rawValue); only a completion can be signed off")
            }
            if let done = try db.row(sql: "SELECT decision, decided_by FROM completion_signoff WHERE action_id = ? AND completed = ?",
                                     arguments: [id, completed]) {
                let by: String = try done.required("decided_by"), was: String = try done.required("decision")
                throw PlanError.refused("the completion of action \(id) (\(action.qualifiedRef)) on \(completed) was already \(was) by \(by)")
            }
            try db.run(sql: "INSERT INTO completion_signoff (action_id, completed, decision, note, decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [id, completed, decision.rawValue, note?.trimmed, audit.actor, audit.timestamp])
            let stored = try PlanStore.signOff(db, id: db.lastInsertedID())
            try audit.record(db, .completionSignOff(action: id, id: stored.id), before: CompletionSignOff?.none, after: stored)
            return stored
        }
    }

    /// Complete actions of the given partnerships (nil: all) whose completion no inspector has signed off, oldest completion first.
    public func completionsAwaitingSignOff(partnerships: Set<String>? = nil, asOf: CalendarDate) throws -> [ActionRow] {
        var rows: [ActionRow] = []
        try forEachActionRow(ActionFilter(status: .complete), asOf: asOf) { row in
            if partnerships?.contains(row.partnership) ?? true { rows.append(row) }
        }
        let signed = try read { db in
            Set(try db.all(Int64.self, sql: """
                SELECT s.action_id FROM completion_signoff s JOIN action a ON a.id = s.action_id WHERE s.completed = a.completed_on
                """))
        }
        return rows.filter { !signed.contains($0.id) }
    }

    /// An action's sign-offs, oldest first.
    public func signOffs(action reference: String) throws -> [CompletionSignOff] {
        try read { db in
            let id = try Lookup.actionID(db, reference)
            return try db.rows(sql: Select.signOff + " WHERE s.action_id = ? ORDER BY s.id", arguments: [id]).map(CompletionSignOff.init(row:))
        }
    }

    static func signOff(_ db: any SQLConnection, id: Int64) throws -> CompletionSignOff {
        guard let row = try db.row(sql: Select.signOff + " WHERE s.id = ?", arguments: [id]) else {
            throw PlanError.notFound(entity: "sign-off", key: String(id))
        }
        return try CompletionSignOff(row: row)
    }
}

extension Select {
    static let signOff = "SELECT s.* FROM completion_signoff s"
}

extension CompletionSignOff {
    init(row: SQLRow) throws {
        self.init(id: try row.required("id"), action: try row.required("action_id"), completed: try row.required("completed"),
                  decision: try row.required("decision"), note: row["note"], decidedBy: try row.required("decided_by"),
                  decidedAt: try row.required("decided_at"))
    }
}
