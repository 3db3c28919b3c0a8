import Foundation
import Testing

/// The seed data at a fixed date, shared by the report tests.
private let asOf = "2025-01-31"

private func json(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8))
}

@Suite("reports on the seed data", .serialized)
struct ReportTests {
    static let reports: [[String]] = [
        ["report", "overdue"], ["report", "due-soon", "--within", "90"], ["report", "stale"], ["report", "progress"],
        ["report", "owners", "--due-soon-days", "90"], ["report", "linking"], ["follow", "west-dunbartonshire"], ["follow", "dundee"],
        ["report", "outcomes"],
    ]
    static let formats = ["table", "json", "csv", "markdown", "html"]

    /// Golden files pin each report in each format, on both engines: the same
    /// bytes from SQLite and from PostgreSQL. Set PLANWATCH_UPDATE_GOLDEN=1 to
    /// rewrite them after a deliberate change.
    @Test("each report in each format matches its golden file, on each engine", arguments: reports, Engine.allCases)
    func golden(report: [String], engine: Engine) throws {
        let h = try Harness.seeded(engine: engine)
        defer { h.cleanUp() }
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
        for format in ReportTests.formats {
            let output = try h.ok(report + ["--as-of", asOf, "--format", format])
            let name = report.filter { !$0.hasPrefix("--") && Int($0) == nil }.joined(separator: "-") + "." + format
            let file = folder.appendingPathComponent(name)
            if ProcessInfo.processInfo.environment["PLANWATCH_UPDATE_GOLDEN"] == "1", engine == .sqlite {
                try Data(output.utf8).write(to: file)
                continue
            }
            let expected = try String(contentsOf: file, encoding: .utf8)
            #expect(output == expected, "\(name) differs from its golden file")
        }
    }

    /// follow's JSON is written with its timeline streamed into place: the
    /// goldens pin a long one; here the same events as the CSV, and a
    /// timeline with none is an empty list in the same document.
    @Test("follow's JSON timeline holds the CSV's events, and none is an empty list")
    func followJSONTimeline() throws {
        let h = try Harness.seeded()
        defer { h.cleanUp() }
        for since in [nil, "2024-06-01", "2025-01-31"] as [String?] {
            let options = ["--as-of", asOf] + (since.map { ["--since", $0] } ?? [])
            let document = try #require(try json(try h.ok(["follow", "dundee", "--format", "json"] + options)) as? [String: Any])
            let timeline = try #require(document["timeline"] as? [[String: Any]])
            let csv = try h.ok(["follow", "dundee", "--format", "csv"] + options).split(whereSeparator: \.isNewline).dropFirst()
            #expect(timeline.count == csv.count, "since \(since ?? "the inspection")")
            #expect(timeline.map { $0["date"] as? String ?? "" } == csv.map { String($0.prefix(10)) })
            #expect(document["dueNext"] is [Any] && document["partnership"] is [String: Any])
        }
        let last = try #require(try json(try h.ok(["follow", "dundee", "--format", "json", "--as-of", asOf, "--since", "2025-01-31"])) as? [String: Any])
        #expect((last["timeline"] as? [Any])?.isEmpty == true)
    }

    @Test("every total equals the number of rows it summarises")
    func totalsAgree() throws {
        let h = try Harness.seeded()
        defer { h.cleanUp() }
        let actions = try json(try h.ok(["action", "list", "--as-of", asOf, "--format", "json"])) as? [[String: Any]] ?? []
        #expect(actions.count == 15)

        let overdue = try json(try h.ok(["report", "overdue", "--as-of", asOf, "--format", "json"])) as? [String: Any] ?? [:]
        let overdueRows = overdue["rows"] as? [[String: Any]] ?? []
        let overdueTotals = try #require(overdue["totals"] as? [String: Any])
        #expect(!overdueRows.isEmpty)
        #expect(try #require(overdueTotals["count"] as? Int) == overdueRows.count)
        #expect(try #require(overdueTotals["byAgeing"] as? [String: Int]).values.reduce(0, +) == overdueRows.count)
        let byPartnership = try #require(overdueTotals["byPartnership"] as? [[String: Any]])
        #expect(try byPartnership.map { try #require($0["count"] as? Int) }.reduce(0, +) == overdueRows.count)
        #expect(overdueRows.count == actions.filter { $0["rag"] as? String == "red" }.count)

        let soon = try json(try h.ok(["report", "due-soon", "--within", "90", "--as-of", asOf, "--format", "json"])) as? [String: Any] ?? [:]
        // Each count must be there: a vanished key must not pass as nil == nil.
        func count(_ report: [String: Any]) throws -> Int { try #require((report["totals"] as? [String: Any])?["count"] as? Int) }
        func rows(_ report: [String: Any]) throws -> Int { try #require((report["rows"] as? [Any])?.count) }
        #expect(try count(soon) == rows(soon))
        let stale = try json(try h.ok(["report", "stale", "--as-of", asOf, "--format", "json"])) as? [String: Any] ?? [:]
        #expect(try count(stale) == rows(stale))
        #expect(try count(stale) == actions.filter { ($0["flags"] as? [String])?.contains("stale") == true }.count)
        #expect(try count(stale) > 0)

        let progress = (try json(try h.ok(["report", "progress", "--as-of", asOf, "--format", "json"])) as? [String: Any])?["partnerships"] as? [[String: Any]] ?? []
        #expect(progress.count == 5)
        for line in progress {
            let key = line["partnership"] as? String
            let mine = actions.filter { $0["partnership"] as? String == key }
            let counted = { (name: String) in line[name] as? Int ?? -1 }
            #expect(counted("actions") == mine.filter { $0["status"] as? String != "withdrawn" }.count)
            #expect(counted("actions") == counted("notStarted") + counted("inProgress") + counted("complete"))
            #expect(counted("withdrawn") == mine.filter { $0["status"] as? String == "withdrawn" }.count)
            #expect(counted("red") + counted("amber") + counted("green") == counted("notStarted") + counted("inProgress"))
            for rag in ["red", "amber", "green"] {
                #expect(counted(rag) == mine.filter { $0["rag"] as? String == rag }.count, "\(key ?? "") \(rag)")
            }
            #expect(counted("overdue") == counted("red"))
            #expect(counted("noDeadline") == mine.filter { ($0["flags"] as? [String])?.contains("no-deadline") == true }.count)
        }

        let owners = (try json(try h.ok(["report", "owners", "--as-of", asOf, "--format", "json"])) as? [String: Any])?["owners"] as? [[String: Any]] ?? []
        let ownerOverdue = owners.map { ($0["overdue"] as? [Any])?.count ?? 0 }.reduce(0, +)
        let ownerSoon = owners.map { ($0["dueSoon"] as? [Any])?.count ?? 0 }.reduce(0, +)
        #expect(ownerOverdue == overdueRows.count)
        let soon28 = try json(try h.ok(["report", "due-soon", "--as-of", asOf, "--format", "json"])) as? [String: Any] ?? [:]
        #expect(try ownerSoon == count(soon28))

        let linking = (try json(try h.ok(["report", "linking", "--as-of", asOf, "--format", "json"])) as? [String: Any])?["partnerships"] as? [[String: Any]] ?? []
        #expect(linking.count == 5)
    }

    @Test("boundaries in the reports: due today, due tomorrow, withdrawn, completed late, extended, no deadline")
    func boundaries() throws {
        let h = try Harness()
        defer { h.cleanUp() }
        try h.logged()  // action 1: due 2023-03-31
        let add = { (title: String, due: String) throws -> Void in
            _ = try h.ok(["action", "add", "--inspection", "dundee-2021", "--title", title, "--owner", "Owner", "--agency", "Agency", "--due", due,
                          "--date", "2023-01-01"])
        }
        try add("Due today", "2023-06-01")          // 2
        try add("Due tomorrow", "2023-06-02")       // 3
        try add("Withdrawn", "2023-01-01")          // 4
        try add("Completed late", "2023-01-01")     // 5
        try add("Extended", "2023-01-01")           // 6
        try add("Ongoing", "ongoing")               // 7
        try h.ok(["withdraw", "4", "--reason", "Not needed", "--date", "2023-02-01"])
        try h.ok(["complete", "5", "--evidence", "Done", "--date", "2023-02-01"])
        try h.ok(["extend", "6", "--to", "2023-07-01", "--reason", "Delay", "--date", "2023-01-01"])
        try h.ok(["complete", "1", "--evidence", "Done", "--date", "2023-03-01"])
        let day = "2023-06-01"
        let overdue = try h.ok(["report", "overdue", "--as-of", day, "--format", "csv"])
        #expect(!overdue.contains("Due today") && !overdue.contains("Withdrawn") && !overdue.contains("Completed late")
                && !overdue.contains("Ongoing") && !overdue.contains("Extended"))
        #expect(try h.ok(["report", "overdue", "--as-of", "2023-06-02", "--format", "csv"]).contains("Due today"))
        let soon = try h.ok(["report", "due-soon", "--as-of", day, "--within", "1", "--format", "csv"])
        #expect(soon.contains("Due today") && soon.contains("Due tomorrow") && !soon.contains("Extended"))
        #expect(!(try h.ok(["report", "due-soon", "--as-of", day, "--within", "0", "--format", "csv"])).contains("Due tomorrow"))
        let list = try json(try h.ok(["action", "list", "--as-of", day, "--format", "json"])) as? [[String: Any]] ?? []
        let byTitle = Dictionary(uniqueKeysWithValues: list.map { ($0["title"] as? String ?? "", $0) })
        #expect(byTitle["Completed late"]?["rag"] as? String == "complete")
        #expect((byTitle["Completed late"]?["flags"] as? [String]) == ["slipped", "completed-late"])
        #expect((byTitle["Extended"]?["flags"] as? [String])?.contains("slipped") == true && byTitle["Extended"]?["rag"] as? String == "amber")
        #expect((byTitle["Ongoing"]?["flags"] as? [String]) == ["stale", "no-deadline"])  // recorded 2023-01-01, never updated
        #expect(byTitle["Withdrawn"]?["flags"] as? [String] == [])
        let progress = (try json(try h.ok(["report", "progress", "--as-of", day, "--format", "json"])) as? [String: Any])?["partnerships"] as? [[String: Any]] ?? []
        #expect(progress.first?["withdrawn"] as? Int == 1 && progress.first?["actions"] as? Int == 6)
        #expect(progress.first?["noDeadline"] as? Int == 1 && progress.first?["overdue"] as? Int == 0)
    }

    @Test("a review that has come due without a new one makes the follow-up overdue")
    func followUpOverdue() throws {
        let h = try Harness()
        defer { h.cleanUp() }
        try h.logged()
        try h.ok(["review", "add", "dundee", "--date", "2023-01-10", "--kind", "meeting", "--summary", "First", "--next", "2023-04-10"])
        let onTime = (try json(try h.ok(["report", "linking", "--as-of", "2023-04-10", "--format", "json"])) as? [String: Any])?["partnerships"] as? [[String: Any]]
        #expect(onTime?.first?["followUpOverdue"] as? Bool == false)
        let late = (try json(try h.ok(["report", "linking", "--as-of", "2023-04-11", "--format", "json"])) as? [String: Any])?["partnerships"] as? [[String: Any]]
        #expect(late?.first?["followUpOverdue"] as? Bool == true)
        #expect(late?.first?["latePlans"] as? [String] == ["dundee-2021"])
        let story = try h.ok(["follow", "dundee", "--as-of", "2023-04-11"])
        #expect(story.contains("next due 2023-04-10 (overdue)") && story.contains("Meeting: First"))
        let since = try h.ok(["follow", "dundee", "--as-of", "2023-04-11", "--since", "2023-02-01", "--format", "csv"])
        #expect(!since.contains("First"))
    }
}
