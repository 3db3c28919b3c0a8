import Foundation
import GRDB
import ImprovementPlan

/// What `verify` found: the checks that ran and the problems, first one first.
public struct VerifyReport: Codable, Sendable {
    public var integrity: Bool
    public var foreignKeys: Bool
    public var auditEntries: Int
    public var recordsChecked: Int
    public var problems: [String]

    public var ok: Bool { problems.isEmpty }
}

/// Checking that the database is what its history says it is.
extension PlanStore {
    /// The triggers that keep progress updates and the audit trail append-only.
    static let guardTriggers = ["progress_update_no_update", "progress_update_no_delete", "audit_entry_no_update", "audit_entry_no_delete"]

    /// Runs SQLite's integrity and foreign-key checks, walks the audit chain
    /// from the first entry to the last, and compares every record with the
    /// state its audit history ends in.
    public func verify() throws -> VerifyReport {
        try read { db in
            var problems: [String] = []
            let integrity = try db.all(String.self, sql: "PRAGMA integrity_check")
            if integrity != ["ok"] { problems.append("integrity check: \(integrity.first ?? "failed")") }
            let foreign = try db.rows(sql: "PRAGMA foreign_key_check")
            for row in foreign.prefix(5) {
                let table: String = row["table"] ?? "?", parent: String = row["parent"] ?? "?"
                let rowid: Int64? = row["rowid"]
                problems.append("foreign key: \(table) row \(rowid.map(String.init) ?? "?") refers to a missing \(parent)")
            }
            let triggers = Set(try db.all(String.self, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'"))
            for name in PlanStore.guardTriggers where !triggers.contains(name) {
                problems.append("trigger \(name) is missing: the append-only guard was removed")
            }

            // Walk the chain, keeping the last state of each record and the
            // append-only records of each action.
            var last: [String: (seq: Int64, json: String?)] = [:]
            var appended: [String: [String]] = [:]
            var previousHash = AuditEntry.genesis
            var expectedSeq: Int64 = 1
            var count = 0
            let cursor = try db.cursor(sql: "SELECT * FROM audit_entry ORDER BY seq")
            var chainBroken = false
            while let row = try cursor.next() {
                let entry = try AuditEntry(row: row)
                count += 1
                if !chainBroken {
                    if entry.seq != expectedSeq {
                        problems.append("audit entry \(expectedSeq) is missing (the trail jumps from \(expectedSeq - 1) to \(entry.seq))")
                        chainBroken = true
                    } else if entry.prevHash != previousHash {
                        problems.append("audit entry \(entry.seq) does not follow entry \(entry.seq - 1) (its previous hash does not match)")
                        chainBroken = true
                    } else if entry.hash != AuditEntry.chainHash(prevHash: entry.prevHash, seq: entry.seq, at: entry.at, actor: entry.actor,
                                                                  command: entry.command, entity: entry.entity, key: entry.key,
                                                                  operation: entry.operation, before: entry.before, after: entry.after) {
                        problems.append("audit entry \(entry.seq) has been altered (its hash does not match its content)")
                        chainBroken = true
                    }
                }
                previousHash = entry.hash
                expectedSeq = entry.seq + 1
                let id = "\(entry.entity) \(entry.key)"
                if entry.entity == "database" { continue }  // events such as a restore, not records
                if PlanStore.appendOnly.contains(entry.entity) {
                    switch entry.operation {
                    case "insert": appended[id, default: []].append(entry.after ?? "")
                    case "delete":
                        if let index = appended[id]?.firstIndex(of: entry.before ?? "") { appended[id]?.remove(at: index) }
                    default: break
                    }
                } else {
                    last[id] = (entry.seq, entry.operation == "delete" ? nil : entry.after)
                }
            }

            // Compare every record with its history.
            let current = try PlanStore.currentState(db)
            var checked = 0
            for (id, json) in current.records.sorted(by: { $0.key < $1.key }) {
                checked += 1
                guard let history = last[id] else {
                    problems.append("\(id) has no audit entry (it was added behind planwatch's back)")
                    continue
                }
                guard let recorded = history.json else {
                    problems.append("\(id) was deleted at audit entry \(history.seq) but is in the database")
                    continue
                }
                if recorded != json {
                    problems.append("\(id) differs from audit entry \(history.seq) (\(PlanStore.describeDifference(database: json, audit: recorded)))")
                }
            }
            for (id, history) in last.sorted(by: { $0.key < $1.key }) where history.json != nil && current.records[id] == nil {
                problems.append("\(id) is in the audit trail (entry \(history.seq)) but not in the database (deleted behind planwatch's back)")
            }
            for id in Set(current.appended.keys).union(appended.keys).sorted() {
                let inDatabase = (current.appended[id] ?? []).sorted(), inTrail = (appended[id] ?? []).sorted()
                checked += inDatabase.count
                if inDatabase != inTrail {
                    let what = id.hasPrefix("progress_update") ? "progress updates" : "deadline extensions"
                    let action = id.split(separator: " ").last.map(String.init) ?? "?"
                    problems.append("action \(action): its \(what) differ from the audit trail (\(inDatabase.count) in the database, \(inTrail.count) recorded)")
                }
            }
            return VerifyReport(integrity: integrity == ["ok"], foreignKeys: foreign.isEmpty, auditEntries: count,
                                recordsChecked: checked, problems: problems)
        }
    }

    static let appendOnly: Set<String> = ["progress_update", "deadline_extension"]

    /// Every record as its audit entries encode it, keyed as they key it.
    static func currentState(_ db: Database) throws -> (records: [String: String], appended: [String: [String]]) {
        var records: [String: String] = [:]
        var appended: [String: [String]] = [:]
        func put<T: Encodable>(_ entity: String, _ key: String, _ value: T) throws {
            records["\(entity) \(key)"] = try AuditWriter.json(value)
        }
        for row in try db.rows(sql: Select.partnership) { let p = try Partnership(row: row); try put("partnership", p.key, p) }
        for row in try db.rows(sql: Select.link) {
            let l = try LinkAssignment(row: row); try put("link_assignment", "\(l.partnership)@\(l.from)", l)
        }
        for row in try db.rows(sql: Select.qi) { let q = try QualityIndicator(row: row); try put("quality_indicator", q.reference, q) }
        for row in try db.rows(sql: Select.inspection) { let i = try Inspection(row: row); try put("inspection", i.key, i) }
        for row in try db.rows(sql: Select.plan) { let p = try ActionPlan(row: row); try put("action_plan", p.inspection, p) }
        for row in try db.rows(sql: Select.evaluation) {
            let e = try Evaluation(row: row); try put("evaluation", "\(e.inspection)/\(e.qi)", e)
        }
        for row in try db.rows(sql: Select.finding) {
            let f = try Finding(row: row); try put("finding", "\(f.inspection)#\(f.number)", f)
        }
        for row in try db.rows(sql: Select.action) { let a = try Action(row: row); try put("action", String(a.id ?? 0), a) }
        for row in try db.rows(sql: Select.review) {
            let review = try PlanFile.Review(row: row)
            try put("linking_review", "\(review.partnership)@\(review.date)/\(review.kind.rawValue)", review)
        }
        for row in try db.rows(sql: Select.update) {
            let u = try ProgressUpdate(row: row)
            let id: Int64 = try row.required("action_id")
            appended["progress_update \(id)", default: []].append(try AuditWriter.json(u) ?? "")
        }
        for row in try db.rows(sql: Select.extensionRow) {
            let x = try DeadlineExtension(row: row)
            let id: Int64 = try row.required("action_id")
            appended["deadline_extension \(id)", default: []].append(try AuditWriter.json(x) ?? "")
        }
        return (records, appended)
    }

    /// "due: 2024-03-31 in the database, 2023-06-30 in the trail" for the first fields that differ.
    static func describeDifference(database: String, audit: String) -> String {
        let a = (try? JSONSerialization.jsonObject(with: Data(database.utf8))) as? [String: Any] ?? [:]
        let b = (try? JSONSerialization.jsonObject(with: Data(audit.utf8))) as? [String: Any] ?? [:]
        let fields = Set(a.keys).union(b.keys).sorted().filter { "\(a[$0] ?? "none")" != "\(b[$0] ?? "none")" }
        return fields.prefix(3).map { "\($0): \(a[$0].map { "\($0)" } ?? "none") in the database, \(b[$0].map { "\($0)" } ?? "none") in the trail" }
            .joined(separator: "; ")
    }
}
