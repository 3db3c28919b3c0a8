import Foundation
import GRDB
import ImprovementPlan

/// What an import did: records added and records already there unchanged.
public struct ImportSummary: Codable, Sendable, Equatable {
    public var added: [String: Int] = [:]
    public var unchanged: [String: Int] = [:]

    public var totalAdded: Int { added.values.reduce(0, +) }
    public var totalUnchanged: Int { unchanged.values.reduce(0, +) }

    mutating func count(_ entity: String, added wasAdded: Bool) {
        if wasAdded { added[entity, default: 0] += 1 } else { unchanged[entity, default: 0] += 1 }
    }
}

/// Reading and writing whole plan files (docs/plan-file.md).
extension PlanStore {
    /// Merges a plan file by natural key, all or nothing. A record that
    /// exists with the same values is left alone; one that exists with
    /// different values stops the import with a message naming it.
    @discardableResult
    public func importPlanFile(_ file: some PlanFileRecords, today: CalendarDate, dryRun: Bool = false) throws -> ImportSummary {
        try write(dryRun: dryRun, bulk: true) { db, audit in
            var summary = ImportSummary()
            var ids = KeyCache(db)
            try file.forEach(.qualityIndicators) { n, qi in
                try at("qualityIndicators[\(n)]") {
                    let existing = try (qi.code.map { try db.row(sql: Select.qi + " WHERE q.code = ?", arguments: [$0]) } ?? nil)
                        ?? db.row(sql: Select.qi + " WHERE lower(q.name) = lower(?)", arguments: [qi.name])
                    if let existing {
                        try same("quality indicator", qi.reference, try QualityIndicator(row: existing), qi)
                        summary.count("qualityIndicators", added: false)
                    } else {
                        try PlanStore.insertQualityIndicator(db, audit, qi, skipExisting: false)
                        summary.count("qualityIndicators", added: true)
                    }
                }
            }
            try file.forEach(.partnerships) { n, p in
                try at("partnerships[\(n)] (\(p.key))") {
                    if let row = try db.row(sql: Select.partnership + " WHERE p.key = ?", arguments: [p.key]) {
                        try same("partnership", p.key, try Partnership(row: row), p)
                        summary.count("partnerships", added: false)
                    } else {
                        try PlanStore.insertPartnership(db, audit, p)
                        summary.count("partnerships", added: true)
                    }
                }
            }
            try file.forEach(.linkAssignments) { n, link in
                try at("linkAssignments[\(n)]") {
                    let pid = try Lookup.partnershipID(db, link.partnership)
                    if let row = try db.row(sql: Select.link + " WHERE l.partnership_id = ? AND l.from_date = ?", arguments: [pid, link.from]) {
                        try same("link assignment", "\(link.partnership) from \(link.from)", try LinkAssignment(row: row), link)
                        summary.count("linkAssignments", added: false)
                    } else {
                        try PlanStore.insertLink(db, audit, link)
                        summary.count("linkAssignments", added: true)
                    }
                }
            }
            try file.forEach(.inspections) { n, inspection in
                try at("inspections[\(n)] (\(inspection.key))") {
                    if let row = try db.row(sql: Select.inspection + " WHERE i.key = ?", arguments: [inspection.key]) {
                        try same("inspection", inspection.key, try Inspection(row: row), inspection)
                        summary.count("inspections", added: false)
                    } else {
                        try PlanStore.insertInspection(db, audit, inspection)
                        summary.count("inspections", added: true)
                    }
                }
            }
            try file.forEach(.evaluations) { n, evaluation in
                try at("evaluations[\(n)] (\(evaluation.inspection) \(evaluation.qi))") {
                    let iid = try ids.inspection(evaluation.inspection)
                    let qid = try Lookup.qiID(db, evaluation.qi)
                    if let old = try db.one(Int.self, sql: "SELECT grade FROM evaluation WHERE inspection_id = ? AND qi_id = ?", arguments: [iid, qid]) {
                        guard old == evaluation.grade.value else {
                            throw PlanError.refused("conflicts with the database: grade is \(old) there, \(evaluation.grade.value) in the file")
                        }
                        summary.count("evaluations", added: false)
                    } else {
                        try PlanStore.upsertEvaluation(db, audit, evaluation)
                        summary.count("evaluations", added: true)
                    }
                }
            }
            try file.forEach(.findings) { n, finding in
                try at("findings[\(n)] (\(finding.inspection) #\(finding.number))") {
                    let iid = try ids.inspection(finding.inspection)
                    if let row = try db.row(sql: Select.finding + " WHERE f.inspection_id = ? AND f.number = ?", arguments: [iid, finding.number]) {
                        var stored = try Finding(row: row)
                        stored.id = finding.id
                        try same("finding", "\(finding.inspection) #\(finding.number)", stored, finding)
                        summary.count("findings", added: false)
                    } else {
                        var clean = finding
                        clean.id = nil
                        _ = try PlanStore.insertFinding(db, audit, clean)
                        summary.count("findings", added: true)
                    }
                }
            }
            try file.forEach(.plans) { n, plan in
                try at("plans[\(n)] (\(plan.inspection))") {
                    guard let stored = try Lookup.plan(db, inspection: plan.inspection) else {
                        throw try Lookup.unknown(db, "inspection", plan.inspection)
                    }
                    if stored == plan {
                        summary.count("plans", added: false)
                    } else if stored == ActionPlan(inspection: plan.inspection) {
                        try PlanStore.savePlan(db, audit, before: stored, after: plan)
                        summary.count("plans", added: true)
                    } else {
                        try same("plan", plan.inspection, stored, plan)
                    }
                }
            }
            try file.forEach(.inspectionChanges) { n, change in
                try at("inspectionChanges[\(n)] (\(change.inspection) \(change.date))") {
                    let iid = try ids.inspection(change.inspection)
                    if let row = try db.row(sql: Select.inspectionChange + " WHERE c.inspection_id = ? AND c.on_date = ?",
                                            arguments: [iid, change.date]) {
                        try same("inspection change", "\(change.inspection) on \(change.date)", try InspectionChange(row: row), change)
                        summary.count("inspectionChanges", added: false)
                    } else {
                        // The file's inspection holds the present values; a change is its history, recorded as it is.
                        try PlanStore.insertInspectionChange(db, audit, change)
                        summary.count("inspectionChanges", added: true)
                    }
                }
            }
            try file.forEach(.actions) { n, action in
                try at("actions[\(n)] (\(action.qualifiedRef))") {
                    let iid = try ids.inspection(action.inspection)
                    if let row = try db.row(sql: Select.action + " WHERE a.inspection_id = ? AND a.ref = ?", arguments: [iid, action.ref]) {
                        var stored = try Action(row: row)
                        stored.id = action.id
                        try same("action", action.qualifiedRef, stored, action)
                        summary.count("actions", added: false)
                    } else {
                        var clean = action.withNormalisedNames
                        clean.id = nil
                        _ = try PlanStore.insertAction(db, audit, clean)
                        summary.count("actions", added: true)
                    }
                }
            }
            try file.forEach(.updates) { n, update in
                try at("updates[\(n)] (\(update.action) \(update.date))") {
                    let id = try ids.action(update.action)
                    let existing = try db.rows(sql: Select.update + " WHERE u.action_id = ? AND u.on_date = ?", arguments: [id, update.date])
                        .map(PlanFile.Update.init(row:))
                    if existing.contains(update) {
                        summary.count("updates", added: false)
                    } else {
                        try PlanStore.insertUpdate(db, audit, actionID: id, update, recordedAt: audit.timestamp, today: today)
                        summary.count("updates", added: true)
                    }
                }
            }
            try file.forEach(.extensions) { n, ext in
                try at("extensions[\(n)] (\(ext.action) to \(ext.to))") {
                    let id = try ids.action(ext.action)
                    let existing = try db.rows(sql: Select.extensionRow + " WHERE x.action_id = ? AND x.to_due = ?", arguments: [id, ext.to])
                        .map(PlanFile.Extension.init(row:))
                    if let stored = existing.first {
                        try same("extension", "\(ext.action) to \(ext.to)", stored, ext)
                        summary.count("extensions", added: false)
                    } else {
                        try PlanStore.insertExtension(db, audit, actionID: id, ext)
                        summary.count("extensions", added: true)
                    }
                }
            }
            try file.forEach(.reviews) { n, review in
                try at("reviews[\(n)] (\(review.partnership) \(review.date))") {
                    let pid = try Lookup.partnershipID(db, review.partnership)
                    if let row = try db.row(sql: Select.review + " WHERE r.partnership_id = ? AND r.on_date = ? AND r.kind = ?",
                                                  arguments: [pid, review.date, review.kind]) {
                        let asFile = try PlanFile.Review(row: row)
                        var incoming = review
                        incoming.actions.sort()
                        if incoming.inspector == nil { incoming.inspector = asFile.inspector }
                        try same("linking review", "\(review.partnership) \(review.kind.rawValue) on \(review.date)", asFile, incoming)
                        summary.count("reviews", added: false)
                    } else {
                        _ = try PlanStore.insertReview(db, audit, review)
                        summary.count("reviews", added: true)
                    }
                }
            }
            return summary
        }
    }

    /// The whole database as a plan file, every list in natural-key order.
    public func exportPlanFile() throws -> PlanFile {
        try read { db in
            var file = PlanFile()
            file.qualityIndicators = try db.rows(sql: Select.qi + " ORDER BY q.code IS NULL, q.code, q.name").map(QualityIndicator.init(row:))
            file.partnerships = try db.rows(sql: Select.partnership + " ORDER BY p.key").map(Partnership.init(row:))
            file.linkAssignments = try db.rows(sql: Select.link + " ORDER BY p.key, l.from_date").map(LinkAssignment.init(row:))
            file.inspections = try db.rows(sql: Select.inspection + " ORDER BY i.key").map(Inspection.init(row:))
            file.evaluations = try db.rows(sql: Select.evaluation + " ORDER BY i.key, q.code IS NULL, q.code, q.name").map(Evaluation.init(row:))
            file.findings = try db.rows(sql: Select.finding + " ORDER BY i.key, f.number").map(Finding.init(row:)).map {
                var f = $0; f.id = nil; return f
            }
            file.plans = try db.rows(sql: Select.plan + " ORDER BY i.key").map(ActionPlan.init(row:))
            file.inspectionChanges = try db.rows(sql: Select.inspectionChange + " ORDER BY i.key, c.on_date").map(InspectionChange.init(row:))
            file.actions = try db.rows(sql: Select.action + " ORDER BY i.key, a.id").map(Action.init(row:)).map {
                var a = $0; a.id = nil; return a
            }
            file.updates = try db.rows(sql: Select.update + " ORDER BY i.key, a.id, u.on_date, u.id").map(PlanFile.Update.init(row:))
            file.extensions = try db.rows(sql: Select.extensionRow + " ORDER BY i.key, a.id, x.to_due").map(PlanFile.Extension.init(row:))
            file.reviews = try db.rows(sql: Select.review + " ORDER BY p.key, r.on_date, r.kind").map(PlanFile.Review.init(row:))
            return file
        }
    }
}

/// Row ids of the keys an import names again and again, found once: every
/// inspection (a few hundred at most), and the last action (a file lists an
/// action's updates and extensions together). Ids do not change during the
/// import's transaction, and nothing it does removes a record.
private struct KeyCache {
    let db: Database
    private var inspections: [String: Int64] = [:]
    private var lastAction: (reference: String, id: Int64)?

    init(_ db: Database) { self.db = db }

    mutating func inspection(_ key: String) throws -> Int64 {
        if let id = inspections[key] { return id }
        let id = try Lookup.inspectionID(db, key)
        inspections[key] = id
        return id
    }

    mutating func action(_ reference: String) throws -> Int64 {
        if let last = lastAction, last.reference == reference { return last.id }
        let id = try Lookup.actionID(db, reference)
        lastAction = (reference, id)
        return id
    }
}

/// Runs `body`, prefixing any refusal with where in the file it happened.
private func at(_ place: String, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as PlanError {
        throw PlanError.refused("\(place): \(error)")
    }
}

/// Refuses when a stored record and the file's record of the same key differ,
/// naming the fields that differ.
private func same<T: Encodable & Equatable>(_ entity: String, _ key: String, _ stored: T, _ incoming: T) throws {
    guard stored != incoming else { return }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let a = (try? JSONSerialization.jsonObject(with: encoder.encode(stored))) as? [String: Any] ?? [:]
    let b = (try? JSONSerialization.jsonObject(with: encoder.encode(incoming))) as? [String: Any] ?? [:]
    let fields = Set(a.keys).union(b.keys).sorted().filter { key in
        let left = a[key].map { "\($0)" }, right = b[key].map { "\($0)" }
        return left != right
    }
    throw PlanError.refused("conflicts with the \(entity) '\(key)' already in the database (differs in: \(fields.joined(separator: ", ")))")
}
