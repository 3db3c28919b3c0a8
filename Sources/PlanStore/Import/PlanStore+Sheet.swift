import GRDB
import ImprovementPlan

/// Importing a council's action-plan spreadsheet into one inspection.
extension PlanStore {
    /// An inspection's actions, oldest first, as a spreadsheet import matches
    /// its rows against them.
    static let sheetActionsSQL = "SELECT title, ref FROM action WHERE inspection_id = ? ORDER BY id"

    /// Adds the sheet's actions to `inspection`, all or nothing. Each distinct
    /// area-for-improvement text becomes a finding (reused when the
    /// inspection has it already); a progress cell becomes the action's first
    /// update, dated `date`. A row whose reference (or, without one, whose
    /// title) matches an action already recorded with the same values is
    /// left alone; with different values it is a problem. Every problem is
    /// reported, each with its row.
    @discardableResult
    public func importSheet(_ rows: [SheetRow], inspection: String, date: CalendarDate,
                            today: CalendarDate, dryRun: Bool = false, progress: ((Int, Int) -> Void)? = nil) throws -> ImportSummary {
        try Validation.notFuture(date, today: today, field: "date")
        return try write(dryRun: dryRun, bulk: true) { db, audit in
            let iid = try Lookup.inspectionID(db, inspection)
            var summary = ImportSummary()
            var problems: [RowProblem] = []
            // The inspection's findings and action references, read once and kept
            // up to date as rows add to them: a sheet of 100,000 rows asks the
            // database nothing per row but to write.
            var findings = FindingIndex()
            for row in try db.rows(sql: "SELECT text, number, id FROM finding WHERE inspection_id = ?", arguments: [iid]) {
                findings.add(row[0], number: row[1], id: row[2])
            }
            var actions = ActionRefs()
            for row in try db.rows(sql: Self.sheetActionsSQL, arguments: [iid]) {
                actions.add(title: row[0], ref: row[1])
            }
            var createdHere: Set<String> = []
            // Rows this import adds, by reference; and the last id before it, so
            // that an Id column from another database never names a row added here.
            var addedRefs: [String: Int] = [:]
            let lastID = try db.one(Int64.self, sql: "SELECT max(id) FROM action") ?? 0
            for (index, row) in rows.enumerated() {
                progress?(index + 1, rows.count)
                do {
                    var numbers: [Int] = []
                    var findingIDs: [Int64] = []
                    if let area = row.area {
                        if let (number, id) = findings[area] {
                            numbers = [number]
                            findingIDs = [id]
                            if !createdHere.contains(area) { summary.count("findings", added: false) }
                        } else {
                            let next = findings.maxNumber + 1
                            let stored = try PlanStore.insertFinding(db, audit, Finding(inspection: inspection, number: next, kind: .improvement, text: area))
                            guard let id = stored.id else { throw StoreError.corrupt("finding without id") }
                            findings.add(area, number: next, id: id)
                            numbers = [next]
                            findingIDs = [id]
                            createdHere.insert(area)
                            summary.count("findings", added: true)
                        }
                    }
                    let status = row.status ?? (row.progress != nil ? .inProgress : .notStarted)
                    let ref = row.ref ?? actions.ref(titled: row.title)
                        ?? PlanStore.nextRef(count: actions.count, isTaken: actions.hasRef)
                    let completed = status == .complete ? (row.completed ?? date) : nil
                    let action = Action(inspection: inspection, ref: ref, findings: numbers, title: row.title,
                                        description: row.description, owner: row.owner, agency: row.agency, start: row.start,
                                        originalDue: row.originalDue ?? row.due, due: row.due, measure: row.measure,
                                        status: status, percent: row.percent ?? (status == .complete ? 100 : 0),
                                        completed: completed, evidence: row.evidence, selfAssessment: row.selfAssessment,
                                        created: date)
                    // A planwatch export's row names its action by id: the row is that
                    // action, whatever a spreadsheet did to its reference. An id this
                    // database does not hold (an export of another) is no match: the
                    // row is read by its reference, as any sheet's.
                    if let id = row.id, id <= lastID, let stored = try db.row(sql: Select.action + " WHERE a.id = ?", arguments: [id]) {
                        let existing = try Action(row: stored)
                        guard existing.inspection == inspection else {
                            throw PlanError.refused("column 'Id': action \(id) is \(existing.qualifiedRef), not an action of \(inspection) (leave the column out to add the rows as new actions)")
                        }
                        var asRecorded = action
                        asRecorded.ref = existing.ref
                        let differences = PlanStore.sheetDifferences(existing, asRecorded)
                        guard differences.isEmpty else {
                            throw PlanError.refused("action \(existing.qualifiedRef) (id \(id)) is already recorded with a different \(differences.joined(separator: ", "))")
                        }
                        summary.count("actions", added: false)
                        continue
                    }
                    // (The set compares text as Swift does, by canonical equivalence, SQLite by
                    // bytes: the row it finds, if any, decides.)
                    if actions.hasRef(ref),
                       let stored = try db.row(sql: Select.action + " WHERE a.inspection_id = ? AND a.ref = ?", arguments: [iid, ref]) {
                        let existing = try Action(row: stored)
                        let differences = PlanStore.sheetDifferences(existing, action)
                        if !differences.isEmpty, let first = addedRefs[ref] {
                            throw RowProblem(row: row.row, field: "ref", error: .refused(repeatedReference(ref, firstRow: first)))
                        }
                        guard differences.isEmpty else {
                            throw RowProblem(row: row.row, field: "ref", error: .refused(
                                "action \(inspection)/\(ref) is already recorded with a different \(differences.joined(separator: ", "))"))
                        }
                        summary.count("actions", added: false)
                        continue
                    }
                    let inserted = try PlanStore.writeAction(db, audit, action, inspectionID: iid, findingIDs: findingIDs)
                    actions.add(title: row.title, ref: ref)
                    addedRefs[ref] = row.row
                    summary.count("actions", added: true)
                    if let note = row.progress, let id = inserted.id {
                        try PlanStore.insertUpdate(db, audit, actionID: id,
                                                   ProgressUpdate(action: inserted.qualifiedRef, date: date, author: actor, note: note,
                                                                  status: row.status, percent: row.percent, evidence: row.evidence),
                                                   recordedAt: audit.timestamp, today: date)
                        summary.count("updates", added: true)
                    }
                } catch let problem as RowProblem {
                    problems.append(problem)
                } catch let error as PlanError {
                    problems.append(RowProblem(row: row.row, error: error))
                }
            }
            if !problems.isEmpty { throw PlanError.rowProblems(problems) }
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

/// An inspection's findings by text, held in memory during a spreadsheet import.
private struct FindingIndex {
    private var byText: [String: (number: Int, id: Int64)] = [:]
    private(set) var maxNumber = 0

    subscript(text: String) -> (number: Int, id: Int64)? { byText[text] }

    mutating func add(_ text: String, number: Int, id: Int64) {
        byText[text] = (number, id)
        maxNumber = max(maxNumber, number)
    }
}

/// An inspection's action references, and the first reference recorded for
/// each title, held in memory during a spreadsheet import.
private struct ActionRefs {
    private var refs: Set<String> = []
    private var refByTitle: [String: String] = [:]
    var count: Int { refs.count }

    func hasRef(_ ref: String) -> Bool { refs.contains(ref) }

    func ref(titled title: String) -> String? { refByTitle[title] }

    mutating func add(title: String, ref: String) {
        refs.insert(ref)
        if refByTitle[title] == nil { refByTitle[title] = ref }
    }
}
