import GRDB
import ImprovementPlan

/// What a later deadline in a return becomes.
public enum LaterTimescales: Sendable {
    /// A deadline extension, recorded as `extend` records one (the CLI: whoever imports is trusted with the plan).
    case extend
    /// A requested extension, the deadline unchanged until an inspector agrees it (an officer's return through `planwatch serve`).
    case request
}

/// Importing a council's action-plan spreadsheet into one inspection: the
/// first sheet of a plan, and each return of it.
extension PlanStore {
    /// Takes a council's action-plan spreadsheet into `inspection`, all or
    /// nothing: the first sheet of a plan, or a return of it (docs/formats.md,
    /// "Returns"). Each row is matched to an action of the inspection
    /// (`RecordedPlan.match`); what a matched row changes is recorded as the
    /// ordinary audited change (`Action.reconciling` decides), and a row that
    /// matches nothing is a new action (a new area text a new finding; its
    /// progress cell its first update, dated `date`). Actions the sheet leaves
    /// out are reported, never touched. Every problem is reported, each with
    /// its row. `laterTimescales` says what a later deadline in a row
    /// becomes: an extension (the CLI), or a request for one that an
    /// inspector agrees or refuses (an officer's return through the server).
    /// `accept`, when given, sees the change list before it is
    /// committed and may refuse it by throwing (nothing is then written): a
    /// return confirmed after a preview is recorded only if it still makes
    /// the changes that were shown.
    @discardableResult
    public func importSheet(_ rows: [SheetRow], inspection: String, date: CalendarDate,
                            today: CalendarDate, dryRun: Bool = false, progress: ((Int, Int) -> Void)? = nil,
                            laterTimescales: LaterTimescales = .extend,
                            accept: ((ReturnReport) throws -> Void)? = nil) throws -> ReturnReport {
        try Validation.notFuture(date, today: today, field: "date")
        return try write(dryRun: dryRun, bulk: true) { db, audit in
            let iid = try Lookup.inspectionID(db, inspection)
            var report = ReturnReport(inspection: inspection, date: date)
            var problems: [RowProblem] = []
            // The inspection as recorded, read once and kept up to date as rows
            // add to it: a sheet of 100,000 rows asks the database nothing per
            // row but to write.
            var findings = FindingIndex()
            for row in try db.rows(sql: "SELECT text, number, id FROM finding WHERE inspection_id = ?", arguments: [iid]) {
                findings.add(try row.required(at: 0), number: try row.required(at: 1), id: try row.required(at: 2))
            }
            var plan = try RecordedPlan(db, inspectionID: iid)
            // The last id before this import, so that an Id column from another
            // database never names a row added here.
            let lastID = try db.one(Int64.self, sql: "SELECT max(id) FROM action") ?? 0
            let matches = try plan.match(rows, lastID: lastID, findings: findings, inspection: inspection) { id in
                guard let stored = try db.row(sql: Select.action + " WHERE a.id = ?", arguments: [id]) else { return nil }
                let same = try db.one(Bool.self, sql: """
                    SELECT (SELECT partnership_id FROM inspection WHERE id = a.inspection_id) = (SELECT partnership_id FROM inspection WHERE id = ?)
                    FROM action a WHERE a.id = ?
                    """, arguments: [iid, id]) ?? false
                return (try Action(row: stored), same)
            }
            // A reference two rows name: the second is refused, unless it repeats the first cell for cell.
            var firstRowOfRef: [String: Int] = [:]
            func isFirst(_ row: SheetRow, at index: Int, _ ref: String) throws -> Bool {
                guard let firstIndex = firstRowOfRef[ref] else {
                    firstRowOfRef[ref] = index
                    return true
                }
                let first = rows[firstIndex]
                guard first.sameCells(as: row) else {
                    throw RowProblem(row: row.row, field: "ref", error: .refused(repeatedReference(ref, firstRow: first.row)))
                }
                report.unchanged += 1
                return false
            }
            for (index, row) in rows.enumerated() {
                progress?(index + 1, rows.count)
                do {
                    switch matches[index] {
                    case .problem(let problem):
                        throw problem
                    case .action(let position):
                        let ref = plan.actions[position].ref
                        guard try isFirst(row, at: index, ref) else { continue }
                        let changes = try reconcile(db, audit, row, with: &plan, at: position, date: date, today: today,
                                                    laterTimescales: laterTimescales)
                        if changes.isEmpty { report.unchanged += 1 } else { report.items.append(ReturnItem(ref: ref, row: row.row, changes: changes)) }
                    case .none:
                        let ref = row.ref ?? PlanStore.nextRef(count: plan.count, isTaken: plan.hasRef)
                        guard try isFirst(row, at: index, ref) else { continue }
                        let changes = try add(db, audit, row, ref: ref, inspection: inspection, inspectionID: iid,
                                              findings: &findings, plan: &plan, date: date)
                        report.items.append(ReturnItem(ref: ref, row: row.row, changes: changes))
                    }
                } catch let problem as RowProblem {
                    problems.append(problem)
                } catch let error as PlanError {
                    problems.append(RowProblem(row: row.row, error: error))
                }
            }
            if !problems.isEmpty { throw PlanError.rowProblems(problems) }
            report.notInReturn = plan.unclaimed.map { ReturnItem(ref: $0.ref, row: nil, changes: [], status: $0.status) }
            try accept?(report)
            return report
        }
    }

    /// Records what a row changes in the action it matched: the edit of its
    /// words, then the extension, then the progress update, each audited as
    /// `action edit`, `extend` and `update` audit theirs.
    private func reconcile(_ db: any SQLConnection, _ audit: AuditWriter, _ row: SheetRow, with plan: inout RecordedPlan, at position: Int,
                           date: CalendarDate, today: CalendarDate, laterTimescales: LaterTimescales) throws -> [ReturnChange] {
        let before = plan.actions[position]
        let decided = try before.reconciling(row, latestNote: plan.latestNote(position), date: date, actor: actor)
        guard !decided.isEmpty, let id = before.id else { return decided.changes }
        if laterTimescales == .request, let to = decided.extendedTo {
            // The deadline stands: the later one is asked of the link inspector, and the row's other changes are recorded.
            _ = try PlanStore.insertExtensionRequest(db, audit, action: before, id: id, to: to, reason: "return of \(date)")
            var rest = decided
            rest.extendedTo = nil
            try record(db, audit, rest, before: before, id: id, with: &plan, at: position, date: date, today: today)
            return decided.changes.map { change in
                if case let .extended(from, to) = change { return .extensionRequested(from: from, to: to) }
                return change
            }
        }
        try record(db, audit, decided, before: before, id: id, with: &plan, at: position, date: date, today: today)
        return decided.changes
    }

    /// Records what a row's reconciliation decided for one action.
    private func record(_ db: any SQLConnection, _ audit: AuditWriter, _ decided: RowReconciliation, before: Action, id: Int64,
                        with plan: inout RecordedPlan, at position: Int, date: CalendarDate, today: CalendarDate) throws {
        var current = before
        func save(_ after: Action) throws {
            if after != current { try PlanStore.saveAction(db, audit, before: current, after: after) }
            current = after
        }
        try save(decided.edited)
        if let to = decided.extendedTo, let from = current.due {
            try PlanStore.insertExtension(db, audit, actionID: id, PlanFile.Extension(
                action: current.qualifiedRef, from: from, to: to, reason: "return of \(date)", agreedBy: nil, recorded: date))
            var after = current
            after.due = to
            try save(after)
        }
        if let update = decided.update {
            try PlanStore.insertUpdate(db, audit, actionID: id, update, recordedAt: audit.timestamp, today: today)
            try save(try current.applying(update))
            plan.noteAdded(update.note, at: position)
        }
        plan.replace(current, at: position)
    }

    /// Adds a row that matched no action: a new action (and finding, for a
    /// new area text), its progress cell its first update.
    private func add(_ db: any SQLConnection, _ audit: AuditWriter, _ row: SheetRow, ref: String, inspection: String, inspectionID: Int64,
                     findings: inout FindingIndex, plan: inout RecordedPlan, date: CalendarDate) throws -> [ReturnChange] {
        var changes: [ReturnChange] = []
        var numbers: [Int] = []
        var findingIDs: [Int64] = []
        if let area = row.area {
            if let (number, id) = findings[area] {
                numbers = [number]
                findingIDs = [id]
            } else {
                let next = findings.maxNumber + 1
                let stored = try PlanStore.insertFinding(db, audit, Finding(inspection: inspection, number: next, kind: .improvement, text: area))
                guard let id = stored.id else { throw StoreError.corrupt("finding without id") }
                findings.add(area, number: next, id: id)
                numbers = [next]
                findingIDs = [id]
                changes.append(.newFinding(number: next, text: area))
            }
        }
        let status = row.status ?? (row.progress != nil ? .inProgress : .notStarted)
        let completed = status == .complete ? (row.completed ?? date) : nil
        let action = Action(inspection: inspection, ref: ref, findings: numbers, title: row.title,
                            description: row.description, owner: row.owner, agency: row.agency, start: row.start,
                            originalDue: row.originalDue ?? row.due, due: row.due, measure: row.measure,
                            status: status, percent: row.percent ?? (status == .complete ? 100 : 0),
                            completed: completed, evidence: row.evidence, selfAssessment: row.selfAssessment,
                            created: date)
        let inserted = try PlanStore.writeAction(db, audit, action, inspectionID: inspectionID, findingIDs: findingIDs)
        changes.append(.added(title: row.title, finding: numbers.first))
        plan.added(ref)
        if let note = row.progress, let id = inserted.id {
            try PlanStore.insertUpdate(db, audit, actionID: id,
                                       ProgressUpdate(action: inserted.qualifiedRef, date: date, author: actor, note: note,
                                                      status: row.status, percent: row.percent, evidence: row.evidence),
                                       recordedAt: audit.timestamp, today: date)
            changes.append(.progress(note: note))
        }
        return changes
    }
}

/// An inspection's findings by text, held in memory during a spreadsheet import.
struct FindingIndex {
    private var byText: [String: (number: Int, id: Int64)] = [:]
    private(set) var maxNumber = 0

    subscript(text: String) -> (number: Int, id: Int64)? { byText[text] }

    mutating func add(_ text: String, number: Int, id: Int64) {
        byText[text] = (number, id)
        maxNumber = max(maxNumber, number)
    }
}

/// What a row of a sheet matched.
enum RowMatch {
    /// The action at this position of `RecordedPlan.actions`.
    case action(Int)
    case problem(RowProblem)
}

/// An inspection's actions as recorded, with each one's latest progress
/// note, held in memory while a sheet is matched and reconciled against them;
/// and the references of the actions the sheet adds (only their references:
/// no later row of the sheet can match them but by reference).
struct RecordedPlan {
    private(set) var actions: [Action] = []
    private var addedRefs: Set<String> = []
    private var position: [String: Int] = [:]
    private var notes: [String?] = []
    private var claimed: [Bool] = []

    /// The inspection's actions, oldest first.
    static let actionsSQL = Select.action + " WHERE a.inspection_id = ? ORDER BY a.id"
    /// Each action's progress notes, in the order they were made: the last is its latest.
    static let notesSQL = """
        SELECT u.action_id, u.note FROM progress_update u JOIN action a ON a.id = u.action_id
        WHERE a.inspection_id = ? ORDER BY u.on_date, u.id
        """

    init(_ db: any SQLConnection, inspectionID: Int64) throws {
        var byID: [Int64: Int] = [:]
        for row in try db.rows(sql: Self.actionsSQL, arguments: [inspectionID]) {
            let action = try Action(row: row)
            if let id = action.id { byID[id] = actions.count }
            position[action.ref] = actions.count
            actions.append(action)
            notes.append(nil)
            claimed.append(false)
        }
        guard !actions.isEmpty else { return }
        for row in try db.rows(sql: Self.notesSQL, arguments: [inspectionID]) {
            if let id: Int64 = row[0], let at = byID[id] { notes[at] = row[1] }
        }
    }

    /// A reference the sheet gave a new action.
    mutating func added(_ ref: String) { addedRefs.insert(ref) }

    /// Actions recorded and added.
    var count: Int { actions.count + addedRefs.count }

    func hasRef(_ ref: String) -> Bool { position[ref] != nil || addedRefs.contains(ref) }

    func latestNote(_ at: Int) -> String? { notes[at] }

    mutating func replace(_ action: Action, at: Int) { actions[at] = action }

    mutating func noteAdded(_ note: String, at: Int) { notes[at] = note }

    /// The actions no row of the sheet matched.
    var unclaimed: [Action] { actions.indices.filter { !claimed[$0] }.map { actions[$0] } }

    /// Each row's action, or nil for a new one. A planwatch export's Id
    /// column names its action, whatever a spreadsheet did to its reference
    /// (an id this database does not hold, from an export of another, is no
    /// match); then the reference; then, for a row with no reference, the
    /// oldest action not yet matched with the same title (case and spacing
    /// aside) and, when the row gives one, the same area for improvement. A
    /// reference the plan does not hold is a new action.
    mutating func match(_ rows: [SheetRow], lastID: Int64, findings: FindingIndex, inspection: String,
                        action lookUp: (Int64) throws -> (action: Action, samePartnership: Bool)?) throws -> [RowMatch?] {
        var matches = [RowMatch?](repeating: nil, count: rows.count)
        var byID: [Int64: Int] = [:]
        for (at, action) in actions.enumerated() { if let id = action.id { byID[id] = at } }
        var unreferenced: [Int] = []
        for (index, row) in rows.enumerated() {
            if let id = row.id, id <= lastID {
                if let at = byID[id] {
                    matches[index] = .action(at)
                    claimed[at] = true
                    continue
                }
                if let other = try lookUp(id) {
                    // Named only when it is another inspection of the same partnership: a return uploaded to the
                    // server must not learn another partnership's references by probing ids.
                    let named = other.samePartnership ? "is \(other.action.qualifiedRef), not" : "is not"
                    matches[index] = .problem(RowProblem(row: row.row, field: "id", error: .refused(
                        "action \(id) \(named) an action of \(inspection) (leave the column out to add the rows as new actions)")))
                    continue
                }
            }
            if let ref = row.ref {
                if let at = position[ref] {
                    matches[index] = .action(at)
                    claimed[at] = true
                }
            } else {
                unreferenced.append(index)
            }
        }
        guard !unreferenced.isEmpty else { return matches }
        var byTitle: [String: [Int]] = [:]
        for at in actions.indices where !claimed[at] { byTitle[Self.titleKey(actions[at].title), default: []].append(at) }
        for index in unreferenced {
            let row = rows[index]
            let area = row.area.map { findings[$0]?.number }
            if area == .some(nil) { continue }  // a new area text: a new action
            guard let candidates = byTitle[Self.titleKey(row.title)],
                  let at = candidates.first(where: { !claimed[$0] && (area == nil || actions[$0].findings.contains(area!!)) })
            else { continue }
            matches[index] = .action(at)
            claimed[at] = true
        }
        return matches
    }

    /// A title as matching compares it: case and runs of spaces aside.
    static func titleKey(_ title: String) -> String {
        title.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

extension SheetRow {
    /// The same cells, whatever row they are on.
    func sameCells(as other: SheetRow) -> Bool {
        var moved = other
        moved.row = row
        return moved == self
    }
}
