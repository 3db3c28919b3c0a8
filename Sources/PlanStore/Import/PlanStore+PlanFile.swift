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
            /// One list merged by natural key: each record is found (or not)
            /// under its key, compared, and added when absent, its problems
            /// prefixed with its place in the file.
            func merge<T: Encodable & Equatable>(_ section: PlanFile.Section<T>, _ place: (Int, T) -> String, find: (T) throws -> Found<T>,
                          add: (T) throws -> Void) throws {
                try file.forEach(section) { n, record in
                    try at("\(section.key)[\(n)]" + place(n, record)) {
                        switch try find(record) {
                        case .absent:
                            try add(record)
                            summary.count(section.key, added: true)
                        case .stored(let stored, let entity, let key):
                            try same(entity, key, stored, record)
                            summary.count(section.key, added: false)
                        case .unchanged:
                            summary.count(section.key, added: false)
                        }
                    }
                }
            }
            try merge(.qualityIndicators, { _, _ in "" }, find: { qi in
                let row = try (qi.code.map { try db.row(sql: Select.qi + " WHERE q.code = ?", arguments: [$0]) } ?? nil)
                    ?? db.row(sql: Select.qi + " WHERE lower(q.name) = lower(?)", arguments: [qi.name])
                return try row.map { .stored(try QualityIndicator(row: $0), "quality indicator", qi.reference) } ?? .absent
            }, add: { try PlanStore.insertQualityIndicator(db, audit, $0, skipExisting: false) })
            try merge(.partnerships, { " (\($1.key))" }, find: { p in
                try db.row(sql: Select.partnership + " WHERE p.key = ?", arguments: [p.key])
                    .map { .stored(try Partnership(row: $0), "partnership", p.key) } ?? .absent
            }, add: { try PlanStore.insertPartnership(db, audit, $0) })
            try merge(.linkAssignments, { _, _ in "" }, find: { link in
                let pid = try Lookup.partnershipID(db, link.partnership)
                return try db.row(sql: Select.link + " WHERE l.partnership_id = ? AND l.from_date = ?", arguments: [pid, link.from])
                    .map { .stored(try LinkAssignment(row: $0), "link assignment", "\(link.partnership) from \(link.from)") } ?? .absent
            }, add: { try PlanStore.insertLink(db, audit, $0) })
            try merge(.inspections, { " (\($1.key))" }, find: { inspection in
                try db.row(sql: Select.inspection + " WHERE i.key = ?", arguments: [inspection.key])
                    .map { .stored(try Inspection(row: $0), "inspection", inspection.key) } ?? .absent
            }, add: { try PlanStore.insertInspection(db, audit, $0) })
            try merge(.evaluations, { " (\($1.inspection) \($1.qi))" }, find: { evaluation in
                let iid = try ids.inspection(evaluation.inspection)
                let qid = try Lookup.qiID(db, evaluation.qi)
                guard let old = try db.one(Int.self, sql: "SELECT grade FROM evaluation WHERE inspection_id = ? AND qi_id = ?",
                                           arguments: [iid, qid]) else { return .absent }
                guard old == evaluation.grade.value else {
                    throw PlanError.refused("conflicts with the database: grade is \(old) there, \(evaluation.grade.value) in the file")
                }
                return .unchanged
            }, add: { try PlanStore.upsertEvaluation(db, audit, $0) })
            try merge(.findings, { " (\($1.inspection) #\($1.number))" }, find: { finding in
                let iid = try ids.inspection(finding.inspection)
                guard let row = try db.row(sql: Select.finding + " WHERE f.inspection_id = ? AND f.number = ?",
                                           arguments: [iid, finding.number]) else { return .absent }
                var stored = try Finding(row: row)
                stored.id = finding.id
                return .stored(stored, "finding", "\(finding.inspection) #\(finding.number)")
            }, add: { finding in
                var clean = finding
                clean.id = nil
                _ = try PlanStore.insertFinding(db, audit, clean)
            })
            try merge(.plans, { " (\($1.inspection))" }, find: { plan in
                guard let stored = try Lookup.plan(db, inspection: plan.inspection) else {
                    throw try Lookup.unknown(db, "inspection", plan.inspection)
                }
                // The draft every inspection is recorded with counts as no plan yet.
                return stored == ActionPlan(inspection: plan.inspection) && stored != plan ? .absent : .stored(stored, "plan", plan.inspection)
            }, add: { try PlanStore.savePlan(db, audit, before: ActionPlan(inspection: $0.inspection), after: $0) })
            try merge(.inspectionChanges, { " (\($1.inspection) \($1.date))" }, find: { change in
                let iid = try ids.inspection(change.inspection)
                return try db.row(sql: Select.inspectionChange + " WHERE c.inspection_id = ? AND c.on_date = ?", arguments: [iid, change.date])
                    .map { .stored(try InspectionChange(row: $0), "inspection change", "\(change.inspection) on \(change.date)") } ?? .absent
            }, add: {
                // The file's inspection holds the present values; a change is its history, recorded as it is.
                try PlanStore.insertInspectionChange(db, audit, $0)
            })
            try merge(.actions, { " (\($1.qualifiedRef))" }, find: { action in
                let iid = try ids.inspection(action.inspection)
                // Nearly always absent in a first import: asked cheaply first, then read whole when there.
                guard try db.one(Int64.self, sql: "SELECT id FROM action WHERE inspection_id = ? AND ref = ?", arguments: [iid, action.ref]) != nil,
                      let row = try db.row(sql: Select.action + " WHERE a.inspection_id = ? AND a.ref = ?",
                                           arguments: [iid, action.ref]) else { return .absent }
                var stored = try Action(row: row)
                stored.id = action.id
                return .stored(stored, "action", action.qualifiedRef)
            }, add: { action in
                var clean = action.withNormalisedNames
                clean.id = nil
                _ = try PlanStore.insertAction(db, audit, clean)
            })
            try merge(.updates, { " (\($1.action) \($1.date))" }, find: { update in
                let id = try ids.action(update.action)
                // An update is appended unless the very same one is there: updates are history, never compared.
                let existing = try db.positional(sql: Select.update + " WHERE u.action_id = ? AND u.on_date = ?", arguments: [id, update.date])
                var same = false
                while !same, try existing.step() { same = try ProgressUpdate(existing) == update }
                existing.reset()
                return same ? .unchanged : .absent
            }, add: { update in
                try PlanStore.insertUpdate(db, audit, actionID: try ids.action(update.action), update, recordedAt: audit.timestamp, today: today)
            })
            try merge(.extensions, { " (\($1.action) to \($1.to))" }, find: { ext in
                let id = try ids.action(ext.action)
                let existing = try db.positional(sql: Select.extensionRow + " WHERE x.action_id = ? AND x.to_due = ?", arguments: [id, ext.to])
                guard try existing.step() else { return .absent }
                let stored = try DeadlineExtension(existing)
                existing.reset()
                return .stored(stored, "extension", "\(ext.action) to \(ext.to)")
            }, add: { try PlanStore.insertExtension(db, audit, actionID: try ids.action($0.action), $0) })
            try merge(.reviews, { " (\($1.partnership) \($1.date))" }, find: { review in
                let pid = try Lookup.partnershipID(db, review.partnership)
                guard let row = try db.row(sql: Select.review + " WHERE r.partnership_id = ? AND r.on_date = ? AND r.kind = ?",
                                           arguments: [pid, review.date, review.kind]) else { return .absent }
                var asFile = try PlanFile.Review(row: row)
                // Compared as the file gives it: its actions in any order, its inspector when it names one.
                asFile.actions = asFile.actions.sorted()
                if review.inspector == nil { asFile.inspector = nil }
                var incoming = review
                incoming.actions.sort()
                try same("linking review", "\(review.partnership) \(review.kind.rawValue) on \(review.date)", asFile, incoming)
                return .unchanged
            }, add: { _ = try PlanStore.insertReview(db, audit, $0) })
            try merge(.measures, { " (\($1.key))" }, find: { measure in
                guard let row = try db.row(sql: Select.measure + " WHERE m.key = ?", arguments: [measure.key]) else { return .absent }
                // Compared as the file gives it: its findings and actions in any order.
                var stored = try OutcomeMeasure(row: row)
                stored.findings.sort(); stored.actions.sort()
                var incoming = measure
                incoming.findings.sort(); incoming.actions.sort()
                try same("measure", measure.key, stored, incoming)
                return .unchanged
            }, add: { try PlanStore.insertMeasure(db, audit, $0) })
            try merge(.readings, { " (\($1.measure) \($1.date))" }, find: { reading in
                // A reading is appended unless the very same one is there: readings are history, like updates.
                let existing = try db.rows(sql: Select.reading + " WHERE m.key = ? AND r.on_date = ?", arguments: [reading.measure, reading.date])
                    .map(MeasureReading.init(row:))
                return existing.contains(reading) ? .unchanged : .absent
            }, add: { try PlanStore.insertReading(db, audit, $0, today: today) })
            return summary
        }
    }

    /// The whole database as a plan file, every list in natural-key order, in memory.
    public func exportPlanFile() throws -> PlanFile {
        var collector = PlanFile.Collector()
        try exportPlanFile(into: &collector)
        return collector.file
    }

    /// The whole database, list by list in the order of their keys, each
    /// list in natural-key order, a record at a time from one read: what a
    /// plan-file writer streams without holding the database in memory.
    public func exportPlanFile(into sink: inout some PlanFileSink) throws {
        try read { db in
            func list<T: Codable & Sendable>(_ section: PlanFile.Section<T>, _ sql: String, _ decode: (SQLRow) throws -> T) throws {
                try sink.beginList(section.key)
                try db.forEachRow(sql: sql) { row in try sink.record(try decode(row), in: section) }
                try sink.endList()
            }
            // In the order of the keys, as the plan file's sorted JSON has them.
            try list(.actions, Select.action + " ORDER BY i.key, a.id") { var a = try Action(row: $0); a.id = nil; return a }
            try list(.evaluations, Select.evaluation + " ORDER BY i.key, q.code IS NULL, q.code, q.name", Evaluation.init(row:))
            try list(.extensions, Select.extensionRow + " ORDER BY i.key, a.id, x.to_due", PlanFile.Extension.init(row:))
            try list(.findings, Select.finding + " ORDER BY i.key, f.number") { var f = try Finding(row: $0); f.id = nil; return f }
            try list(.inspectionChanges, Select.inspectionChange + " ORDER BY i.key, c.on_date", InspectionChange.init(row:))
            try list(.inspections, Select.inspection + " ORDER BY i.key", Inspection.init(row:))
            try list(.linkAssignments, Select.link + " ORDER BY p.key, l.from_date", LinkAssignment.init(row:))
            try list(.measures, Select.measure + " ORDER BY p.key, m.key", OutcomeMeasure.init(row:))
            try list(.partnerships, Select.partnership + " ORDER BY p.key", Partnership.init(row:))
            try list(.plans, Select.plan + " ORDER BY i.key", ActionPlan.init(row:))
            try list(.qualityIndicators, Select.qi + " ORDER BY q.code IS NULL, q.code, q.name", QualityIndicator.init(row:))
            try list(.readings, Select.reading + " ORDER BY m.key, r.id", MeasureReading.init(row:))
            try list(.reviews, Select.review + " ORDER BY p.key, r.on_date, r.kind", PlanFile.Review.init(row:))
            try list(.updates, Select.update + " ORDER BY i.key, a.id, u.on_date, u.id", PlanFile.Update.init(row:))
        }
    }
}

/// Row ids of the keys an import names again and again, found once: every
/// inspection (a few hundred at most), and the last action (a file lists an
/// action's updates and extensions together). Ids do not change during the
/// import's transaction, and nothing it does removes a record.
private struct KeyCache {
    let db: any SQLConnection
    private var inspections: [String: Int64] = [:]
    private var lastAction: (reference: String, id: Int64)?

    init(_ db: any SQLConnection) { self.db = db }

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

/// What a plan file's record finds under its natural key.
private enum Found<T> {
    /// Nothing: the record is added.
    case absent
    /// A stored record of that key (its entity and key in words), which must equal the file's (else the fields that differ are named).
    case stored(T, String, String)
    /// The same record is already there.
    case unchanged
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
