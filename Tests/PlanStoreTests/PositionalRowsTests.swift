import Foundation
import GRDB
import Testing
@testable import ImprovementPlan
@testable import PlanStore

/// Rows read by position (`PositionalRows`): the timeline's updates and
/// extensions must come out as the same values GRDB's reading by name gives,
/// and a row edited behind planwatch's back into something unreadable must
/// be refused as corrupt, never crash or be shown half-read.
@Suite("rows read by position")
struct PositionalRowsTests {
    static let today = CalendarDate(year: 2025, month: 6, day: 1)!

    static func store() throws -> PlanStore {
        let store = try DerivedStateTests.store(actions: 2)
        let day = { (iso: String) in CalendarDate(iso: iso)! }
        try store.recordProgress(action: "1", date: day("2025-02-01"), note: "Started, Éilidh's team", status: .inProgress,
                                 percent: 10, today: today)
        try store.recordProgress(action: "2", date: day("2025-02-01"), note: "Plain note", today: today)
        try store.recordProgress(action: "1", date: day("2025-04-01"), note: "Done", status: .complete, percent: 100,
                                 evidence: "Audit report, March", today: today)
        try store.extendDeadline(action: "2", to: day("2025-12-31"), reason: "Recruitment", agreedBy: "Link inspector",
                                 on: day("2025-03-01"), today: today)
        try store.extendDeadline(action: "2", to: day("2026-03-31"), reason: "Again", agreedBy: nil, on: day("2025-05-01"), today: today)
        return store
    }

    @Test("the timeline's updates and extensions are the values reading by name gives, every optional field set and not")
    func sameAsByName() throws {
        let store = try Self.store()
        let timeline = try store.follow(partnership: "dundee", asOf: Self.today, since: nil).timeline
        var updates: [ProgressUpdate] = [], extensions: [DeadlineExtension] = []
        for entry in timeline {
            switch entry.event {
            case .update(let u): updates.append(u)
            case .extension(let x): extensions.append(x)
            default: break
            }
        }
        let byName = try store.readSQLite { db in
            (try db.rows(sql: Select.update + " ORDER BY u.on_date, u.id").map(ProgressUpdate.init(row:)),
             try db.rows(sql: Select.extensionRow + " ORDER BY x.recorded_on, x.id").map(DeadlineExtension.init(row:)))
        }
        #expect(updates.count == 3 && extensions.count == 2)
        #expect(updates == byName.0)
        #expect(extensions == byName.1)
        #expect(updates.last?.evidence == "Audit report, March" && updates[1].status == nil && updates[1].percent == nil)
        #expect(extensions.last?.agreedBy == nil && extensions.first?.agreedBy == "Link inspector")
    }

    @Test("an update whose status was written behind planwatch's back as a word it does not know is refused as corrupt, by name")
    func tamperedWord() throws {
        let store = try Self.store()
        try store.writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: """
                INSERT INTO progress_update (action_id, on_date, author, note, new_status, recorded_at)
                VALUES (1, '2025-05-01', 'someone', 'edited', 'finished', '2025-05-01T00:00:00Z')
                """)
            try db.execute(sql: "PRAGMA ignore_check_constraints = OFF")
        }
        #expect {
            try store.follow(partnership: "dundee", asOf: Self.today, since: nil)
        } throws: { error in
            guard case StoreError.corrupt(let what) = error else { return false }
            return what == "column 'new_status'"
        }
    }
}

@Suite("repeated text read by position")
struct RepeatedTextTests {
    /// A column that goes from text to the same text, to NULL and back, to empty, and to text that is a prefix of the last.
    static let column: [String?] = ["dundee", "dundee", nil, nil, "", "", "dundee", "dunde", "dundee", "Éilidh", "Éilidh", nil]

    /// Each row's text and whether it changed, as `RepeatedText` reads them from `rows`.
    static func read(_ rows: PositionalRows) throws -> [(String?, Bool)] {
        var text = RepeatedText(), seen: [(String?, Bool)] = []
        while try rows.step() {
            let changed = text.read(rows, 0)
            seen.append((text.value, changed))
        }
        return seen
    }

    /// What it must give: every row's own text, and a change exactly where the text is not the row before's (the first row after none read counts as NULL before it).
    static let expected: [(String?, Bool)] = column.indices.map { index in
        (column[index], column[index] != (index == 0 ? nil : column[index - 1]))
    }

    @Test("each row's text is its own, and it changes exactly where the text does, NULL and empty text included, from SQLite and from another engine's rows")
    func sameAsReadingEachRow() throws {
        let fromValues = try Self.read(PositionalRows(rows: Self.column.map { [$0.map(SQLValue.text) ?? .null] }))
        let queue = try DatabaseQueue()
        let fromSQLite = try queue.read { db in
            let values = Self.column.map { $0.map { "'" + $0 + "'" } ?? "NULL" }
            let sql = values.enumerated().map { "SELECT \($0.offset) AS n, \($0.element) AS t" }.joined(separator: " UNION ALL ")
            return try Self.read(PositionalRows(db, sql: "SELECT t FROM (" + sql + ") ORDER BY n", values: []))
        }
        for seen in [fromValues, fromSQLite] {
            #expect(seen.map(\.0) == Self.expected.map(\.0))
            #expect(seen.map(\.1) == Self.expected.map(\.1))
        }
    }

    @Test("an action whose status was written behind planwatch's back as a word it does not know is refused, first row or after one read well",
          arguments: [1, 2, 3])
    func tamperedStatus(action: Int) throws {
        let store = try DerivedStateTests.store(actions: 3)
        try store.writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: "UPDATE action SET status = 'finished' WHERE id = ?", arguments: [action])
            try db.execute(sql: "PRAGMA ignore_check_constraints = OFF")
        }
        // Every action as of a day gone (the statuses replayed from the updates) and as of today (the rows as they stand).
        for read in [{ try store.forEachActionRow(ActionFilter(), asOf: PositionalRowsTests.today) { _ in } },
                     { try store.forEachActionRow(ActionFilter(), asOf: CalendarDate.today()) { _ in } }] {
            #expect {
                try read()
            } throws: { error in
                guard case StoreError.corrupt(let what) = error else { return false }
                return what == "action \(action) has an unreadable field"
            }
        }
    }
}

@Suite("single values read by position")
struct SingleValueTests {
    /// Each lookup type's own reader gives what GRDB's generic fetchOne gives, for every storage class and none.
    @Test("Int64, Int, Bool and String lookups agree with GRDB's, NULL, no row and other storage classes included",
          arguments: ["SELECT 42", "SELECT -7", "SELECT 0", "SELECT NULL", "SELECT 1 WHERE 0", "SELECT 'text'", "SELECT '12'",
                      "SELECT 2.5", "SELECT x'00ff'", "SELECT 'Éilidh'", "SELECT 9223372036854775807"])
    func agree(sql: String) throws {
        let queue = try DatabaseQueue()
        // A value GRDB cannot convert is an error from both; anything else, the same value.
        func outcome(_ read: (Database) throws -> Any?) -> String {
            do { return String(describing: try queue.read { try read($0) }) } catch { return "error" }
        }
        let ours = [outcome { try $0.one(Int64.self, sql: sql) }, outcome { try $0.one(Int.self, sql: sql) },
                    outcome { try $0.one(Bool.self, sql: sql) }, outcome { try $0.one(String.self, sql: sql) },
                    outcome { try $0.one(Int64.self, sql: sql) }]
        let grdb = [outcome { try Int64.fetchOne($0, sql: sql) }, outcome { try Int.fetchOne($0, sql: sql) },
                    outcome { try Bool.fetchOne($0, sql: sql) }, outcome { try String.fetchOne($0, sql: sql) },
                    outcome { try Int64.fetchOne($0, sql: sql) }]
        // The last is asked again: the statement was left ready.
        #expect(ours == grdb)
    }

    @Test("arguments are bound, and a statement that fails is reported, not read")
    func argumentsAndErrors() throws {
        let queue = try DatabaseQueue()
        let (joined, sum) = try queue.read { db in
            (try db.one(String.self, sql: "SELECT ? || ?", arguments: ["a", "b"]), try db.one(Int64.self, sql: "SELECT ? + 1", arguments: [41]))
        }
        #expect(joined == "ab" && sum == 42)
        #expect(throws: DatabaseError.self) {
            try queue.read { db in try db.one(Int64.self, sql: "SELECT abs(-9223372036854775807 - 1)") }
        }
    }
}
