import Foundation
import GRDB
import ImprovementPlan

/// What `undo` reverted.
public struct UndoResult: Codable, Sendable {
    /// The first audit entry of the change that was undone.
    public var change: Int64
    public var command: String
    public var at: String
    /// What was done to revert it, one step per entry reverted (`PlanFormats.UndoWords` tells them).
    public var steps: [UndoStep]
}


/// Reverting the most recent change an actor made, as a new audited change.
extension PlanStore {
    /// Reverts the actor's most recent change that has not been undone: a
    /// record it updated gets its earlier values back, a record it added is
    /// removed (the trail keeps it, as a 'delete' entry), and a progress
    /// update it added — never deleted — is answered by a correcting update.
    /// Refused, with the reason, when someone else has changed the same
    /// records since, or when other records now depend on one it added.
    public func undo(today: CalendarDate) throws -> UndoResult {
        try write { db, _ in
            let undone = Set(try db.all(String.self, sql: "SELECT DISTINCT command FROM audit_entry WHERE actor = ? AND command LIKE ?",
                                                 arguments: [actor, UndoCommand.pattern]).compactMap(UndoCommand.reverted))
            // The actor's changes, newest first: one command's entries share its timestamp.
            // Read newest first through a cursor, stopping at the change to undo: an
            // actor who imported a million records has millions of entries.
            struct Found: Error {}
            var change: [AuditEntry] = []
            do {
                try db.forEachRow(sql: """
                    SELECT * FROM audit_entry WHERE actor = ? AND command NOT LIKE ? ORDER BY seq DESC
                    """, arguments: [actor, UndoCommand.pattern]) { row in
                    let entry = try AuditEntry(row: row)
                    if let first = change.first, first.at != entry.at || first.command != entry.command {
                        if !undone.contains(change.last?.seq ?? 0) { throw Found() }
                        change = []
                    }
                    change.append(entry)
                }
            } catch is Found {}
            guard let newest = change.first, let oldest = change.last, !undone.contains(oldest.seq) else {
                throw PlanError.refused("there is nothing of \(actor)'s to undo")
            }
            change.reverse()

            // Someone else's later change to the same records depends on this one.
            let subjects = Set(change.map(PlanStore.subject))
            let later = try db.rows(sql: "SELECT * FROM audit_entry WHERE seq > ? AND actor <> ? ORDER BY seq",
                                         arguments: [newest.seq, actor]).map(AuditEntry.init(row:))
            if let blocking = later.first(where: { subjects.contains(PlanStore.subject($0)) }) {
                throw PlanError.refused("undo refused: \(blocking.actor) changed \(PlanStore.subject(blocking)) after it (audit entry \(blocking.seq), '\(blocking.command)'); they must undo or correct that first")
            }

            let audit = AuditWriter(actor: actor, command: UndoCommand.name(reverting: oldest.seq), timestamp: PlanStore.timestamp(now()))
            var steps: [UndoStep] = []
            for entry in change.reversed() {
                do {
                    steps.append(try PlanStore.revert(entry, db, audit, today: today))
                } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                    throw PlanError.refused("undo refused: other records now depend on \(entry.entity.replacingOccurrences(of: "_", with: " ")) \(entry.key) (\(error.message ?? "constraint"))")
                }
            }
            return UndoResult(change: oldest.seq, command: oldest.command, at: oldest.at, steps: steps)
        }
    }

    /// The record an entry is about, for dependency checks: an action with its
    /// updates and extensions, an inspection with its plan, grades and findings,
    /// a partnership with its link assignments and reviews.
    static func subject(_ entry: AuditEntry) -> String {
        switch AuditSubject(entity: entry.entity, key: entry.key) {
        case .action(let id)?, .progressUpdate(let id)?, .deadlineExtension(let id)?, .extensionRequest(let id, _)?, .completionSignOff(let id, _)?: return "action \(id)"
        case .inspection(let key)?, .actionPlan(let key)?, .inspectionChange(let key, _)?, .evaluation(let key, _)?, .finding(let key, _)?:
            return "inspection \(key)"
        case .linkAssignment(let key, _)?, .linkingReview(let key, _, _)?: return "partnership \(key)"
        default: return "\(entry.entity.replacingOccurrences(of: "_", with: " ")) \(entry.key)"
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ json: String?) throws -> T {
        guard let json else { throw StoreError.corrupt("audit entry without a value to restore") }
        return try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    /// Reverts one audit entry and records the reversal.
    static func revert(_ entry: AuditEntry, _ db: any SQLConnection, _ audit: AuditWriter, today: CalendarDate) throws -> UndoStep {
        let key = entry.key
        let subject = AuditSubject(entity: entry.entity, key: key)
        switch (subject?.entity, entry.operation) {
        case (.user?, _), (.apiToken?, _):
            // An account's past state may be a password since changed or a token since revoked: never brought back.
            throw PlanError.refused("undo refused: entry \(entry.seq) changed an account; use 'planwatch user' or 'planwatch token' (disable, password, revoke) instead")
        case (.completionSignOff?, _):
            throw PlanError.refused("undo refused: entry \(entry.seq) is an inspector's sign-off of a completion; a sign-off stands (record a progress update to answer a query)")
        case (.extensionRequest?, _):
            // A request and its decision are two people's acts: an inspector refuses a request; a wrong agreement is followed by a new extension.
            throw PlanError.refused("undo refused: entry \(entry.seq) is a requested extension or an inspector's decision on one; refuse the request, or record a new extension, instead")
        case (.action?, "update"):
            let restored = try decode(Action.self, entry.before)
            let id = try Lookup.actionID(db, key)
            try saveAction(db, audit, before: try Lookup.action(db, id: id), after: restored)
            return .actionRestored(action: key, beforeEntry: entry.seq)
        case (.progressUpdate?, "insert"):
            let update = try decode(ProgressUpdate.self, entry.after)
            let id = try Lookup.actionID(db, key)
            let action = try Lookup.action(db, id: id)
            let correction = ProgressUpdate(action: update.action, date: max(update.date, today), author: audit.actor,
                                            note: "Correction: the update of \(update.date) (\"\(update.note)\") was undone",
                                            status: action.status, percent: action.percent)
            try insertUpdate(db, audit, actionID: id, correction, recordedAt: audit.timestamp, today: max(update.date, today))
            return .updateCorrected(action: key, date: update.date)
        case (.deadlineExtension?, "insert"):
            let ext = try decode(DeadlineExtension.self, entry.after)
            let id = try Lookup.actionID(db, key)
            try db.run(sql: "DELETE FROM deadline_extension WHERE action_id = ? AND to_due = ? AND from_due = ?",
                           arguments: [id, ext.to, ext.from])
            try audit.record(db, .deadlineExtension(action: id), before: ext, after: DeadlineExtension?.none, operation: "delete")
            return .extensionRemoved(action: key, to: ext.to)
        case (.action?, "insert"):
            let action = try decode(Action.self, entry.after)
            let id = try Lookup.actionID(db, key)
            if try db.one(Bool.self, sql: "SELECT EXISTS (SELECT 1 FROM progress_update WHERE action_id = ?)", arguments: [id]) == true {
                throw PlanError.refused("undo refused: action \(key) (\(action.qualifiedRef)) has progress updates, which are never deleted; withdraw it instead")
            }
            let current = try Lookup.action(db, id: id)
            try db.run(sql: "DELETE FROM action WHERE id = ?", arguments: [id])
            try audit.record(db, .action(id), before: current, after: Action?.none, operation: "delete")
            return .actionRemoved(action: key, ref: action.qualifiedRef)
        case (.actionPlan?, "update"):
            let restored = try decode(ActionPlan.self, entry.before)
            try savePlan(db, audit, before: try Lookup.plan(db, inspection: key), after: restored)
            return .planRestored(inspection: key, status: restored.status)
        case (.inspection?, "update"):
            let restored = try decode(Inspection.self, entry.before)
            guard let row = try db.row(sql: Select.inspection + " WHERE i.key = ?", arguments: [key]) else {
                throw try Lookup.unknown(db, "inspection", key)
            }
            try saveInspectionStanding(db, audit, before: try Inspection(row: row), after: restored)
            return .inspectionRestored(inspection: key, escalation: restored.escalation)
        case (.evaluation?, "update"):
            let restored = try decode(Evaluation.self, entry.before)
            try upsertEvaluation(db, audit, restored)
            return .gradeRestored(evaluation: key, grade: restored.grade)
        case (.linkAssignment?, "update"):
            let restored = try decode(LinkAssignment.self, entry.before)
            let pid = try Lookup.partnershipID(db, restored.partnership)
            try db.run(sql: "UPDATE link_assignment SET to_date = ? WHERE partnership_id = ? AND from_date = ?",
                           arguments: [restored.to, pid, restored.from])
            try audit.record(db, .linkAssignment(partnership: restored.partnership, from: restored.from), before: try decode(LinkAssignment.self, entry.after), after: restored)
            return .linkRestored(assignment: key)
        case (.measureReading?, _):
            throw PlanError.refused("undo refused: the reading of \(key) is never deleted; record a corrected one with --supersede")
        case (.outcomeMeasure?, "insert"):
            if try db.one(Bool.self, sql: """
                SELECT EXISTS (SELECT 1 FROM measure_reading r JOIN outcome_measure m ON m.id = r.measure_id WHERE m.key = ?)
                """, arguments: [key]) == true {
                throw PlanError.refused("undo refused: measure \(key) has readings, which are never deleted")
            }
            try db.run(sql: "DELETE FROM outcome_measure WHERE key = ?", arguments: [key])
            try audit.record(db, entity: entry.entity, key: key, before: entry.after.map(RawJSON.init), after: RawJSON?.none, operation: "delete")
            return .removed(entity: "measure", key: key)
        case (let entity?, "insert"):
            let (sql, arguments) = try deletion(entity: entry.entity, key: key, db)
            try db.run(sql: sql, arguments: arguments)
            try audit.record(db, entity: entry.entity, key: key, before: entry.after.map(RawJSON.init), after: RawJSON?.none, operation: "delete")
            return .removed(entity: entity.words, key: key)
        default:
            throw PlanError.refused("undo refused: entry \(entry.seq) (\(entry.operation) \(entry.entity)) cannot be reverted")
        }
    }

    /// The DELETE that removes a record added by an insert entry.
    static func deletion(entity: String, key: String, _ db: any SQLConnection) throws -> (String, SQLArguments) {
        switch AuditSubject(entity: entity, key: key) {
        case .partnership(let key)?: return ("DELETE FROM partnership WHERE key = ?", [key])
        case .qualityIndicator(let reference)?: return ("DELETE FROM quality_indicator WHERE id = ?", [try Lookup.qiID(db, reference)])
        case .inspection(let key)?: return ("DELETE FROM inspection WHERE key = ?", [key])
        case .actionPlan(let inspection)?: return ("DELETE FROM action_plan WHERE inspection_id = ?", [try Lookup.inspectionID(db, inspection)])
        case .linkAssignment(let partnership, let from)?:
            return ("DELETE FROM link_assignment WHERE partnership_id = ? AND from_date = ?", [try Lookup.partnershipID(db, partnership), from])
        case .evaluation(let inspection, let qi)?:
            return ("DELETE FROM evaluation WHERE inspection_id = ? AND qi_id = ?", [try Lookup.inspectionID(db, inspection), try Lookup.qiID(db, qi)])
        case .finding(let inspection, let number)?:
            return ("DELETE FROM finding WHERE inspection_id = ? AND number = ?", [try Lookup.inspectionID(db, inspection), number])
        case .inspectionChange(let inspection, let day)?:
            return ("DELETE FROM inspection_change WHERE inspection_id = ? AND on_date = ?", [try Lookup.inspectionID(db, inspection), day])
        case .linkingReview(let partnership, let day, let kind)?:
            return ("DELETE FROM linking_review WHERE partnership_id = ? AND on_date = ? AND kind = ?",
                    [try Lookup.partnershipID(db, partnership), day, kind])
        default:
            throw PlanError.refused("undo refused: \(entity) \(key) cannot be removed")
        }
    }
}

/// An already-encoded JSON value, written into an audit entry as it is.
struct RawJSON: Encodable {
    let json: String
    init(_ json: String) { self.json = json }
    func encode(to encoder: any Encoder) throws {
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
        try value.encode(to: encoder)
    }
}

/// Any JSON value, decoded and encoded again unchanged (keys sorted on output).
enum JSONValue: Codable {
    case null, bool(Bool), number(Double), integer(Int64), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .integer(i) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case let .bool(b): try c.encode(b)
        case let .integer(i): try c.encode(i)
        case let .number(d): try c.encode(d)
        case let .string(s): try c.encode(s)
        case let .array(a): try c.encode(a)
        case let .object(o): try c.encode(o)
        }
    }
}
