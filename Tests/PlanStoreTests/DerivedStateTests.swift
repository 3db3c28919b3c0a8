import Foundation
import GRDB
import Testing
@testable import ImprovementPlan
@testable import PlanStore

/// Derived state (`ActionColumn.derived`): each action's latest update date,
/// kept on the action row by a trigger so that reports never search the
/// updates, and its partnership, written by its insert so that the overdue
/// report needs no sort; both recomputed by `verify`.
@Suite("derived state")
struct DerivedStateTests {
    static let today = CalendarDate(year: 2025, month: 6, day: 1)!

    /// Dundee with `count` open actions (references 1, 2, ...), none updated.
    static func store(actions count: Int = 2) throws -> PlanStore {
        let store = try PlanStore.inMemory()
        try store.initialise()
        try store.addPartnership(Partnership(key: "dundee", name: "Dundee City"))
        try store.recordInspection(Inspection(key: "dundee-2021", partnership: "dundee", title: "Children at risk of harm"))
        let finding = try store.addFinding(inspection: "dundee-2021", kind: .improvement, text: "Support was limited", qi: "2.1", themes: [])
        for n in 1...count {
            try store.addAction(NewAction(findings: [finding.id ?? 0], inspection: nil, ref: "\(n)", title: "Action \(n)",
                                          owner: "Head of Service", agency: "Council", due: CalendarDate(iso: "2025-09-30")),
                                today: CalendarDate(iso: "2024-01-01")!)
        }
        return store
    }

    static func kept(_ store: PlanStore) throws -> [String?] {
        try store.readSQLite { db in try Optional<String>.fetchAll(db, sql: "SELECT last_update_on FROM action ORDER BY id") }
    }

    @Test("the latest update date moves forward with each update, never back for an earlier-dated one, and reports read it")
    func keptInStep() throws {
        let store = try Self.store()
        #expect(try Self.kept(store) == [nil, nil])
        try store.recordProgress(action: "1", date: CalendarDate(iso: "2025-03-10")!, note: "Started", today: Self.today)
        #expect(try Self.kept(store) == ["2025-03-10", nil])
        // An update typed in later for an earlier day leaves the latest where it is.
        try store.recordProgress(action: "1", date: CalendarDate(iso: "2025-02-01")!, note: "Planned", today: Self.today)
        #expect(try Self.kept(store) == ["2025-03-10", nil])
        // The same day again, then a later one.
        try store.recordProgress(action: "1", date: CalendarDate(iso: "2025-03-10")!, note: "Again", today: Self.today)
        try store.recordProgress(action: "2", date: CalendarDate(iso: "2025-05-31")!, note: "Started", today: Self.today)
        #expect(try Self.kept(store) == ["2025-03-10", "2025-05-31"])
        let rows = try store.actionRows(ActionFilter(), asOf: Self.today)
        #expect(rows.map(\.lastUpdate?.iso) == ["2025-03-10", "2025-05-31"])
        #expect(try store.verify().ok)
    }

    @Test("a plan file's updates set it as they are imported, and an export leaves it out")
    func importedAndNotExported() throws {
        let source = try Self.store()
        try source.recordProgress(action: "1", date: CalendarDate(iso: "2025-04-01")!, note: "Started", today: Self.today)
        try source.recordProgress(action: "1", date: CalendarDate(iso: "2025-03-01")!, note: "Earlier", today: Self.today)
        let file = try source.exportPlanFile()
        let copy = try PlanStore.inMemory()
        try copy.initialise()
        try copy.importPlanFile(file, today: Self.today)
        #expect(try Self.kept(copy) == ["2025-04-01", nil])
        #expect(try copy.verify().ok)
        let json = String(decoding: try JSONEncoder().encode(file), as: UTF8.self)
        #expect(!json.contains("last_update_on") && !json.contains("lastUpdateOn"))
    }

    @Test("verify names an action whose kept date was edited behind planwatch's back, cleared, or set where there is no update")
    func verifyCatchesEdits() throws {
        let store = try Self.store(actions: 3)
        try store.recordProgress(action: "1", date: CalendarDate(iso: "2025-04-01")!, note: "Started", today: Self.today)
        try store.recordProgress(action: "2", date: CalendarDate(iso: "2025-04-02")!, note: "Started", today: Self.today)
        #expect(try store.verify().ok)
        try store.writer.write { db in
            try db.execute(sql: "UPDATE action SET last_update_on = '2025-01-01' WHERE id = 1")
            try db.execute(sql: "UPDATE action SET last_update_on = NULL WHERE id = 2")
            try db.execute(sql: "UPDATE action SET last_update_on = '2025-05-05' WHERE id = 3")
        }
        let problems = try store.verify().problems
        #expect(problems.count == 3, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("action 1: its last update date is 2025-01-01 on the action row but 2025-04-01 from its updates") })
        #expect(problems.contains { $0.hasPrefix("action 2: its last update date is empty on the action row but 2025-04-02") })
        #expect(problems.contains { $0.hasPrefix("action 3: its last update date is 2025-05-05 on the action row but none") })
        #expect(problems.allSatisfy { $0.contains("behind planwatch's back") })
    }

    @Test("each action keeps its inspection's partnership from its insert, whichever path adds it")
    func partnershipKept() throws {
        let store = try Self.store(actions: 2)
        try store.addPartnership(Partnership(key: "angus", name: "Angus"))
        try store.recordInspection(Inspection(key: "angus-2022", partnership: "angus", title: "Children at risk of harm"))
        try store.addAction(NewAction(findings: [], inspection: "angus-2022", ref: "1", title: "Angus action", owner: "Head of Service",
                                      agency: "Council", due: CalendarDate(iso: "2025-09-30")), today: Self.today)
        let copy = try PlanStore.inMemory()
        try copy.initialise()
        try copy.importPlanFile(try store.exportPlanFile(), today: Self.today)
        for kept in [store, copy] {
            let pairs = try kept.readSQLite { db in
                try Row.fetchAll(db, sql: """
                    SELECT p.key AS kept, i.key AS inspection FROM action a JOIN inspection i ON i.id = a.inspection_id
                    LEFT JOIN partnership p ON p.id = a.partnership_id ORDER BY i.key, a.ref
                    """).map { "\($0["inspection"] as String): \(($0["kept"] as String?) ?? "empty")" }
            }
            #expect(pairs == ["angus-2022: angus", "dundee-2021: dundee", "dundee-2021: dundee"])
            #expect(try kept.verify().ok)
        }
    }

    @Test("verify names an action whose kept partnership was changed or cleared behind planwatch's back")
    func verifyCatchesPartnershipEdits() throws {
        let store = try Self.store(actions: 3)
        try store.addPartnership(Partnership(key: "angus", name: "Angus"))
        try store.writer.write { db in
            try db.execute(sql: "UPDATE action SET partnership_id = (SELECT id FROM partnership WHERE key = 'angus') WHERE id = 1")
            try db.execute(sql: "UPDATE action SET partnership_id = NULL WHERE id = 3")
        }
        let problems = try store.verify().problems
        #expect(problems.count == 2, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("action 1: its partnership is angus on the action row but dundee from its inspection") })
        #expect(problems.contains { $0.hasPrefix("action 3: its partnership is empty on the action row but dundee from its inspection") })
        #expect(problems.allSatisfy { $0.contains("behind planwatch's back") })
        // The overdue report reads the kept column: an edited one is wrong until put back, which verify points to.
        try store.writer.write { db in
            try db.execute(sql: "UPDATE action SET partnership_id = (SELECT partnership_id FROM inspection WHERE id = action.inspection_id)")
        }
        #expect(try store.verify().ok)
    }

    @Test("verify names the first ten actions that disagree and counts the rest")
    func verifyCountsTheRest() throws {
        let store = try Self.store(actions: 12)
        try store.writer.write { db in try db.execute(sql: "UPDATE action SET last_update_on = '2025-01-01'") }
        let problems = try store.readSQLite { db in try PlanStore.derivedStateProblems(db) }
        #expect(problems.count == 11)
        #expect(problems.last == "and 2 more actions whose last update date disagrees with the updates")
    }

    @Test("the column refuses a value that is not a date")
    func checked() throws {
        let store = try Self.store(actions: 1)
        #expect(throws: DatabaseError.self) {
            try store.writer.write { db in try db.execute(sql: "UPDATE action SET last_update_on = '1 April' WHERE id = 1") }
        }
    }

    @Test("migrating a database with updates fills the column from them")
    func migrationFills() throws {
        try withMigratedFixture { store in
            let (filled, updated) = try store.readSQLite { db in
                (try Int.fetchOne(db, sql: "SELECT count(*) FROM action WHERE last_update_on IS NOT NULL") ?? 0,
                 try Int.fetchOne(db, sql: "SELECT count(DISTINCT action_id) FROM progress_update") ?? 0)
            }
            #expect(updated > 0 && filled == updated)
            let (actions, withPartnership) = try store.readSQLite { db in
                (try Int.fetchOne(db, sql: "SELECT count(*) FROM action") ?? 0,
                 try Int.fetchOne(db, sql: """
                     SELECT count(*) FROM action a JOIN inspection i ON i.id = a.inspection_id WHERE a.partnership_id = i.partnership_id
                     """) ?? 0)
            }
            #expect(actions > 0 && withPartnership == actions)
            #expect(try store.readSQLite { db in try PlanStore.derivedStateProblems(db) }.isEmpty)
        }
    }
}
