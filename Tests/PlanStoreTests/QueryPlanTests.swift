import Foundation
import GRDB
import Testing
@testable import ImprovementPlan
@testable import PlanStore

/// The hot queries, checked against SQLite's own query plan: each finds its
/// rows through an index. A report that read every action would still give
/// the right answer, only slowly at a million actions, so only the plan shows it.
@Suite("Query plans")
struct QueryPlanTests {
    /// SQLite's plan for `sql`, one line per step (`SEARCH a USING INDEX ...`).
    static func plan(_ sql: String, _ arguments: SQLArguments) throws -> [String] {
        try PlanStore.inMemory().readSQLite { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments.statementArguments).map { $0["detail"] as String }
        }
    }

    static let date = CalendarDate(year: 2025, month: 6, day: 1)!

    static let reportNames: [String] = ["overdue", "due soon", "stale", "owners"]

    /// A report's statement over every action, with its arguments.
    static func report(_ name: String) -> (String, SQLArguments) {
        let (query, arguments): (ReportQuery, SQLArguments) = switch name {
        case "overdue": (.overdue, [date])
        case "due soon": (.dueSoon, [date, date.adding(days: 30)])
        case "stale": (.stale, [date])
        default: (.owners, [])
        }
        let (sql, filterArguments) = query.sql(ActionFilter())
        return (sql, filterArguments + arguments)
    }

    static let someFilters: [ActionFilter] = [
        ActionFilter(partnership: "dundee"), ActionFilter(inspection: "dundee-2021"),
        ActionFilter(owner: "chief social work officer"), ActionFilter(agency: "nhs tayside"), ActionFilter(status: .complete),
    ]

    /// No step reads the whole action table.
    static func searchesActions(_ plan: [String]) -> Bool {
        !plan.contains { $0.hasPrefix("SCAN a") || $0.hasPrefix("SCAN action") }
    }

    @Test("report rows are found through an index of open actions' deadlines, with no search of the updates (the last update date is on the action row)",
          arguments: reportNames)
    func reports(name: String) throws {
        let (sql, arguments) = Self.report(name)
        let plan = try Self.plan(sql, arguments)
        let index = name == "overdue" ? "action_open_partnership_due" : "action_status_due"
        #expect(plan.contains { $0.contains("USING INDEX \(index)") }, "\(name): \(plan)")
        #expect(Self.searchesActions(plan), "\(name): \(plan)")
        #expect(!plan.contains { $0.contains("progress_update") || $0.contains("SUBQUERY") }, "\(name): \(plan)")
    }

    /// The overdue report's order (partnership key, deadline, id) comes from
    /// the partnerships' key index and the open actions' (partnership,
    /// deadline) index: SQLite sorts nothing, with or without a filter.
    @Test("the overdue report reads partnerships in key order and each one's overdue actions in deadline order, with no sort",
          arguments: [ActionFilter()] + someFilters)
    func overdueWithoutSort(filter: ActionFilter) throws {
        let (sql, filterArguments) = ReportQuery.overdue.sql(filter)
        let plan = try Self.plan(sql, filterArguments + [Self.date])
        #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(filter): \(plan)")
        #expect(plan.contains { $0.contains("SEARCH a USING INDEX action_open_partnership_due (partnership_id=? AND current_due<?)") },
                "\(filter): \(plan)")
    }

    @Test("filters by partnership, inspection, owner, agency and status search an index", arguments: someFilters)
    func filters(filter: ActionFilter) throws {
        let (sql, arguments) = ReportQuery.all.sql(filter)
        let plan = try Self.plan(sql, arguments)
        #expect(Self.searchesActions(plan), "\(filter): \(plan)")
    }

    /// Every index the schema keeps on `action` serves at least one of the
    /// queries above: an index no query searches only slows every insert
    /// (schema 5 dropped two such, by deadline alone and by title).
    @Test("every index on action is searched by some report, filter or lookup")
    func everyActionIndexServesAQuery() throws {
        var queries = Self.reportNames.map(Self.report) + Self.someFilters.map { ReportQuery.all.sql($0) }
        queries.append((Select.action + " WHERE a.inspection_id = ? AND a.ref = ?", [1, "1.1"]))
        queries.append((RecordedPlan.actionsSQL, [1]))
        queries.append((RecordedPlan.notesSQL, [1]))
        let plans = try queries.flatMap { try Self.plan($0.0, $0.1) }
        let indexes = try PlanStore.inMemory().readSQLite { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'action' ORDER BY name")
        }
        #expect(indexes.count >= 4, "\(indexes)")
        for index in indexes {
            #expect(plans.contains { $0.contains("INDEX \(index) ") || $0.hasSuffix("INDEX \(index)") }, "no query searches \(index): \(plans)")
        }
    }

    /// The benchmark times the sqlite3 shell running each report's statement
    /// alone (Benchmarks/*-query.sql): each must be the very statement
    /// planwatch runs, or the comparison says nothing. The files name the
    /// statement's arguments (:as_of, ...) where planwatch binds them.
    @Test("the benchmark's copy of each report statement is the one planwatch runs",
          arguments: [("overdue", ReportQuery.overdue, [":as_of"]), ("due-soon", ReportQuery.dueSoon, [":as_of", ":due_soon_end"]),
                      ("stale", ReportQuery.stale, [":stale_cutoff"]), ("owners", ReportQuery.owners, []), ("list", ReportQuery.all, [])])
    func benchmarkStatement(name: String, query: ReportQuery, names: [String]) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = try String(contentsOf: root.appendingPathComponent("Benchmarks/\(name)-query.sql"), encoding: .utf8)
        let statement = file.split(separator: "\n").filter { !$0.hasPrefix("--") && !$0.hasPrefix(".") }.joined(separator: " ")
        let (sql, arguments) = query.sql(ActionFilter())
        #expect(arguments.values.isEmpty)
        var named = sql
        for name in names {
            guard let mark = named.firstIndex(of: "?") else { Issue.record("fewer arguments than \(names)"); return }
            named.replaceSubrange(mark...mark, with: name)
        }
        #expect(!named.contains("?"))
        let words = { (text: String) in text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        #expect(words(statement) == words(named + ";"), "\(name): planwatch runs\n\(named);")
    }

    /// follow.sql selects what `follow` reads: its timeline's updates and
    /// extensions with the very columns (and positions) planwatch selects.
    @Test("the benchmark's follow floor selects the timeline's columns as planwatch does")
    func followFloorColumns() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = try String(contentsOf: root.appendingPathComponent("Benchmarks/follow.sql"), encoding: .utf8)
        let words = { (text: String) in text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        let script = words(file.split(separator: "\n").filter { !$0.hasPrefix("--") && !$0.hasPrefix(".") }.joined(separator: " "))
        for select in [Select.update, Select.extensionRow] {
            #expect(script.contains(words(select)), "follow.sql lacks\n\(select)")
        }
    }

    @Test("an audited write finds the chain's head and its action by key")
    func writes() throws {
        let head = try Self.plan(AuditWriter.headSQL, [])
        #expect(head == ["SCAN audit_entry"], "\(head)")  // the rowid's own order, newest first: one row read
        let action = try Self.plan(Select.action + " WHERE a.id = ?", [1])
        #expect(action.contains { $0.contains("SEARCH a USING INTEGER PRIMARY KEY") }, "\(action)")
        let byRef = try Self.plan(Select.action + " WHERE a.inspection_id = ? AND a.ref = ?", [1, "1.1"])
        #expect(byRef.contains { $0.contains("SEARCH a USING INDEX sqlite_autoindex_action_1") }, "\(byRef)")
    }
}
