import GRDB
import ImprovementPlan

/// Recording an inspection and what follows it: partnerships, link
/// inspectors, quality indicators, inspections, grades, findings, plans.
extension PlanStore {
    /// Makes a new database ready: the known quality indicators.
    public func initialise() throws {
        try write { db, audit in
            for qi in QualityIndicator.known {
                try PlanStore.insertQualityIndicator(db, audit, qi, skipExisting: true)
            }
        }
    }

    public func addPartnership(_ partnership: Partnership) throws {
        try partnership.validate()
        try write { db, audit in try PlanStore.insertPartnership(db, audit, partnership) }
    }

    static func insertPartnership(_ db: any SQLConnection, _ audit: AuditWriter, _ p: Partnership) throws {
        try p.validate()
        if try db.one(Bool.self, sql: "SELECT EXISTS (SELECT 1 FROM partnership WHERE key = ?)", arguments: [p.key]) == true {
            throw PlanError.duplicate(entity: "partnership", key: p.key)
        }
        try db.run(sql: """
            INSERT INTO partnership (key, name, council, health_board, police_division, other_partners)
            VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [p.key, p.name, p.council, p.healthBoard, p.policeDivision, JSONColumn.encode(p.otherPartners)])
        try audit.record(db, .partnership(p.key), before: Partnership?.none, after: p)
    }

    /// Assigns a link inspector from a date; the previous current assignment ends the day before.
    public func linkInspector(partnership: String, inspector: String, from: CalendarDate) throws {
        try write { db, audit in
            try PlanStore.insertLink(db, audit, LinkAssignment(partnership: partnership, inspector: inspector, from: from))
        }
    }

    static func insertLink(_ db: any SQLConnection, _ audit: AuditWriter, _ link: LinkAssignment) throws {
        try link.validate()
        let pid = try Lookup.partnershipID(db, link.partnership)
        let rows = try db.rows(sql: Select.link + " WHERE l.partnership_id = ? ORDER BY l.from_date", arguments: [pid])
        let existing = try rows.map(LinkAssignment.init(row:))
        if existing.contains(where: { $0.from == link.from }) {
            throw PlanError.duplicate(entity: "link assignment", key: "\(link.partnership) from \(link.from)")
        }
        if let current = existing.last, current.to == nil, link.to == nil {
            guard link.from > current.from else {
                throw PlanError.refused("from: \(link.from) is not after the current assignment's start (\(current.from))")
            }
            var ended = current
            ended.to = link.from.adding(days: -1)
            try db.run(sql: "UPDATE link_assignment SET to_date = ? WHERE partnership_id = ? AND from_date = ?",
                           arguments: [ended.to, pid, current.from])
            try audit.record(db, .linkAssignment(partnership: link.partnership, from: current.from), before: current, after: ended)
        }
        try db.run(sql: "INSERT INTO link_assignment (partnership_id, inspector, from_date, to_date) VALUES (?, ?, ?, ?)",
                       arguments: [pid, link.inspector, link.from, link.to])
        try audit.record(db, .linkAssignment(partnership: link.partnership, from: link.from), before: LinkAssignment?.none, after: link)
    }

    public func addQualityIndicator(_ qi: QualityIndicator) throws {
        try write { db, audit in try PlanStore.insertQualityIndicator(db, audit, qi, skipExisting: false) }
    }

    static func insertQualityIndicator(_ db: any SQLConnection, _ audit: AuditWriter, _ qi: QualityIndicator, skipExisting: Bool) throws {
        try qi.validate()
        let sameCode = try qi.code.map { try db.row(sql: Select.qi + " WHERE q.code = ?", arguments: [$0]) } ?? nil
        let sameName = try db.row(sql: Select.qi + " WHERE lower(q.name) = lower(?)", arguments: [qi.name])
        if let existing = sameCode ?? sameName {
            if skipExisting, try QualityIndicator(row: existing) == qi { return }
            throw PlanError.duplicate(entity: "quality indicator", key: qi.reference)
        }
        try db.run(sql: "INSERT INTO quality_indicator (code, name, framework) VALUES (?, ?, ?)",
                       arguments: [qi.code, qi.name, qi.framework])
        try audit.record(db, .qualityIndicator(qi.reference), before: QualityIndicator?.none, after: qi)
    }

    /// Records an inspection and opens its (draft) action plan.
    public func recordInspection(_ inspection: Inspection) throws {
        try inspection.validate()
        try write { db, audit in try PlanStore.insertInspection(db, audit, inspection) }
    }

    static func insertInspection(_ db: any SQLConnection, _ audit: AuditWriter, _ i: Inspection) throws {
        try i.validate()
        let pid = try Lookup.partnershipID(db, i.partnership)
        if try db.one(Bool.self, sql: "SELECT EXISTS (SELECT 1 FROM inspection WHERE key = ?)", arguments: [i.key]) == true {
            throw PlanError.duplicate(entity: "inspection", key: i.key)
        }
        try db.run(sql: """
            INSERT INTO inspection (key, partnership_id, title, lead_inspectorate, scrutiny_partners, fieldwork_start,
              fieldwork_end, published, plan_due, confidence, escalation, summary, source)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [i.key, pid, i.title, i.leadInspectorate, JSONColumn.encode(i.scrutinyPartners),
                             i.fieldworkStart, i.fieldworkEnd, i.published, i.planDue, i.confidence, i.escalation,
                             i.summary, i.source])
        let inspectionID = try db.lastInsertedID()
        try audit.record(db, .inspection(i.key), before: Inspection?.none, after: i)
        let plan = ActionPlan(inspection: i.key)
        try db.run(sql: "INSERT INTO action_plan (inspection_id, status) VALUES (?, 'draft')", arguments: [inspectionID])
        try audit.record(db, .actionPlan(inspection: i.key), before: ActionPlan?.none, after: plan)
    }

    /// Grades one quality indicator; grading it again replaces the grade (audited).
    public func grade(inspection: String, qi: String, grade: Grade) throws {
        try write { db, audit in try PlanStore.upsertEvaluation(db, audit, Evaluation(inspection: inspection, qi: qi, grade: grade)) }
    }

    static func upsertEvaluation(_ db: any SQLConnection, _ audit: AuditWriter, _ e: Evaluation) throws {
        let iid = try Lookup.inspectionID(db, e.inspection)
        let qid = try Lookup.qiID(db, e.qi)
        let ref = try db.one(String.self, sql: "SELECT coalesce(code, name) FROM quality_indicator WHERE id = ?", arguments: [qid]) ?? e.qi
        var stored = e
        stored.qi = ref
        let subject = AuditSubject.evaluation(inspection: e.inspection, qi: ref)
        let old = try db.one(Int.self, sql: "SELECT grade FROM evaluation WHERE inspection_id = ? AND qi_id = ?", arguments: [iid, qid])
        if let old {
            if old == e.grade.value { return }
            try db.run(sql: "UPDATE evaluation SET grade = ? WHERE inspection_id = ? AND qi_id = ?",
                           arguments: [e.grade.value, iid, qid])
            var before = stored
            before.grade = Grade(old) ?? e.grade
            try audit.record(db, subject, before: before, after: stored)
        } else {
            try db.run(sql: "INSERT INTO evaluation (inspection_id, qi_id, grade) VALUES (?, ?, ?)",
                           arguments: [iid, qid, e.grade.value])
            try audit.record(db, subject, before: Evaluation?.none, after: stored)
        }
    }

    /// Adds a finding as the inspection's next numbered one; returns it with its id.
    @discardableResult
    public func addFinding(inspection: String, kind: FindingKind, text: String, qi: String?, themes: [String]) throws -> Finding {
        return try write { db, audit in
            let iid = try Lookup.inspectionID(db, inspection)
            let next = try db.one(Int.self, sql: "SELECT coalesce(max(number), 0) + 1 FROM finding WHERE inspection_id = ?", arguments: [iid]) ?? 1
            let finding = Finding(inspection: inspection, number: next, kind: kind, text: text, qi: qi, themes: themes)
            return try PlanStore.insertFinding(db, audit, finding)
        }
    }

    static func insertFinding(_ db: any SQLConnection, _ audit: AuditWriter, _ f: Finding) throws -> Finding {
        try f.validate()
        let iid = try Lookup.inspectionID(db, f.inspection)
        let qid = try f.qi.map { try Lookup.qiID(db, $0) }
        if try db.one(Bool.self, sql: "SELECT EXISTS (SELECT 1 FROM finding WHERE inspection_id = ? AND text = ?)", arguments: [iid, f.text]) == true {
            throw PlanError.duplicate(entity: "finding", key: "\(f.inspection): \(f.text.prefix(60))")
        }
        if try db.one(Bool.self, sql: "SELECT EXISTS (SELECT 1 FROM finding WHERE inspection_id = ? AND number = ?)", arguments: [iid, f.number]) == true {
            throw PlanError.duplicate(entity: "finding", key: "\(f.inspection) #\(f.number)")
        }
        try db.run(sql: "INSERT INTO finding (inspection_id, number, kind, text, qi_id, themes) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [iid, f.number, f.kind, f.text, qid, JSONColumn.encode(f.themes)])
        var stored = f
        stored.id = try db.lastInsertedID()
        if let qid { stored.qi = try db.one(String.self, sql: "SELECT coalesce(code, name) FROM quality_indicator WHERE id = ?", arguments: [qid]) }
        try audit.record(db, .finding(inspection: f.inspection, number: f.number), before: Finding?.none, after: stored)
        return stored
    }

    /// Records the plan's submission to the Care Inspectorate.
    public func submitPlan(inspection: String, on date: CalendarDate) throws {
        try write { db, audit in
            guard let plan = try Lookup.plan(db, inspection: inspection) else { throw try Lookup.unknown(db, "inspection", inspection) }
            guard plan.status == .draft else {
                throw PlanError.refused("the plan for \(inspection) is already \(plan.status.rawValue)")
            }
            let published = try db.one(CalendarDate.self, sql: "SELECT published FROM inspection WHERE key = ?", arguments: [inspection])
            if let published, date < published {
                throw PlanError.refused("date: \(date) is before the inspection was published (\(published))")
            }
            var after = plan
            after.status = .submitted
            after.submitted = date
            try PlanStore.savePlan(db, audit, before: plan, after: after)
        }
    }

    /// Records the Care Inspectorate's agreement of a submitted plan.
    public func agreePlan(inspection: String, on date: CalendarDate, by: String) throws {
        try Validation.line(by, field: "by")
        try write { db, audit in
            guard let plan = try Lookup.plan(db, inspection: inspection) else { throw try Lookup.unknown(db, "inspection", inspection) }
            guard plan.status == .submitted, let submitted = plan.submitted else {
                throw PlanError.refused("the plan for \(inspection) is \(plan.status.rawValue); only a submitted plan can be agreed")
            }
            guard date >= submitted else {
                throw PlanError.refused("date: \(date) is before the plan was submitted (\(submitted))")
            }
            var after = plan
            after.status = .agreed
            after.agreed = date
            after.agreedBy = by
            try PlanStore.savePlan(db, audit, before: plan, after: after)
        }
    }

    /// Closes a submitted or agreed plan: follow-up of the inspection ends.
    public func closePlan(inspection: String, on date: CalendarDate, today: CalendarDate) throws {
        try Validation.notFuture(date, today: today, field: "date")
        try write { db, audit in
            guard let plan = try Lookup.plan(db, inspection: inspection) else { throw try Lookup.unknown(db, "inspection", inspection) }
            guard plan.status == .submitted || plan.status == .agreed else {
                throw PlanError.refused("the plan for \(inspection) is \(plan.status.rawValue); only a submitted or agreed plan can be closed")
            }
            var after = plan
            after.status = .closed
            after.closed = date
            try PlanStore.savePlan(db, audit, before: plan, after: after)
        }
    }

    /// Records a change of an inspection's escalation or confidence after the
    /// inspection, dated; the inspection keeps the present values.
    @discardableResult
    public func changeInspection(_ key: String, on date: CalendarDate, escalation: Escalation?, confidence: Confidence?,
                                 reason: String, today: CalendarDate) throws -> InspectionChange {
        try Validation.notFuture(date, today: today, field: "date")
        return try write { db, audit in
            try PlanStore.recordInspectionChange(db, audit, inspection: key, on: date, escalation: escalation, confidence: confidence,
                                                 reason: reason)
        }
    }

    static func recordInspectionChange(_ db: any SQLConnection, _ audit: AuditWriter, inspection key: String, on date: CalendarDate,
                                       escalation: Escalation?, confidence: Confidence?, reason: String) throws -> InspectionChange {
        guard let row = try db.row(sql: Select.inspection + " WHERE i.key = ?", arguments: [key]) else {
            throw try Lookup.unknown(db, "inspection", key)
        }
        let before = try Inspection(row: row)
        if let published = before.published, date < published {
            throw PlanError.refused("date: \(date) is before the inspection was published (\(published))")
        }
        if let latest = try db.one(CalendarDate.self, sql: "SELECT max(on_date) FROM inspection_change WHERE inspection_id = ?",
                                   arguments: [try Lookup.inspectionID(db, key)]), date <= latest {
            throw PlanError.refused("date: \(date) is not after the last change of \(key) (\(latest)); changes are recorded in date order")
        }
        let newEscalation = escalation == before.escalation ? nil : escalation
        let newConfidence = confidence == before.confidence ? nil : confidence
        guard newEscalation != nil || newConfidence != nil else {
            throw PlanError.refused("\(key) already has escalation \(before.escalation.rawValue) and confidence \(before.confidence?.rawValue ?? "none"): nothing changes")
        }
        let change = InspectionChange(inspection: key, date: date, escalation: newEscalation,
                                      fromEscalation: newEscalation == nil ? nil : before.escalation,
                                      confidence: newConfidence, fromConfidence: newConfidence == nil ? nil : before.confidence,
                                      reason: reason)
        try insertInspectionChange(db, audit, change)
        var after = before
        if let newEscalation { after.escalation = newEscalation }
        if let newConfidence { after.confidence = newConfidence }
        try saveInspectionStanding(db, audit, before: before, after: after)
        return change
    }

    static func insertInspectionChange(_ db: any SQLConnection, _ audit: AuditWriter, _ c: InspectionChange) throws {
        try c.validate()
        let iid = try Lookup.inspectionID(db, c.inspection)
        if try db.one(Bool.self, sql: "SELECT EXISTS (SELECT 1 FROM inspection_change WHERE inspection_id = ? AND on_date = ?)",
                      arguments: [iid, c.date]) == true {
            throw PlanError.duplicate(entity: "inspection change", key: "\(c.inspection) on \(c.date)")
        }
        try db.run(sql: """
            INSERT INTO inspection_change (inspection_id, on_date, escalation, from_escalation, confidence, from_confidence, reason)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [iid, c.date, c.escalation, c.fromEscalation, c.confidence, c.fromConfidence, c.reason])
        try audit.record(db, .inspectionChange(inspection: c.inspection, on: c.date), before: InspectionChange?.none, after: c)
    }

    /// Writes an inspection's present escalation and confidence.
    static func saveInspectionStanding(_ db: any SQLConnection, _ audit: AuditWriter, before: Inspection, after: Inspection) throws {
        try db.run(sql: "UPDATE inspection SET escalation = ?, confidence = ? WHERE key = ?",
                   arguments: [after.escalation, after.confidence, after.key])
        try audit.record(db, .inspection(after.key), before: before, after: after)
    }

    static func savePlan(_ db: any SQLConnection, _ audit: AuditWriter, before: ActionPlan?, after: ActionPlan) throws {
        try after.validate()
        let iid = try Lookup.inspectionID(db, after.inspection)
        try db.run(sql: """
            INSERT INTO action_plan (inspection_id, status, submitted_on, agreed_on, agreed_by, closed_on) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (inspection_id) DO UPDATE SET status = excluded.status, submitted_on = excluded.submitted_on,
              agreed_on = excluded.agreed_on, agreed_by = excluded.agreed_by, closed_on = excluded.closed_on
            """, arguments: [iid, after.status, after.submitted, after.agreed, after.agreedBy, after.closed])
        try audit.record(db, .actionPlan(inspection: after.inspection), before: before, after: after)
    }
}

import Foundation
