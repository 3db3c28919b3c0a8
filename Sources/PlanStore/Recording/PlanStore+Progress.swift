import GRDB
import ImprovementPlan

/// What a user gives to add an action; the store derives the rest.
public struct NewAction: Sendable {
    /// Finding ids the action answers; they fix its inspection.
    public var findings: [Int64]
    /// The inspection, when no finding is named.
    public var inspection: String?
    /// The plan reference; the next free number when nil.
    public var ref: String?
    public var title: String
    public var description: String?
    public var owner: String
    public var agency: String
    public var supportingAgencies: [String]
    public var start: CalendarDate?
    /// Nil for an "Ongoing" action with no deadline.
    public var due: CalendarDate?
    public var measure: String?
    /// The day the action was agreed or logged, when not today: the action
    /// counts from this day, and so does its stale clock.
    public var created: CalendarDate?

    public init(findings: [Int64], inspection: String?, ref: String?, title: String, description: String? = nil,
                owner: String, agency: String, supportingAgencies: [String] = [], start: CalendarDate? = nil,
                due: CalendarDate?, measure: String? = nil, created: CalendarDate? = nil) {
        self.created = created
        self.findings = findings; self.inspection = inspection; self.ref = ref; self.title = title
        self.description = description; self.owner = owner; self.agency = agency
        self.supportingAgencies = supportingAgencies; self.start = start; self.due = due; self.measure = measure
    }
}

/// Recording progress: actions, updates, extensions, completion, withdrawal, reviews.
extension PlanStore {
    @discardableResult
    public func addAction(_ new: NewAction, today: CalendarDate) throws -> Action {
        if let created = new.created { try Validation.notFuture(created, today: today, field: "date") }
        return try write { db, audit in
            var inspection = new.inspection
            var numbers: [Int] = []
            for findingID in new.findings {
                guard let row = try db.row(sql: Select.finding + " WHERE f.id = ?", arguments: [findingID]) else {
                    throw PlanError.notFound(entity: "finding", key: String(findingID))
                }
                let finding = try Finding(row: row)
                if let chosen = inspection, chosen != finding.inspection {
                    throw PlanError.refused("finding \(findingID) belongs to \(finding.inspection), not \(chosen)")
                }
                inspection = finding.inspection
                numbers.append(finding.number)
            }
            guard let inspection else { throw PlanError.missing(field: "finding (or inspection)") }
            let iid = try Lookup.inspectionID(db, inspection)
            let ref = try new.ref ?? PlanStore.nextRef(db, inspectionID: iid)
            let action = Action(inspection: inspection, ref: ref, findings: numbers.sorted(), title: new.title,
                                description: new.description, owner: new.owner, agency: new.agency,
                                supportingAgencies: new.supportingAgencies, start: new.start, originalDue: new.due,
                                measure: new.measure, created: new.created ?? today)
            return try PlanStore.insertAction(db, audit, action.withNormalisedNames)
        }
    }

    static func nextRef(_ db: any SQLConnection, inspectionID: Int64) throws -> String {
        let count = try db.one(Int.self, sql: "SELECT count(*) FROM action WHERE inspection_id = ?", arguments: [inspectionID]) ?? 0
        return try nextRef(count: count) { ref in
            try db.one(Bool.self, sql: "SELECT EXISTS (SELECT 1 FROM action WHERE inspection_id = ? AND ref = ?)",
                       arguments: [inspectionID, ref]) == true
        }
    }

    /// The reference an action gets when none is given: the first free number
    /// from one past the inspection's count of actions.
    static func nextRef(count: Int, isTaken: (String) throws -> Bool) rethrows -> String {
        var number = count + 1
        while try isTaken(String(number)) { number += 1 }
        return String(number)
    }

    static func insertAction(_ db: any SQLConnection, _ audit: AuditWriter, _ a: Action) throws -> Action {
        let iid = try Lookup.inspectionID(db, a.inspection)
        if try db.one(Bool.self, sql: "SELECT EXISTS (SELECT 1 FROM action WHERE inspection_id = ? AND ref = ?)", arguments: [iid, a.ref]) == true {
            throw PlanError.duplicate(entity: "action", key: a.qualifiedRef)
        }
        let findingIDs = try a.findings.map { try Lookup.findingID(db, inspection: a.inspection, number: $0) }
        return try writeAction(db, audit, a, inspectionID: iid, findingIDs: findingIDs)
    }

    /// Writes a new action whose inspection and findings the caller has
    /// resolved and whose reference it has checked is free (a bulk import
    /// keeps them in memory rather than asking the database each row).
    static func writeAction(_ db: any SQLConnection, _ audit: AuditWriter, _ a: Action, inspectionID: Int64, findingIDs: [Int64]) throws -> Action {
        try a.validate()
        try ActionColumn.insert(db, a, inspectionID: inspectionID)
        let id = try db.lastInsertedID()
        for findingID in findingIDs {
            try db.insert(sql: "INSERT INTO action_finding (action_id, finding_id) VALUES (?, ?)") { row in
                row.bind(id); row.bind(findingID)
            }
        }
        var stored = a
        stored.id = id
        try audit.record(db, .action(id), before: Action?.none, after: stored)
        return stored
    }

    static func saveAction(_ db: any SQLConnection, _ audit: AuditWriter, before: Action, after: Action) throws {
        try after.validate()
        guard let id = after.id else { throw StoreError.corrupt("action without id") }
        try ActionColumn.update(db, id: id, before: before, after: after)
        try audit.record(db, .action(id), before: before, after: after)
    }

    static func insertUpdate(_ db: any SQLConnection, _ audit: AuditWriter, actionID: Int64, _ u: PlanFile.Update, recordedAt: String,
                             today: CalendarDate) throws {
        try u.validate(today: today)
        try UpdateColumn.insert(db, u, actionID: actionID, recordedAt: recordedAt)
        try audit.record(db, .progressUpdate(action: actionID), before: PlanFile.Update?.none, after: u)
    }

    /// Appends a progress update (author = the actor) and applies its status and percent.
    @discardableResult
    public func recordProgress(action reference: String, date: CalendarDate, note: String, status: ActionStatus? = nil,
                               percent: Int? = nil, evidence: String? = nil, today: CalendarDate) throws -> Action {
        if status == .complete, evidence == nil {
            throw PlanError.missing(field: "evidence (an action is completed with evidence; use 'planwatch complete')")
        }
        return try progress(reference, date: date, today: today) { before in
            PlanFile.Update(action: before.qualifiedRef, date: date, author: actor, note: note, status: status, percent: percent, evidence: evidence)
        }
    }

    /// One progress update on one action, in one transaction: the action is
    /// found, the update must be dated no earlier than its start, `refuse`
    /// may turn it down, then it is appended and its status and percent applied.
    private func progress(_ reference: String, date: CalendarDate, today: CalendarDate, refuse: (Int64, Action) throws -> Void = { _, _ in },
                          _ update: (Action) -> PlanFile.Update) throws -> Action {
        try write { db, audit in
            let id = try Lookup.actionID(db, reference)
            let before = try Lookup.action(db, id: id)
            try before.checkProgressDate(date)
            try refuse(id, before)
            let update = update(before)
            let after = try before.applying(update)
            try PlanStore.insertUpdate(db, audit, actionID: id, update, recordedAt: audit.timestamp, today: today)
            if after != before { try PlanStore.saveAction(db, audit, before: before, after: after) }
            return after
        }
    }

    /// Moves an open action's deadline later; the original deadline is kept.
    @discardableResult
    public func extendDeadline(action reference: String, to newDue: CalendarDate, reason: String, agreedBy: String?,
                               on date: CalendarDate, today: CalendarDate) throws -> Action {
        try Validation.notFuture(date, today: today, field: "date")
        return try write { db, audit in
            let id = try Lookup.actionID(db, reference)
            return try PlanStore.applyExtension(db, audit, actionID: id, to: newDue, reason: reason, agreedBy: agreedBy, on: date)
        }
    }

    /// Records an extension of an open action to `newDue` and moves its deadline: `extend` and an agreed request both come here.
    static func applyExtension(_ db: any SQLConnection, _ audit: AuditWriter, actionID id: Int64, to newDue: CalendarDate, reason: String,
                               agreedBy: String?, on date: CalendarDate) throws -> Action {
        let before = try Lookup.action(db, id: id)
        guard before.status.isOpen else {
            throw PlanError.refused("action \(id) (\(before.qualifiedRef)) is \(before.status.rawValue); only an open action's deadline can be extended")
        }
        guard let current = before.due else {
            throw PlanError.refused("action \(id) (\(before.qualifiedRef)) has no deadline to extend")
        }
        guard newDue > current else {
            throw PlanError.refused("to: \(newDue) is not after the current deadline \(current)")
        }
        let ext = PlanFile.Extension(action: before.qualifiedRef, from: current, to: newDue, reason: reason,
                                     agreedBy: agreedBy, recorded: date)
        try PlanStore.insertExtension(db, audit, actionID: id, ext)
        var after = before
        after.due = newDue
        try PlanStore.saveAction(db, audit, before: before, after: after)
        return after
    }

    static func insertExtension(_ db: any SQLConnection, _ audit: AuditWriter, actionID: Int64, _ x: PlanFile.Extension) throws {
        try x.validate()
        try db.insert(sql: """
            INSERT INTO deadline_extension (action_id, from_due, to_due, reason, agreed_by, recorded_on) VALUES (?, ?, ?, ?, ?, ?)
            """) { row in
            row.bind(actionID); row.bind(x.from); row.bind(x.to); row.bind(x.reason); row.bind(x.agreedBy); row.bind(x.recorded)
        }
        try audit.record(db, .deadlineExtension(action: actionID), before: PlanFile.Extension?.none, after: x)
    }

    /// Marks an action complete with its evidence, as a progress update.
    @discardableResult
    public func completeAction(_ reference: String, date: CalendarDate, evidence: String, note: String?,
                               today: CalendarDate) throws -> Action {
        try Validation.text(evidence, field: "evidence")
        try Validation.notFuture(date, today: today, field: "date")
        return try progress(reference, date: date, today: today, refuse: { id, before in
            switch before.status {
            case .withdrawn:
                throw PlanError.refused("action \(id) (\(before.qualifiedRef)) is withdrawn; a withdrawn action cannot be completed")
            case .complete:
                throw PlanError.refused("action \(id) (\(before.qualifiedRef)) is already complete (\(before.completed?.iso ?? "no date"))")
            case .notStarted, .inProgress:
                break
            }
        }) { before in
            PlanFile.Update(action: before.qualifiedRef, date: date, author: actor, note: note ?? "Completed", status: .complete, percent: 100,
                            evidence: evidence)
        }
    }

    /// Withdraws an open action with a reason, as a progress update.
    @discardableResult
    public func withdrawAction(_ reference: String, reason: String, date: CalendarDate, today: CalendarDate) throws -> Action {
        try Validation.text(reason, field: "reason")
        try Validation.notFuture(date, today: today, field: "date")
        return try progress(reference, date: date, today: today, refuse: { id, before in
            guard before.status.isOpen else {
                throw PlanError.refused("action \(id) (\(before.qualifiedRef)) is \(before.status.rawValue); only an open action can be withdrawn")
            }
        }) { before in
            PlanFile.Update(action: before.qualifiedRef, date: date, author: actor, note: reason, status: .withdrawn)
        }
    }

    /// Records a linking review; the inspector defaults to the partnership's
    /// current link inspector. With `escalation`, the review also changes the
    /// escalation of the partnership's latest inspection, dated the review's day.
    @discardableResult
    public func addReview(_ review: PlanFile.Review, escalation: Escalation? = nil, today: CalendarDate? = nil) throws -> LinkingReview {
        if let today { try Validation.notFuture(review.date, today: today, field: "date") }
        return try write { db, audit in
            let stored = try PlanStore.insertReview(db, audit, review)
            if let escalation {
                guard let inspection = try PlanStore.latestInspection(db, partnership: review.partnership, asOf: review.date) else {
                    throw PlanError.refused("escalation: \(review.partnership) has no inspection published by \(review.date) to escalate")
                }
                _ = try PlanStore.recordInspectionChange(db, audit, inspection: inspection.key, on: review.date, escalation: escalation,
                                                     confidence: nil, reason: "\(review.kind.rawValue.replacingOccurrences(of: "-", with: " ").capitalizedFirst) on \(review.date): \(review.summary)")
            }
            return stored
        }
    }

    static func insertReview(_ db: any SQLConnection, _ audit: AuditWriter, _ r: PlanFile.Review) throws -> LinkingReview {
        try r.validate()
        let pid = try Lookup.partnershipID(db, r.partnership)
        var stored = r
        if stored.inspector == nil {
            stored.inspector = try db.one(String.self, sql: """
                SELECT inspector FROM link_assignment WHERE partnership_id = ? AND from_date <= ?
                  AND (to_date IS NULL OR to_date >= ?) ORDER BY from_date DESC LIMIT 1
                """, arguments: [pid, r.date, r.date])
        }
        if try db.one(Bool.self, sql: "SELECT EXISTS (SELECT 1 FROM linking_review WHERE partnership_id = ? AND on_date = ? AND kind = ?)",
                             arguments: [pid, r.date, r.kind]) == true {
            throw PlanError.duplicate(entity: "linking review", key: "\(r.partnership) \(r.kind.rawValue) on \(r.date)")
        }
        var actions: [(id: Int64, ref: String)] = []
        for reference in r.actions {
            let id = try Lookup.actionID(db, reference)
            guard let row = try db.row(sql: Select.action + " WHERE a.id = ?", arguments: [id]) else {
                throw PlanError.notFound(entity: "action", key: reference)
            }
            let owner: String? = row["partnership_key"]
            guard owner == r.partnership else {
                throw PlanError.refused("actions: action \(reference) belongs to \(owner ?? "another partnership"), not \(r.partnership)")
            }
            if !actions.contains(where: { $0.id == id }) { actions.append((id, try Action(row: row).qualifiedRef)) }
        }
        try db.run(sql: """
            INSERT INTO linking_review (partnership_id, on_date, inspector, kind, summary, confidence, next_due)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [pid, r.date, stored.inspector, r.kind, r.summary, r.confidence, r.next])
        let id = try db.lastInsertedID()
        for action in actions {
            try db.run(sql: "INSERT INTO review_action (review_id, action_id) VALUES (?, ?)", arguments: [id, action.id])
        }
        // The audit records the actions by natural key, in order, whatever form the user named them in.
        stored.actions = actions.map(\.ref).sorted()
        try audit.record(db, .linkingReview(partnership: r.partnership, on: r.date, kind: r.kind),
                         before: PlanFile.Review?.none, after: stored)
        return LinkingReview(id: id, partnership: r.partnership, date: r.date, inspector: stored.inspector, kind: r.kind,
                             summary: r.summary, actions: actions.map(\.id).sorted(), confidence: r.confidence, next: r.next)
    }
}

import Foundation
