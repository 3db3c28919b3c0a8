import Foundation
import GRDB
import Testing
@testable import ImprovementPlan
@testable import PlanStore

/// One definition per table, kept honest: a field added to a record and
/// forgotten in one of the places that store, read, audit or restore it
/// fails here, because every field of the fixture is filled and each path
/// must give it back.
@Suite("record columns")
struct RecordColumnsTests {
    static let day = CalendarDate(year: 2024, month: 5, day: 1)!

    /// Every stored property's name, and the names of those left empty (nil or an empty list).
    static func fields(_ value: Any) -> (all: [String], empty: [String]) {
        var all: [String] = [], empty: [String] = []
        for child in Mirror(reflecting: value).children {
            guard let label = child.label else { continue }
            all.append(label)
            let inner = Mirror(reflecting: child.value)
            if inner.displayStyle == .optional && inner.children.isEmpty { empty.append(label) }
            if inner.displayStyle == .collection && inner.children.isEmpty { empty.append(label) }
        }
        return (all, empty)
    }

    static func keys(_ json: String) throws -> Set<String> {
        Set(try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]).keys)
    }

    /// A store with a partnership, an inspection and two findings.
    static func store(_ engine: StoreEngineKind = .sqlite) throws -> PlanStore {
        let store = try engine.store()
        try store.initialise()
        try store.addPartnership(Partnership(key: "fife", name: "Fife"))
        try store.recordInspection(Inspection(key: "fife-2024", partnership: "fife", title: "Children at risk of harm",
                                              published: CalendarDate(iso: "2024-03-01")))
        _ = try store.addFinding(inspection: "fife-2024", kind: .improvement, text: "Chronologies were weak", qi: "2.1", themes: [])
        _ = try store.addFinding(inspection: "fife-2024", kind: .priority, text: "Plans were not SMART", qi: nil, themes: [])
        return store
    }

    /// An action with every field filled, each with a value no default gives.
    static let full = Action(id: nil, inspection: "fife-2024", ref: "1.10", findings: [1, 2], title: "Chronology training",
                             description: "For every team", owner: "Chief Social Work Officer", agency: "Fife Council",
                             supportingAgencies: ["NHS Fife", "Police Scotland"], start: day, originalDue: day.adding(days: 30),
                             due: day.adding(days: 60), measure: "90% trained", status: .complete, percent: 100,
                             completed: day.adding(days: 50), evidence: "Register of attendance", selfAssessment: .amber, selfAssessed: day.adding(days: 40),
                             created: day.adding(days: -10))

    @Test("the action columns are the table's columns, and the fixture fills every field")
    func actionColumnsAreTheTable() throws {
        let store = try PlanStore.inMemory()
        let columns = try store.readSQLite { db in try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info('action')") }
        #expect(Set(columns) == Set(ActionColumn.allCases.map(\.rawValue) + ["id"] + ActionColumn.derived))
        #expect(Self.fields(Self.full).empty == ["id"])
        // The reader's positions: columns only the past selects come last, so today's positions are the same.
        let pastOnly = ActionRowReader.Column.allCases.filter { $0.expression(past: false) == nil }
        #expect(pastOnly == Array(ActionRowReader.Column.allCases.suffix(pastOnly.count)))
    }

    @Test("an action with every field filled comes back whole: stored, read, reported, audited, restored, exchanged",
          arguments: StoreEngineKind.allCases)
    func actionRoundTrip(engine: StoreEngineKind) throws {
        let store = try Self.store(engine)
        let stored = try store.write { db, audit in try PlanStore.insertAction(db, audit, Self.full) }
        let id = try #require(stored.id)
        var expected = Self.full
        expected.id = id
        #expect(stored == expected)

        // Read back by name (every ordinary path) and by position (the reports' reader).
        #expect(try store.read { db in try Lookup.action(db, id: id) } == expected)
        let row = try #require(try store.actionRows(ActionFilter(), asOf: CalendarDate.today()).first)
        #expect(row.ref == expected.ref && row.title == expected.title && row.owner == expected.owner && row.agency == expected.agency)
        #expect(row.due == expected.due && row.originalDue == expected.originalDue && row.status == expected.status)
        #expect(row.percent == expected.percent && row.selfAssessment == expected.selfAssessment && row.inspection == expected.inspection)

        // The audit trail holds every field, under the field's own name, and gives it back (undo reads it).
        let entry = try #require(try store.auditEntries().last { $0.entity == "action" })
        let after = try #require(entry.after)
        #expect(try Self.keys(after) == Set(Self.fields(expected).all))
        #expect(try JSONDecoder().decode(Action.self, from: Data(after.utf8)) == expected)

        // A later write of every field that may change stores every one of them.
        var changed = expected
        changed.title = "Chronology training, second round"; changed.description = "Twice"; changed.owner = "Head of Service"
        changed.agency = "NHS Fife"; changed.supportingAgencies = ["Fife Council"]; changed.start = Self.day.adding(days: 1)
        changed.originalDue = Self.day.adding(days: 31); changed.due = Self.day.adding(days: 90); changed.measure = "95% trained"
        changed.status = .inProgress; changed.percent = 60; changed.completed = nil; changed.evidence = "Register"
        changed.selfAssessment = .red; changed.selfAssessed = Self.day.adding(days: 45); changed.created = Self.day.adding(days: -20)
        try store.write { db, audit in try PlanStore.saveAction(db, audit, before: expected, after: changed) }
        #expect(try store.read { db in try Lookup.action(db, id: id) } == changed)
        // And undo puts back the whole earlier action.
        _ = try store.undo(today: CalendarDate.today())
        #expect(try store.read { db in try Lookup.action(db, id: id) } == expected)

        // Through the plan file into another database, the same action.
        let file = try store.exportPlanFile()
        let other = try engine.store()
        try other.initialise()
        _ = try other.importPlanFile(file, today: CalendarDate.today())
        let copied = try #require(try other.exportPlanFile().actions.first)
        var withoutID = expected
        withoutID.id = copied.id
        #expect(copied == withoutID)
        #expect(try engine.verify(other).problems.isEmpty)
    }

    @Test("the update columns are the table's columns, and an update with every field filled comes back whole",
          arguments: StoreEngineKind.allCases)
    func updateRoundTrip(engine: StoreEngineKind) throws {
        let store = try Self.store(engine)
        if engine == .sqlite {
            let columns = try store.readSQLite { db in try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info('progress_update')") }
            #expect(Set(columns) == Set(UpdateColumn.allCases.map(\.rawValue) + ["id"]))
        }
        var open = Self.full
        open.status = .inProgress; open.percent = 10; open.completed = nil; open.evidence = nil
        let action = try store.write { db, audit in try PlanStore.insertAction(db, audit, open) }
        let update = ProgressUpdate(action: action.qualifiedRef, date: Self.day.adding(days: 3), author: "Link inspector", note: "Half trained",
                                    status: .inProgress, percent: 55, evidence: "Attendance list")
        #expect(Self.fields(update).empty.isEmpty)
        try store.write { db, audit in
            try PlanStore.insertUpdate(db, audit, actionID: action.id ?? 0, update, recordedAt: "2024-05-04T10:00:00.000Z", today: CalendarDate.today())
        }
        let detail = try store.actionDetail(String(action.id ?? 0), asOf: CalendarDate.today())
        #expect(detail.updates == [update])
        let entry = try #require(try store.auditEntries().last { $0.entity == "progress_update" })
        #expect(try JSONDecoder().decode(ProgressUpdate.self, from: Data(try #require(entry.after).utf8)) == update)
        #expect(try store.exportPlanFile().updates == [update])
    }

    @Test("every record the trail stores directly has every field under its own name, and decodes back")
    func auditKeysAreTheFields() throws {
        let update = ProgressUpdate(action: "fife-2024/1.1", date: Self.day, author: "me", note: "n", status: .inProgress, percent: 10,
                                    evidence: "e")
        let extensionRecord = DeadlineExtension(action: "fife-2024/1.1", from: Self.day, to: Self.day.adding(days: 1), reason: "r",
                                                agreedBy: "COG", recorded: Self.day)
        let finding = Finding(id: 3, inspection: "fife-2024", number: 2, kind: .priority, text: "t", qi: "2.1", themes: ["a"])
        let review = PlanFile.Review(partnership: "fife", date: Self.day, inspector: "Link inspector", kind: .meeting, summary: "s",
                                     actions: ["fife-2024/1.1"], confidence: .confident, next: Self.day.adding(days: 90))
        for (value, json) in [(update as Any, update.auditJSON), (extensionRecord, extensionRecord.auditJSON),
                              (finding, finding.auditJSON), (review, review.auditJSON), (Self.full, Self.full.auditJSON)] {
            let fields = Self.fields(value)
            #expect(fields.empty.filter { $0 != "id" } == [], "\(type(of: value)): the fixture leaves \(fields.empty) empty")
            #expect(try Self.keys(json) == Set(fields.all).subtracting(fields.empty), "\(type(of: value))")
        }
        #expect(try JSONDecoder().decode(ProgressUpdate.self, from: Data(update.auditJSON.utf8)) == update)
        #expect(try JSONDecoder().decode(DeadlineExtension.self, from: Data(extensionRecord.auditJSON.utf8)) == extensionRecord)
        #expect(try JSONDecoder().decode(Finding.self, from: Data(finding.auditJSON.utf8)) == finding)
        #expect(try JSONDecoder().decode(PlanFile.Review.self, from: Data(review.auditJSON.utf8)) == review)
    }
}
