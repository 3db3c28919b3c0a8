/// One entry of the audit trail: who changed what, when, from what to what.
/// `before` and `after` are the record's JSON as the trail stores it; the
/// store chains and checks entries (`PlanStore`), the formats tell them in
/// words (`PlanFormats.HistoryEntry`).
public struct AuditEntry: Codable, Hashable, Sendable {
    public var seq: Int64
    public var at: String
    public var actor: String
    public var command: String
    public var entity: String
    public var key: String
    public var operation: String
    public var before: String?
    public var after: String?
    public var prevHash: String
    public var hash: String

    public init(seq: Int64, at: String, actor: String, command: String, entity: String, key: String, operation: String,
                before: String?, after: String?, prevHash: String, hash: String) {
        self.seq = seq; self.at = at; self.actor = actor; self.command = command; self.entity = entity; self.key = key
        self.operation = operation; self.before = before; self.after = after; self.prevHash = prevHash; self.hash = hash
    }
}

/// One step of an undo: what was done to one record.
public enum UndoStep: Codable, Hashable, Sendable {
    /// An action's fields put back as they were before the entry.
    case actionRestored(action: String, beforeEntry: Int64)
    /// A progress update (never deleted) answered by a correcting update.
    case updateCorrected(action: String, date: CalendarDate)
    case extensionRemoved(action: String, to: CalendarDate)
    case actionRemoved(action: String, ref: String)
    case planRestored(inspection: String, status: PlanStatus)
    case inspectionRestored(inspection: String, escalation: Escalation)
    case gradeRestored(evaluation: String, grade: Grade)
    case linkRestored(assignment: String)
    /// Any other record the change added, removed again: its entity in words and key.
    case removed(entity: String, key: String)
}
