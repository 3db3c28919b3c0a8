import Foundation
import GRDB
import Testing
@testable import ImprovementPlan
@testable import PlanStore

private let today = CalendarDate(year: 2025, month: 6, day: 1)!

/// A store with one partnership, inspection, finding and action.
private func seeded(_ engine: StoreEngineKind = .sqlite) throws -> (PlanStore, Action) {
    let store = try engine.store()
    try store.initialise()
    try store.addPartnership(Partnership(key: "dundee", name: "Dundee City"))
    try store.recordInspection(Inspection(key: "dundee-2021", partnership: "dundee", title: "Children at risk of harm",
                                          published: CalendarDate(iso: "2022-02-01")))
    let finding = try store.addFinding(inspection: "dundee-2021", kind: .improvement, text: "Mental health support was limited",
                                       qi: "2.1", themes: ["mental health"])
    let action = try store.addAction(NewAction(findings: [finding.id ?? 0], inspection: nil, ref: "2.1", title: "Counselling",
                                               owner: "Head of Service", agency: "Council", due: CalendarDate(iso: "2025-03-31")),
                                     today: CalendarDate(iso: "2024-01-10") ?? today)
    return (store, action)
}

@Suite("PlanStore")
struct StoreTests {
    @Test("migrates an empty database to the current schema")
    func migratesFromEmpty() throws {
        let store = try PlanStore.inMemory()
        #expect(try store.schemaVersions() == PlanStore.knownSchemaVersions)
        let tables = try store.readSQLite { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%STRICT%'") }
        #expect(Set(tables).isSuperset(of: ["partnership", "inspection", "action", "progress_update", "audit_entry", "linking_review"]))
    }

    @Test("every foreign key column has an index")
    func foreignKeysIndexed() throws {
        let store = try PlanStore.inMemory()
        try store.readSQLite { db in
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'grdb%'") {
                for fk in try Row.fetchAll(db, sql: "SELECT * FROM pragma_foreign_key_list(?)", arguments: [table]) {
                    let column: String = fk["from"]
                    let isRowID = try Bool.fetchOne(db, sql: """
                        SELECT pk = 1 AND upper(type) = 'INTEGER' FROM pragma_table_info(?) WHERE name = ?
                        """, arguments: [table, column]) ?? false
                    if isRowID { continue }
                    let indexed = try Bool.fetchOne(db, sql: """
                        SELECT EXISTS (SELECT 1 FROM pragma_index_list(?) il JOIN pragma_index_info(il.name) ii WHERE ii.seqno = 0 AND ii.name = ?)
                        """, arguments: [table, column]) ?? false
                    #expect(indexed, "\(table).\(column) has no index")
                }
            }
        }
    }

    @Test("the database itself rejects bad rows written with raw SQL", arguments: [
        "UPDATE action SET percent = 150",
        "UPDATE action SET status = 'finished'",
        "UPDATE action SET current_due = '2025-02-30', original_due = '2025-02-30'",
        "UPDATE action SET current_due = '31/03/2025'",
        "UPDATE action SET current_due = '2020-01-01'",
        "UPDATE action SET status = 'complete'",
        "INSERT INTO evaluation (inspection_id, qi_id, grade) VALUES (1, 1, 7)",
        "INSERT INTO action (inspection_id, ref, title, owner, lead_agency, created_on) VALUES (99, 'x', 't', 'o', 'a', '2025-01-01')",
        "INSERT INTO partnership (key, name) VALUES ('Dundee City', 'x')",
        "INSERT INTO partnership (key, name) VALUES ('dundee', 'again')",
        "UPDATE progress_update SET note = 'rewritten'",
        "DELETE FROM progress_update",
        "DELETE FROM audit_entry",
        "UPDATE audit_entry SET actor = 'someone else'",
        "INSERT INTO linking_review (partnership_id, on_date, kind, summary, next_due) VALUES (1, '2025-01-01', 'meeting', 's', '2024-01-01')",
        // The lists of allowed words (schema 4 writes them as OR-ed comparisons).
        "UPDATE action SET self_rag = 'blue'",
        "UPDATE action SET self_rag = 'Red'",
        "UPDATE action SET status = ''",
        "INSERT INTO progress_update (action_id, on_date, author, note, new_status, recorded_at) VALUES (1, '2025-01-01', 'a', 'n', 'finished', 'x')",
        "INSERT INTO audit_entry (at, actor, command, entity, entity_key, operation, prev_hash, hash) VALUES ('t', 'a', 'c', 'e', 'k', 'erase', 'p', 'h')",
    ])
    func constraints(sql: String) throws {
        let (store, action) = try seeded()
        _ = try store.recordProgress(action: String(action.id ?? 0), date: today, note: "Started", percent: 10, today: today)
        // Refused by a constraint or a guard trigger, not by a mistake in the statement ("no such column").
        let error = #expect(throws: DatabaseError.self) {
            try store.writer.write { db in try db.execute(sql: sql) }
        }
        #expect(error?.resultCode == .SQLITE_CONSTRAINT, "\(sql): \(error?.message ?? "no error")")
    }

    @Test("the database accepts every allowed word, and no word where none is required", arguments: [
        "UPDATE action SET status = 'in-progress'", "UPDATE action SET status = 'withdrawn'", "UPDATE action SET status = 'not-started'",
        "UPDATE action SET status = 'complete', completed_on = '2025-03-01'",
        "UPDATE action SET self_rag = 'red'", "UPDATE action SET self_rag = 'amber'", "UPDATE action SET self_rag = 'green'",
        "UPDATE action SET self_rag = NULL",
        "INSERT INTO progress_update (action_id, on_date, author, note, new_status, recorded_at) VALUES (1, '2025-01-01', 'a', 'n', 'complete', 'x')",
        "INSERT INTO progress_update (action_id, on_date, author, note, new_status, recorded_at) VALUES (1, '2025-01-01', 'a', 'n', NULL, 'x')",
        // The same row as the refused 'erase', with a word from the list.
        "INSERT INTO audit_entry (at, actor, command, entity, entity_key, operation, prev_hash, hash) VALUES ('t', 'a', 'c', 'e', 'k', 'delete', 'p', 'h')",
    ])
    func allowedWords(sql: String) throws {
        let (store, _) = try seeded()
        try store.writer.write { db in try db.execute(sql: sql) }
    }

    @Test("every change writes a chained audit entry in the same transaction", arguments: StoreEngineKind.allCases)
    func auditChain(engine: StoreEngineKind) throws {
        let (store, action) = try seeded(engine)
        let before = try store.auditEntries().count
        _ = try store.extendDeadline(action: String(action.id ?? 0), to: CalendarDate(iso: "2025-09-30")!, reason: "Recruitment",
                                     agreedBy: nil, on: today, today: today)
        let entries = try store.auditEntries()
        #expect(entries.count == before + 2)
        var previous = AuditEntry.genesis
        for entry in entries {
            #expect(entry.prevHash == previous)
            #expect(entry.hash == AuditEntry.chainHash(prevHash: entry.prevHash, seq: entry.seq, at: entry.at, actor: entry.actor,
                                                       command: entry.command, entity: entry.entity, key: entry.key,
                                                       operation: entry.operation, before: entry.before, after: entry.after))
            previous = entry.hash
        }
    }

    @Test("a refused change writes nothing, audit included", arguments: StoreEngineKind.allCases)
    func refusedWritesNothing(engine: StoreEngineKind) throws {
        let (store, action) = try seeded(engine)
        let entries = try store.auditEntries().count
        #expect(throws: PlanError.self) {
            try store.extendDeadline(action: String(action.id ?? 0), to: CalendarDate(iso: "2025-03-31")!, reason: "same day",
                                     agreedBy: nil, on: today, today: today)
        }
        #expect(throws: PlanError.self) { try store.addPartnership(Partnership(key: "dundee", name: "again")) }
        #expect(try store.auditEntries().count == entries)
    }

    @Test("extension keeps the original deadline; completing late is slipped", arguments: StoreEngineKind.allCases)
    func extendAndComplete(engine: StoreEngineKind) throws {
        let (store, action) = try seeded(engine)
        let ref = String(action.id ?? 0)
        _ = try store.extendDeadline(action: ref, to: CalendarDate(iso: "2025-04-30")!, reason: "Delay", agreedBy: "COG", on: today, today: today)
        let done = try store.completeAction(ref, date: CalendarDate(iso: "2025-05-02")!, evidence: "Report", note: nil, today: today)
        #expect(done.originalDue?.iso == "2025-03-31" && done.due?.iso == "2025-04-30" && done.status == .complete && done.percent == 100)
        let row = try store.actionRows(ActionFilter(), asOf: today).first
        #expect(row?.rag == .complete && row?.flags.contains(.completedLate) == true)
        #expect(throws: PlanError.self) { try store.withdrawAction(ref, reason: "x", date: today, today: today) }
    }

    @Test("withdrawn actions cannot be completed and are never overdue", arguments: StoreEngineKind.allCases)
    func withdrawn(engine: StoreEngineKind) throws {
        let (store, action) = try seeded(engine)
        let ref = String(action.id ?? 0)
        _ = try store.withdrawAction(ref, reason: "Superseded", date: today, today: today)
        #expect(throws: PlanError.refused("action \(ref) (dundee-2021/2.1) is withdrawn; a withdrawn action cannot be completed")) {
            try store.completeAction(ref, date: today, evidence: "x", note: nil, today: today)
        }
        var overdue = 0
        try store.forEachOverdue(ActionFilter(), asOf: today) { _ in overdue += 1 }
        #expect(overdue == 0)
    }

    @Test("plan file: export, import into an empty database, export again is identical; importing twice adds nothing", arguments: StoreEngineKind.allCases)
    func roundTrip(engine: StoreEngineKind) throws {
        let (store, action) = try seeded(engine)
        let ref = String(action.id ?? 0)
        _ = try store.recordProgress(action: ref, date: today, note: "Going", status: .inProgress, percent: 40, today: today)
        try store.linkInspector(partnership: "dundee", inspector: "Link inspector", from: CalendarDate(iso: "2022-01-01")!)
        _ = try store.addReview(PlanFile.Review(partnership: "dundee", date: today, inspector: nil, kind: .meeting, summary: "ok",
                                                actions: ["dundee-2021/2.1"], next: CalendarDate(iso: "2025-12-01")))
        let first = try store.exportPlanFile()
        let copy = try engine.store()
        let added = try copy.importPlanFile(first, today: today)
        #expect(added.totalAdded > 0)
        #expect(try copy.exportPlanFile() == first)
        let again = try copy.importPlanFile(first, today: today)
        #expect(again.totalAdded == 0)
    }

    @Test("plan file import refuses a conflicting record and writes nothing", arguments: StoreEngineKind.allCases)
    func conflict(engine: StoreEngineKind) throws {
        let (store, _) = try seeded(engine)
        var file = try store.exportPlanFile()
        file.partnerships[0].name = "Dundee (renamed)"
        let entries = try store.auditEntries().count
        #expect(throws: PlanError.self) { try store.importPlanFile(file, today: today) }
        #expect(try store.auditEntries().count == entries)
    }

    @Test("a database from a newer planwatch is refused and left untouched")
    func newerSchema() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("newer-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try PlanStore.open(path: path, create: true, actor: "t", command: "t")
        try store.writer.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('9999_future')") }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: StoreError.self) { try PlanStore.open(path: path, actor: "t", command: "t") }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
    }

    @Test("a new database file is readable by its owner only")
    func permissions() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("perm-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try PlanStore.open(path: path, create: true, actor: "t", command: "t")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}

@Suite("Schema versions")
struct SchemaTests {
    @Test("a database made by the first schema version is migrated, and its history still verifies")
    func migratesFixture() throws {
        try withMigratedFixture { store in
            #expect(try store.schemaVersions() == PlanStore.knownSchemaVersions)
            let report = try store.verify()
            #expect(report.ok, "\(report.problems)")
            #expect(report.auditEntries == 106)
            #expect(try store.actionRows(ActionFilter(), asOf: CalendarDate(iso: "2025-01-31")!).count == 15)
            // The new schema's rule holds: the trail can now record a deletion.
            _ = try store.addAction(NewAction(findings: [], inspection: "stirling", ref: "x", title: "Mistake", owner: "o", agency: "a", due: nil),
                                    today: CalendarDate(iso: "2025-01-31")!)
            _ = try store.undo(today: CalendarDate(iso: "2025-01-31")!)
            #expect(try store.verify().ok)
        }
    }
}
