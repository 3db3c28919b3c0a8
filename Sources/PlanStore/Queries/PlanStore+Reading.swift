import GRDB
import ImprovementPlan

/// Which actions a listing or report covers. Every field narrows; nil means all.
public struct ActionFilter: Sendable, Equatable {
    public var partnership: String?
    public var inspection: String?
    public var owner: String?
    public var agency: String?
    public var status: ActionStatus?
    /// The stored spellings of owner names that `owner` is part of, once the
    /// store has looked them up (`PlanStore.resolve`); the query then searches
    /// the owner index for exactly these.
    var ownerSpellings: [String]?

    public init(partnership: String? = nil, inspection: String? = nil, owner: String? = nil, agency: String? = nil,
                status: ActionStatus? = nil) {
        self.partnership = partnership; self.inspection = inspection; self.owner = owner; self.agency = agency
        self.status = status
    }

    /// The WHERE clause (after `AND`) and its arguments. The owner is any
    /// part of the name ("social work" finds "Chief Social Work Officer"), the
    /// agency the whole name; both without regard to case or extra spaces.
    func sql() -> (String, SQLArguments) {
        var clauses: [String] = []
        var arguments: SQLArguments = []
        if let partnership { clauses.append("p.key = ?"); arguments += [partnership] }
        if let inspection { clauses.append("i.key = ?"); arguments += [inspection] }
        if let spellings = ownerSpellings {
            clauses.append(spellings.isEmpty ? "false" : "a.owner COLLATE NOCASE IN (" + Array(repeating: "?", count: spellings.count).joined(separator: ", ") + ")")
            arguments += SQLArguments(spellings)
        } else if let owner {
            clauses.append("a.owner = ? COLLATE NOCASE"); arguments += [owner.normalisedName]
        }
        if let agency { clauses.append("a.lead_agency = ? COLLATE NOCASE"); arguments += [agency.normalisedName] }
        if let status { clauses.append("a.status = ?"); arguments += [status] }
        return (clauses.map { " AND " + $0 }.joined(), arguments)
    }
}

/// Which of the filtered actions a stream reads.
public enum ActionSelection: Sendable {
    case all
    /// Open (not started or in progress) and with a deadline: what a calendar holds.
    case openWithDeadline

    var sql: String {
        switch self {
        case .all: return ""
        case .openWithDeadline: return " AND a.status IN ('not-started', 'in-progress') AND a.current_due IS NOT NULL"
        }
    }
}

/// The order a stream of actions comes in.
public enum ActionOrder: Sendable {
    /// By partnership, inspection and the order the actions were recorded.
    case byPlan
    /// Soonest deadline first, then by partnership and record.
    case byDeadline

    var sql: String {
        switch self {
        case .byPlan: return "p.key, i.key, a.id"
        case .byDeadline: return "a.current_due, p.key, a.id"
        }
    }
}

/// An inspection with everything recorded against it.
public struct InspectionDetail: Codable, Sendable {
    public var inspection: Inspection
    public var evaluations: [Evaluation]
    public var findings: [Finding]
    public var plan: ActionPlan?
    public var actions: Int
}

/// A partnership with its link inspectors, inspections and reviews.
public struct PartnershipDetail: Codable, Sendable {
    public var partnership: Partnership
    public var links: [LinkAssignment]
    public var inspections: [Inspection]
    public var reviews: [LinkingReview]
}

/// An action with its findings, updates, extensions and audit history.
public struct ActionDetail: Codable, Sendable {
    public var action: Action
    public var row: ActionRow
    public var findings: [Finding]
    public var updates: [PlanFile.Update]
    public var extensions: [PlanFile.Extension]
    public var history: [AuditEntry]
}

extension PlanStore {
    public func partnerships() throws -> [Partnership] {
        try read { db in try db.rows(sql: Select.partnership + " ORDER BY p.key").map(Partnership.init(row:)) }
    }

    public func partnershipDetail(_ key: String) throws -> PartnershipDetail {
        try read { db in
            let pid = try Lookup.partnershipID(db, key)
            let row = try Lookup.row(db, Select.partnership + " WHERE p.id = ?", id: pid, entity: "partnership", key: key)
            return PartnershipDetail(
                partnership: try Partnership(row: row),
                links: try db.rows(sql: Select.link + " WHERE l.partnership_id = ? ORDER BY l.from_date", arguments: [pid])
                    .map(LinkAssignment.init(row:)),
                inspections: try db.rows(sql: Select.inspection + " WHERE i.partnership_id = ? ORDER BY i.published, i.key",
                                              arguments: [pid]).map(Inspection.init(row:)),
                reviews: try db.rows(sql: Select.review + " WHERE r.partnership_id = ? ORDER BY r.on_date", arguments: [pid])
                    .map(LinkingReview.init(row:)))
        }
    }

    public func qualityIndicators() throws -> [QualityIndicator] {
        try read { db in
            try db.rows(sql: Select.qi + " ORDER BY q.code IS NULL, q.code, q.name").map(QualityIndicator.init(row:))
        }
    }

    public func inspections(partnership: String? = nil) throws -> [Inspection] {
        try read { db in
            if let partnership { _ = try Lookup.partnershipID(db, partnership) }
            return try db.rows(sql: Select.inspection + " WHERE (? IS NULL OR p.key = ?) ORDER BY p.key, i.published, i.key",
                                    arguments: [partnership, partnership]).map(Inspection.init(row:))
        }
    }

    public func inspectionDetail(_ key: String) throws -> InspectionDetail {
        try read { db in
            let iid = try Lookup.inspectionID(db, key)
            let row = try Lookup.row(db, Select.inspection + " WHERE i.id = ?", id: iid, entity: "inspection", key: key)
            return InspectionDetail(
                inspection: try Inspection(row: row),
                evaluations: try db.rows(sql: Select.evaluation + " WHERE e.inspection_id = ? ORDER BY q.code IS NULL, q.code, q.name",
                                              arguments: [iid]).map(Evaluation.init(row:)),
                findings: try db.rows(sql: Select.finding + " WHERE f.inspection_id = ? ORDER BY f.number", arguments: [iid])
                    .map(Finding.init(row:)),
                plan: try Lookup.plan(db, inspection: key),
                actions: try db.one(Int.self, sql: "SELECT count(*) FROM action WHERE inspection_id = ?", arguments: [iid]) ?? 0)
        }
    }

    public func findings(inspection: String? = nil) throws -> [Finding] {
        try read { db in
            if let inspection { _ = try Lookup.inspectionID(db, inspection) }
            return try db.rows(sql: Select.finding + " WHERE (? IS NULL OR i.key = ?) ORDER BY i.key, f.number",
                                    arguments: [inspection, inspection]).map(Finding.init(row:))
        }
    }

    /// Linking reviews, by partnership and date; with `asOf`, only those held by then.
    public func reviews(partnership: String? = nil, asOf: CalendarDate? = nil) throws -> [LinkingReview] {
        try read { db in
            if let partnership { _ = try Lookup.partnershipID(db, partnership) }
            return try db.rows(sql: Select.review + " WHERE (? IS NULL OR p.key = ?) AND (? IS NULL OR r.on_date <= ?) ORDER BY p.key, r.on_date",
                                    arguments: [partnership, partnership, asOf, asOf]).map(LinkingReview.init(row:))
        }
    }

    /// The filter ready to query: its keys exist (a typo is an error, not an
    /// empty report), and its owner is the stored names it is part of.
    func resolve(_ db: any SQLConnection, _ filter: ActionFilter) throws -> ActionFilter {
        if let partnership = filter.partnership { _ = try Lookup.partnershipID(db, partnership) }
        if let inspection = filter.inspection { _ = try Lookup.inspectionID(db, inspection) }
        guard let owner = filter.owner, filter.ownerSpellings == nil else { return filter }
        var resolved = filter
        let spellings = try db.all(String.self, sql: "SELECT DISTINCT owner FROM action")
        resolved.ownerSpellings = Rules.owners(containing: owner, among: spellings)
        if resolved.ownerSpellings?.isEmpty == true {
            let name = owner.normalisedName
            throw PlanError.notFound(entity: "owner", key: owner,
                                     closest: Suggestion.closest(to: name, among: spellings) ?? Suggestion.closest(part: name, among: spellings))
        }
        return resolved
    }

    /// Streams the actions a filter selects, classified as of `asOf`, one row
    /// at a time from an SQLite cursor, in `order`. With `.openWithDeadline`
    /// only open actions with a deadline are read (as of a past day the
    /// present status cannot choose: every action is read and the caller
    /// keeps those open then).
    public func forEachAction(_ filter: ActionFilter, asOf: CalendarDate, thresholds: Thresholds = .standard,
                              selecting selection: ActionSelection = .all, order: ActionOrder = .byPlan,
                              _ body: (Action, ActionRow) throws -> Void) throws {
        try read { db in
            let filter = try resolve(db, filter)
            let (clause, arguments) = filter.sql()
            let condition = PlanStore.isPast(asOf) ? "" : selection.sql
            let past = PlanStore.isPast(asOf)
            try db.forEachRow(sql: Select.action + " WHERE true" + clause + condition + " ORDER BY " + order.sql, arguments: arguments) { row in
                var action = try Action(row: row)
                guard let id = action.id else { return }
                var lastUpdate: CalendarDate? = row["last_update"]
                if past {
                    // The action as it stood on `asOf` (callers filter on what they need of it then).
                    let later = try db.all(CalendarDate.self, sql: """
                        SELECT from_due FROM deadline_extension WHERE action_id = ? AND recorded_on > ? ORDER BY recorded_on, id
                        """, arguments: [id, asOf])
                    let first = try db.one(CalendarDate.self, sql: "SELECT min(on_date) FROM progress_update WHERE action_id = ?", arguments: [id])
                    guard let then = History.action(action, firstUpdate: first, changes: try ActionRowReader.stateChanges(db, action: id),
                                                    laterExtensionsFrom: later, asOf: asOf) else { return }
                    action = then
                    lastUpdate = try db.one(CalendarDate.self, sql: "SELECT max(on_date) FROM progress_update WHERE action_id = ? AND on_date <= ?",
                                            arguments: [id, asOf])
                }
                try body(action, ActionRow(action: action, id: id, partnership: try row.required("partnership_key"),
                                           lastUpdate: lastUpdate, asOf: asOf, thresholds: thresholds))
            }
        }
    }

    /// The same stream, as report rows only, read by column position (the hot path of every report).
    public func forEachActionRow(_ filter: ActionFilter, asOf: CalendarDate, thresholds: Thresholds = .standard,
                                 _ body: (ActionRow) throws -> Void) throws {
        try forEachActionRow(filter, asOf: asOf, thresholds: thresholds, .all, body)
    }

    func forEachActionRow(_ filter: ActionFilter, asOf: CalendarDate, thresholds: Thresholds, _ query: ReportQuery,
                          extraArguments: SQLArguments = [], _ body: (ActionRow) throws -> Void) throws {
        try read { db in
            let filter = try resolve(db, filter)
            guard PlanStore.isPast(asOf) else {
                let (sql, arguments) = query.sql(filter)
                return try ActionRowReader.forEach(db, sql: sql, arguments: arguments + extraArguments, asOf: asOf, thresholds: thresholds, body)
            }
            let (sql, arguments) = ReportQuery.pastSQL(filter, asOf: asOf)
            var kept: [ActionRow] = []
            try ActionRowReader.forEach(db, sql: sql, arguments: arguments, asOf: asOf, thresholds: thresholds, past: true) { row in
                if let status = filter.status, row.status != status { return }
                guard query.keep(row) else { return }
                if query.inOrder == nil { try body(row) } else { kept.append(row) }
            }
            if let inOrder = query.inOrder { for row in kept.sorted(by: inOrder) { try body(row) } }
        }
    }

    /// Whether `asOf` is before today: the plan is then rebuilt as it stood
    /// (docs/rules.md, "The past"); from today on it is the plan as it is.
    public static func isPast(_ asOf: CalendarDate) -> Bool { asOf < CalendarDate.today() }

    /// Finding texts by inspection and number, for exports that name the area for improvement.
    public func findingTexts(_ filter: ActionFilter) throws -> [String: [Int: String]] {
        try read { db in
            var texts: [String: [Int: String]] = [:]
            for finding in try db.rows(sql: Select.finding).map(Finding.init(row:))
            where filter.inspection == nil || filter.inspection == finding.inspection {
                texts[finding.inspection, default: [:]][finding.number] = finding.text
            }
            return texts
        }
    }

    /// How many times each action's deadline has been extended.
    public func extensionCounts() throws -> [Int64: Int] {
        try read { db in
            var counts: [Int64: Int] = [:]
            for row in try db.rows(sql: "SELECT action_id, count(*) AS n FROM deadline_extension GROUP BY action_id") {
                if let id: Int64 = row["action_id"] { counts[id] = row["n"] }
            }
            return counts
        }
    }

    /// The latest progress note of each action (for the spreadsheet export).
    public func latestNotes(_ filter: ActionFilter) throws -> [Int64: String] {
        try read { db in
            let (clause, arguments) = try resolve(db, filter).sql()
            let rows = try db.rows(sql: """
                SELECT u.action_id, u.note FROM progress_update u
                JOIN action a ON a.id = u.action_id JOIN inspection i ON i.id = a.inspection_id JOIN partnership p ON p.id = i.partnership_id
                WHERE u.id = (SELECT u2.id FROM progress_update u2 WHERE u2.action_id = u.action_id ORDER BY u2.on_date DESC, u2.id DESC LIMIT 1)
                """ + clause, arguments: arguments)
            var notes: [Int64: String] = [:]
            for row in rows { if let id: Int64 = row["action_id"] { notes[id] = row["note"] } }
            return notes
        }
    }

    public func actionRows(_ filter: ActionFilter, asOf: CalendarDate, thresholds: Thresholds = .standard) throws -> [ActionRow] {
        var rows: [ActionRow] = []
        try forEachActionRow(filter, asOf: asOf, thresholds: thresholds) { rows.append($0) }
        return rows
    }

    /// An action and the key of its partnership, in one indexed read: what a write must know to be
    /// allowed, without the updates and history `actionDetail` gathers.
    public func actionWithPartnership(_ reference: String) throws -> (action: Action, partnership: String) {
        try read { db in
            let id = try Lookup.actionID(db, reference)
            let action = try Lookup.action(db, id: id)
            guard let key = try db.one(String.self, sql: """
                SELECT p.key FROM action a JOIN inspection i ON i.id = a.inspection_id JOIN partnership p ON p.id = i.partnership_id WHERE a.id = ?
                """, arguments: [id]) else { throw PlanError.notFound(entity: "action", key: reference) }
            return (action, key)
        }
    }

    public func actionDetail(_ reference: String, asOf: CalendarDate, thresholds: Thresholds = .standard) throws -> ActionDetail {
        try read { db in
            let id = try Lookup.actionID(db, reference)
            guard let row = try db.row(sql: Select.action + " WHERE a.id = ?", arguments: [id]) else {
                throw PlanError.notFound(entity: "action", key: reference)
            }
            let present = try Action(row: row)
            let updates = try db.rows(sql: Select.update + " WHERE u.action_id = ? ORDER BY u.on_date, u.id", arguments: [id])
                .map(PlanFile.Update.init(row:))
            let extensions = try db.rows(sql: Select.extensionRow + " WHERE x.action_id = ? ORDER BY x.recorded_on, x.id", arguments: [id])
                .map(PlanFile.Extension.init(row:))
            var action = present
            var lastUpdate: CalendarDate? = row["last_update"]
            if PlanStore.isPast(asOf) {
                let changes = updates.filter { $0.status != nil || $0.percent != nil }
                    .map { StateChange(date: $0.date, status: $0.status, percent: $0.percent) }
                guard let then = History.action(present, firstUpdate: updates.first?.date, changes: changes,
                                                laterExtensionsFrom: extensions.filter { $0.recorded > asOf }.map(\.from), asOf: asOf) else {
                    throw PlanError.refused("action \(id) (\(present.qualifiedRef)) was recorded on \(present.created), after \(asOf)")
                }
                action = then
                lastUpdate = updates.last { $0.date <= asOf }?.date
            }
            let actionRow = ActionRow(action: action, id: id, partnership: try row.required("partnership_key"),
                                      lastUpdate: lastUpdate, asOf: asOf, thresholds: thresholds)
            return ActionDetail(
                action: action, row: actionRow,
                findings: try db.rows(sql: Select.finding + """
                     WHERE f.id IN (SELECT finding_id FROM action_finding WHERE action_id = ?) ORDER BY f.number
                    """, arguments: [id]).map(Finding.init(row:)),
                updates: PlanStore.isPast(asOf) ? updates.filter { $0.date <= asOf } : updates,
                extensions: (PlanStore.isPast(asOf) ? extensions.filter { $0.recorded <= asOf } : extensions).sorted { $0.to < $1.to },
                history: try db.rows(sql: "SELECT * FROM audit_entry WHERE " + AuditSubject.Entity.ofActionSQL + " ORDER BY seq",
                                     arguments: [String(id), String(id)]).map(AuditEntry.init(row:)))
        }
    }

    /// The audit trail, oldest first.
    public func auditEntries() throws -> [AuditEntry] {
        try read { db in try db.rows(sql: "SELECT * FROM audit_entry ORDER BY seq").map(AuditEntry.init(row:)) }
    }
}

import Foundation

/// Whose a record is: what `planwatch serve` checks an account's permission
/// against before anything else, each one indexed read (not the record with
/// its findings or readings). nil when there is no such record.
extension PlanStore {
    public func partnership(ofInspection key: String) throws -> String? {
        try read { db in
            try db.one(String.self, sql: "SELECT p.key FROM inspection i JOIN partnership p ON p.id = i.partnership_id WHERE i.key = ?",
                       arguments: [key])
        }
    }

    public func partnership(ofMeasure key: String) throws -> String? {
        try read { db in
            try db.one(String.self, sql: "SELECT p.key FROM outcome_measure m JOIN partnership p ON p.id = m.partnership_id WHERE m.key = ?",
                       arguments: [key])
        }
    }

    /// The partnership's inspections whose plan is submitted and awaits agreement, by key.
    public func plansAwaitingAgreement(partnership key: String) throws -> [String] {
        try read { db in
            try db.rows(sql: Select.plan + " JOIN partnership p ON p.id = i.partnership_id WHERE p.key = ? ORDER BY i.key", arguments: [key])
                .map(ActionPlan.init(row:)).filter { $0.status == .submitted }.map(\.inspection)
        }
    }
}
