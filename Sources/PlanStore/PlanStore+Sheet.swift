import GRDB
import ImprovementPlan

/// Importing a council's action-plan spreadsheet into one inspection.
extension PlanStore {
    /// Adds the sheet's actions to `inspection`, all or nothing. Each distinct
    /// area-for-improvement text becomes a finding (reused when the
    /// inspection has it already); a progress cell becomes the action's first
    /// update, dated `date`. A row whose reference (or, without one, whose
    /// title) matches an action already recorded with the same values is
    /// left alone; with different values it is a problem. Every problem is
    /// reported, each with its row.
    @discardableResult
    public func importSheet(_ rows: [SheetRow], inspection: String, refHeading: String = "Ref", date: CalendarDate,
                            dryRun: Bool = false, progress: ((Int, Int) -> Void)? = nil) throws -> ImportSummary {
        try write(dryRun: dryRun) { db, audit in
            let iid = try Lookup.inspectionID(db, inspection)
            var summary = ImportSummary()
            var problems: [String] = []
            var createdHere: Set<String> = []
            for (index, row) in rows.enumerated() {
                progress?(index + 1, rows.count)
                do {
                    var numbers: [Int] = []
                    if let area = row.area {
                        if let number = try db.one(Int.self, sql: "SELECT number FROM finding WHERE inspection_id = ? AND text = ?",
                                                         arguments: [iid, area]) {
                            numbers = [number]
                            if !createdHere.contains(area) { summary.count("findings", added: false) }
                        } else {
                            let next = try db.one(Int.self, sql: "SELECT coalesce(max(number), 0) + 1 FROM finding WHERE inspection_id = ?",
                                                        arguments: [iid]) ?? 1
                            _ = try PlanStore.insertFinding(db, audit, Finding(inspection: inspection, number: next, kind: .improvement, text: area))
                            numbers = [next]
                            createdHere.insert(area)
                            summary.count("findings", added: true)
                        }
                    }
                    let status = row.status ?? (row.progress != nil ? .inProgress : .notStarted)
                    let existingRef = try row.ref ?? db.one(String.self, sql: "SELECT ref FROM action WHERE inspection_id = ? AND title = ?",
                                                                      arguments: [iid, row.title])
                    let ref = try existingRef ?? PlanStore.nextRef(db, inspectionID: iid)
                    let completed = status == .complete ? (row.completed ?? date) : nil
                    let action = Action(inspection: inspection, ref: ref, findings: numbers, title: row.title,
                                        description: row.description, owner: row.owner, agency: row.agency, start: row.start,
                                        originalDue: row.originalDue ?? row.due, due: row.due, measure: row.measure,
                                        status: status, percent: row.percent ?? (status == .complete ? 100 : 0),
                                        completed: completed, evidence: row.evidence, selfAssessment: row.selfAssessment,
                                        created: date)
                    if let stored = try db.row(sql: Select.action + " WHERE a.inspection_id = ? AND a.ref = ?", arguments: [iid, ref]) {
                        let existing = try Action(row: stored)
                        let differences = PlanStore.sheetDifferences(existing, action)
                        guard differences.isEmpty else {
                            throw PlanError.refused("column '\(refHeading)': action \(inspection)/\(ref) is already recorded with a different \(differences.joined(separator: ", "))")
                        }
                        summary.count("actions", added: false)
                        continue
                    }
                    let inserted = try PlanStore.insertAction(db, audit, action)
                    summary.count("actions", added: true)
                    if let note = row.progress, let id = inserted.id {
                        try PlanStore.insertUpdate(db, audit, actionID: id,
                                                   ProgressUpdate(action: inserted.qualifiedRef, date: date, author: actor, note: note,
                                                                  status: row.status, percent: row.percent, evidence: row.evidence),
                                                   recordedAt: audit.timestamp)
                        summary.count("updates", added: true)
                    }
                } catch let error as PlanError {
                    problems.append("row \(row.row): \(error)")
                }
            }
            if !problems.isEmpty { throw PlanError.problems(problems) }
            return summary
        }
    }

    /// The fields a spreadsheet gives that differ between two actions.
    static func sheetDifferences(_ a: Action, _ b: Action) -> [String] {
        var fields: [String] = []
        if a.title != b.title { fields.append("action") }
        if a.owner != b.owner { fields.append("owner") }
        if a.agency != b.agency { fields.append("lead agency") }
        if a.due != b.due { fields.append("deadline") }
        if a.measure != b.measure { fields.append("measure of success") }
        if a.status != b.status { fields.append("status") }
        return fields
    }
}
