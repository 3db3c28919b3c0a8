import GRDB
import ImprovementPlan

/// A correction to an action's own words: every field given is set, the
/// others are kept. The deadline is never edited here (that is `extend`),
/// nor the status or percent (that is `update`, `complete`, `withdraw`),
/// nor the reference: updates, extensions and reviews name the action by
/// it in the audit trail, which is never rewritten.
public struct ActionEdit: Sendable, Equatable {
    public var title: String?
    public var description: String?
    public var owner: String?
    public var agency: String?
    public var measure: String?
    public var start: CalendarDate?

    public init(title: String? = nil, description: String? = nil, owner: String? = nil, agency: String? = nil,
                measure: String? = nil, start: CalendarDate? = nil) {
        self.title = title; self.description = description; self.owner = owner; self.agency = agency
        self.measure = measure; self.start = start
    }

    public var isEmpty: Bool { self == ActionEdit() }

    /// The fields an edit may change, by name, to say what changed.
    public static let fieldNames: [(name: String, value: @Sendable (Action) -> String?)] = [
        ("title", { $0.title }), ("description", { $0.description }), ("owner", { $0.owner }),
        ("agency", { $0.agency }), ("measure", { $0.measure }), ("start", { $0.start?.iso }),
    ]

    /// The action with this edit applied, names kept as the store keeps them.
    public func applied(to action: Action) -> Action {
        var after = action
        if let title { after.title = title }
        if let description { after.description = description.isBlank ? nil : description }
        if let owner { after.owner = owner }
        if let agency { after.agency = agency }
        if let measure { after.measure = measure.isBlank ? nil : measure }
        if let start { after.start = start }
        return after.withNormalisedNames
    }
}

extension PlanStore {
    /// Corrects an action's words, as one audited change (`history` shows
    /// it, `undo` reverts it). Returns the action before and after.
    public func editAction(_ reference: String, _ edit: ActionEdit) throws -> (before: Action, after: Action) {
        guard !edit.isEmpty else {
            throw PlanError.refused("nothing to change: give one or more of --title, --description, --owner, --agency, --measure and --start")
        }
        return try write { db, audit in
            let id = try Lookup.actionID(db, reference)
            let before = try Lookup.action(db, id: id)
            let after = edit.applied(to: before)
            guard after != before else {
                throw PlanError.refused("action \(id) (\(before.qualifiedRef)) already reads so; nothing to change")
            }
            try PlanStore.saveAction(db, audit, before: before, after: after)
            return (before, after)
        }
    }

    /// Hands every action of one owner to another in one transaction, an
    /// audit entry per action: a post holder who leaves, or two spellings of
    /// one name merged. `from` is matched as a whole name (any case, spaces
    /// made one), never a part; closed actions keep the owner they were
    /// completed or withdrawn under unless `includeClosed`.
    public func reassignActions(from: String, to: String, partnership: String? = nil, includeClosed: Bool = false) throws -> [Action] {
        try Validation.line(to, field: "to")
        return try write { db, audit in
            if let partnership { _ = try Lookup.partnershipID(db, partnership) }
            let rows = try db.rows(sql: Select.action + """
                 WHERE a.owner = ? COLLATE NOCASE AND (? IS NULL OR p.key = ?) ORDER BY p.key, i.key, a.id
                """, arguments: [from.normalisedName, partnership, partnership])
            let actions = try rows.map(Action.init(row:)).filter { includeClosed || $0.status.isOpen }
            guard !actions.isEmpty else {
                let spellings = try db.all(String.self, sql: "SELECT DISTINCT owner FROM action")
                if rows.isEmpty {
                    throw PlanError.notFound(entity: "owner", key: from, closest: Suggestion.closest(to: from.normalisedName, among: spellings))
                }
                throw PlanError.refused("\(from) holds no open action\(partnership.map { " in \($0)" } ?? ""); give --include-closed to hand over closed ones too")
            }
            var moved: [Action] = []
            for before in actions {
                var after = before
                after.owner = to.normalisedName
                guard after != before else { continue }
                try PlanStore.saveAction(db, audit, before: before, after: after)
                moved.append(after)
            }
            return moved
        }
    }
}
