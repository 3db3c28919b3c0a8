/// A partnership's return: its action plan sent back with progress, read
/// against the plan as recorded (docs/formats.md, "Returns"). These are the
/// rules; the store matches rows to actions and writes what they decide.

/// One thing a return changes, as a value: the store records it, the formats
/// word it (a change list, JSON).
public enum ReturnChange: Hashable, Sendable {
    /// A row that matched no action: a new action, answering finding `finding`.
    case added(title: String, finding: Int?)
    /// A new area-for-improvement text: a new finding of the inspection.
    case newFinding(number: Int, text: String)
    case progress(note: String)
    case status(from: ActionStatus, to: ActionStatus)
    case percent(from: Int, to: Int)
    /// A later timescale: a deadline extension.
    case extended(from: CalendarDate, to: CalendarDate)
    /// A later timescale in a return uploaded to `planwatch serve` by an officer: a requested extension,
    /// the deadline unchanged until a link inspector agrees it.
    case extensionRequested(from: CalendarDate, to: CalendarDate)
    case selfAssessment(from: SelfAssessment?, to: SelfAssessment)
    /// A correction of the action's own words: field name (as `action edit`
    /// names it), before and after.
    case edited(field: String, from: String?, to: String?)
}

/// One action a return touches: the row that names it and what it changes,
/// or (`row` nil) an action of the plan the return leaves out.
public struct ReturnItem: Hashable, Sendable {
    public var ref: String
    public var row: Int?
    public var changes: [ReturnChange]
    /// For an action left out of the return: its status (a closed action
    /// dropped from a return is everyday; an open one is worth asking about).
    public var status: ActionStatus?

    public init(ref: String, row: Int?, changes: [ReturnChange], status: ActionStatus? = nil) {
        self.ref = ref; self.row = row; self.changes = changes; self.status = status
    }
}

/// A whole return, reconciled: the actions it changes or adds in the order of
/// its rows, those it leaves out, and how many rows changed nothing.
public struct ReturnReport: Hashable, Sendable {
    public var inspection: String
    public var date: CalendarDate
    public var items: [ReturnItem] = []
    public var unchanged = 0
    public var notInReturn: [ReturnItem] = []

    public init(inspection: String, date: CalendarDate) {
        self.inspection = inspection; self.date = date
    }

    /// What the return changes, counted by kind, for the summary line.
    public var counts: ReturnCounts {
        var counts = ReturnCounts()
        for item in items {
            var edited = false
            for change in item.changes {
                switch change {
                case .added: counts.newActions += 1
                case .newFinding: counts.newFindings += 1
                case .extended: counts.extensions += 1
                case .extensionRequested: counts.extensionRequests += 1
                case .edited, .selfAssessment: edited = true
                case .progress, .status, .percent: break
                }
            }
            if item.changes.contains(where: \.isUpdate) { counts.updates += 1 }
            if edited, !item.changes.contains(where: \.isAddition) { counts.edited += 1 }
        }
        counts.unchanged = unchanged
        counts.notInReturn = notInReturn.count
        return counts
    }
}

/// The summary of a return, by kind of change.
public struct ReturnCounts: Hashable, Sendable, Codable {
    public var newActions = 0
    public var newFindings = 0
    /// Progress updates, status changes and completions (one per action).
    public var updates = 0
    public var extensions = 0
    /// Later timescales asked of the link inspector (returns through the server); encoded only when there are some.
    public var extensionRequests = 0
    /// Actions whose words or self-assessment changed.
    public var edited = 0
    public var unchanged = 0
    public var notInReturn = 0

    public init() {}

    public var changed: Int { newActions + newFindings + updates + extensions + extensionRequests + edited }

    enum CodingKeys: String, CodingKey { case newActions, newFindings, updates, extensions, extensionRequests, edited, unchanged, notInReturn }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        newActions = try c.decode(Int.self, forKey: .newActions); newFindings = try c.decode(Int.self, forKey: .newFindings)
        updates = try c.decode(Int.self, forKey: .updates); extensions = try c.decode(Int.self, forKey: .extensions)
        extensionRequests = try c.decodeIfPresent(Int.self, forKey: .extensionRequests) ?? 0
        edited = try c.decode(Int.self, forKey: .edited); unchanged = try c.decode(Int.self, forKey: .unchanged)
        notInReturn = try c.decode(Int.self, forKey: .notInReturn)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(newActions, forKey: .newActions); try c.encode(newFindings, forKey: .newFindings)
        try c.encode(updates, forKey: .updates); try c.encode(extensions, forKey: .extensions)
        // Only a return through the server asks for extensions: the CLI's JSON stays as it was.
        if extensionRequests > 0 { try c.encode(extensionRequests, forKey: .extensionRequests) }
        try c.encode(edited, forKey: .edited); try c.encode(unchanged, forKey: .unchanged); try c.encode(notInReturn, forKey: .notInReturn)
    }
}

extension ReturnChange {
    /// Recorded as (part of) a progress update.
    public var isUpdate: Bool {
        switch self {
        case .progress, .status, .percent: return true
        default: return false
        }
    }

    var isAddition: Bool {
        if case .added = self { return true }
        return false
    }
}

/// What one row of a return does to the action it matched, in the order the
/// store records it: the edit of its words (and self-assessment), then the
/// extension, then the progress update.
public struct RowReconciliation: Sendable, Equatable {
    /// The action with its words and self-assessment as the return gives them
    /// (equal to the action when they are unchanged).
    public var edited: Action
    /// The later deadline the return gives.
    public var extendedTo: CalendarDate?
    /// The progress update the return's progress, status and percent make.
    public var update: ProgressUpdate?
    public var changes: [ReturnChange]

    public var isEmpty: Bool { changes.isEmpty }
}

extension Action {
    /// What `row`, matched to this action, changes, or the problem that stops
    /// the return. `latestNote` is the action's latest progress note; `date`
    /// the return's date; `actor` who records it.
    ///
    /// A cell the row leaves blank changes nothing (a return never clears or
    /// deletes); a later timescale is an extension, an earlier one refused; a
    /// status moves only forward (not started → in progress → complete, or
    /// withdrawn from either open state); a progress note already the latest is
    /// not recorded again; "complete" needs evidence, and takes the progress
    /// cell as its evidence when the row has none.
    public func reconciling(_ row: SheetRow, latestNote: String?, date: CalendarDate, actor: String) throws(RowProblem) -> RowReconciliation {
        let name = "action \(qualifiedRef)"
        func problem(_ field: String, _ text: String) -> RowProblem { RowProblem(row: row.row, field: field, error: .refused(text)) }
        var changes: [ReturnChange] = []
        var edited = self
        func edit(_ field: String, _ keyPath: WritableKeyPath<Action, String>, _ value: String?) {
            guard let value, value != edited[keyPath: keyPath] else { return }
            changes.append(.edited(field: field, from: edited[keyPath: keyPath], to: value))
            edited[keyPath: keyPath] = value
        }
        func edit(_ field: String, _ keyPath: WritableKeyPath<Action, String?>, _ value: String?) {
            guard let value, value != edited[keyPath: keyPath] else { return }
            changes.append(.edited(field: field, from: edited[keyPath: keyPath], to: value))
            edited[keyPath: keyPath] = value
        }
        edit("title", \.title, row.title)
        edit("description", \.description, row.description)
        edit("owner", \.owner, row.owner.normalisedName)
        edit("agency", \.agency, row.agency.normalisedName)
        edit("measure", \.measure, row.measure)
        if let start = row.start, start != self.start {
            changes.append(.edited(field: "start", from: self.start?.iso, to: start.iso))
            edited.start = start
        }
        if let own = row.selfAssessment, own != selfAssessment {
            changes.append(.selfAssessment(from: selfAssessment, to: own))
            edited.selfAssessment = own
            edited.selfAssessed = date
        }

        var extendedTo: CalendarDate?
        if let due = row.due, due != self.due {
            guard let current = self.due else {
                throw problem("due", "\(name) is ongoing (no deadline); a return does not set one, the link inspector agrees it")
            }
            guard due > current else {
                throw problem("due", "\(due) is earlier than \(name)'s deadline \(current); a return never moves a deadline earlier")
            }
            guard status.isOpen else {
                throw problem("due", "\(name) is \(status.rawValue); only an open action's deadline moves (\(current) → \(due))")
            }
            extendedTo = due
            changes.append(.extended(from: current, to: due))
        }

        // Progress: a status that moves, a percent that changes, a note not already the latest.
        let note = row.progress.flatMap { $0 == latestNote ? nil : $0 }
        var newStatus: ActionStatus?
        if let status = row.status, status != self.status {
            guard Self.movesForward(from: self.status, to: status) else {
                throw problem("status", "'\(status.rawValue)' would move \(name) back from \(self.status.rawValue); a return only moves a status forward")
            }
            newStatus = status
        } else if row.status == nil, note != nil, status == .notStarted, row.percent == nil {
            // A first progress note starts an action, as it does on a first import.
            newStatus = .inProgress
        }
        let newPercent = row.percent.flatMap { $0 == percent ? nil : $0 }
        var evidence: String?
        if newStatus == .complete {
            guard let given = row.evidence ?? row.progress ?? self.evidence else {
                throw problem("status", "\(name) is complete in the return but it gives no evidence or progress to record as its evidence")
            }
            evidence = given
        }
        var update: ProgressUpdate?
        if newStatus != nil || newPercent != nil || note != nil {
            let day = newStatus == .complete ? (row.completed ?? date) : date
            let text = note ?? row.progress ?? "Return of \(date)"
            let made = ProgressUpdate(action: qualifiedRef, date: day, author: actor, note: text, status: newStatus,
                                      percent: newPercent, evidence: evidence)
            do {
                try checkProgressDate(day)
                _ = try applying(made)
            } catch {
                throw RowProblem(row: row.row, field: newStatus != nil ? "status" : (newPercent != nil ? "percent" : "progress"), error: error)
            }
            update = made
            if let note { changes.append(.progress(note: note)) }
            if let newStatus { changes.append(.status(from: status, to: newStatus)) }
            if let newPercent { changes.append(.percent(from: percent, to: newPercent)) }
        }
        return RowReconciliation(edited: edited, extendedTo: extendedTo, update: update, changes: changes)
    }

    /// Whether a return may move an action from one status to another: on
    /// through not started → in progress → complete, or from an open status to
    /// withdrawn; never back, and never out of withdrawn.
    public static func movesForward(from: ActionStatus, to: ActionStatus) -> Bool {
        switch (from, to) {
        case (.notStarted, .inProgress), (.notStarted, .complete), (.inProgress, .complete),
             (.notStarted, .withdrawn), (.inProgress, .withdrawn):
            return true
        default:
            return false
        }
    }
}
