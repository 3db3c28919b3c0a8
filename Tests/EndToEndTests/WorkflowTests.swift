import Foundation
import Testing

@Suite("planwatch end to end", .serialized)
struct WorkflowTests {
    @Test("the after-inspection flow, command by command", arguments: Engine.allCases)
    func walkthrough(engine: Engine) throws {
        let h = try Harness(engine: engine)
        defer { h.cleanUp() }
        try h.logged()
        #expect(try h.ok(["update", "1", "--note", "Tender issued", "--status", "in-progress", "--percent", "40", "--date", "2023-01-10"])
            == "Updated action 1 (dundee-2021/2.1): in-progress, 40%\n")
        #expect(try h.ok(["extend", "1", "--to", "30/06/2023", "--reason", "Recruitment delayed", "--agreed-by", "COG", "--date", "2023-03-20"])
            .contains("to 2023-06-30 (originally 2023-03-31)"))
        try h.ok(["action", "add", "--inspection", "dundee-2021", "--title", "Advocacy offer", "--owner", "IRO lead",
                  "--agency", "Council", "--due", "ongoing", "--date", "2022-03-01"])
        try h.ok(["action", "add", "--inspection", "dundee-2021", "--title", "Dashboard", "--owner", "Lead Officer",
                  "--agency", "Council", "--due", "31 March 2023", "--date", "2022-03-01"])
        try h.ok(["withdraw", "3", "--reason", "Merged into 2.1", "--date", "2023-02-01"])
        try h.ok(["plan", "submit", "dundee-2021", "--date", "2022-03-10"])
        try h.ok(["plan", "agree", "dundee-2021", "--date", "2022-04-01", "--by", "Link inspector"])
        try h.ok(["review", "add", "dundee", "--date", "2023-05-10", "--kind", "meeting", "--summary", "Counselling delayed",
                  "--actions", "1,2", "--confidence", "confident", "--next", "2023-11-10"])

        let table = try h.ok(["report", "overdue", "--as-of", "2023-08-01"])
        #expect(table.contains("Overdue actions as of 2023-08-01: 1"))
        #expect(table.contains("Head of Service, Education") && table.contains("32"))

        let json = try h.ok(["report", "overdue", "--as-of", "2023-08-01", "--format", "json"])
        let report = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let rows = report?["rows"] as? [[String: Any]] ?? []
        #expect(rows.count == 1 && (report?["totals"] as? [String: Any])?["count"] as? Int == 1)
        #expect(rows.first?["id"] as? Int == 1 && rows.first?["daysOverdue"] as? Int == 32)
        #expect(rows.first?["due"] as? String == "2023-06-30" && rows.first?["originalDue"] as? String == "2023-03-31")
        #expect(rows.first?["owner"] as? String == "Head of Service, Education" && rows.first?["rag"] as? String == "red")
        #expect((rows.first?["flags"] as? [String])?.contains("slipped") == true)

        let csv = try h.ok(["report", "overdue", "--as-of", "2023-08-01", "--format", "csv"])
        let lines = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 2)
        #expect(lines.first == "id,partnership,ref,title,owner,agency,due,originalDue,daysOverdue,ageing,lastUpdate,flags")
        #expect(lines.last == "1,dundee,2.1,Commission counselling,\"Head of Service, Education\",Dundee City Council,2023-06-30,2023-03-31,32,31-90,2023-01-10,slipped stale behind-schedule")

        // Due today is not overdue; the day after it is.
        #expect(try h.ok(["report", "overdue", "--as-of", "2023-06-30", "--format", "csv"]).components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 1)

        let list = try h.ok(["action", "list", "--as-of", "2023-08-01", "--format", "json"])
        let actions = try JSONSerialization.jsonObject(with: Data(list.utf8)) as? [[String: Any]] ?? []
        // Recorded on 2022-03-01 and never updated: stale (amber) by 2023-08-01.
        #expect(actions.map { $0["rag"] as? String } == ["red", "amber", "withdrawn"])
        #expect((actions[1]["flags"] as? [String]) == ["stale", "no-deadline"])

        let show = try h.ok(["action", "show", "dundee-2021/2.1", "--as-of", "2023-08-01"])
        #expect(show.contains("Tender issued") && show.contains("Recruitment delayed") && show.contains("originally 2023-03-31"))

        try h.ok(["complete", "1", "--evidence", "Contract signed", "--date", "2023-07-15"])
        #expect(try h.ok(["report", "overdue", "--as-of", "2023-08-01", "--format", "json"]).contains("\"count\" : 0"))
        let progress = try h.ok(["report", "progress", "--as-of", "2023-08-01", "--format", "csv"])
        #expect(progress.contains("dundee,dundee-2021,2,1,0,1,1,50,0,1,0,0,1,1,agreed,2023-05-10,2023-11-10,confident,none"))
        #expect(try h.ok(["partnership", "show", "dundee"]).contains("Link inspector (Tayside)"))
        #expect(try h.ok(["inspection", "show", "dundee-2021"]).contains("good"))
        #expect(try h.ok(["review", "list", "--format", "csv"]).contains("Counselling delayed"))
        #expect(try h.ok(["finding", "list"]).contains("Mental health support was limited"))
        #expect(try h.ok(["qi", "list"]).contains("Leadership of strategy and direction"))
    }

    @Test("the demo loads the seeds once and reports overdue actions and partnerships", arguments: Engine.allCases)
    func demo(engine: Engine) throws {
        let h = try Harness(engine: engine)
        defer { h.cleanUp() }
        let first = try h.run(["demo", "--db", h.db, "--as-of", "2026-11-21"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("Loaded 5 seed inspections"))
        #expect(first.stdout.contains("Overdue actions as of 2026-11-21: 5"))
        #expect(first.stdout.contains("Chief Social Work Officer"))
        for key in ["dundee", "glasgow-city", "inverclyde", "stirling", "west-dunbartonshire"] {
            #expect(first.stdout.contains(key))
        }
        let before = try h.snapshot()
        let second = try h.run(["demo", "--db", h.db, "--as-of", "2026-11-21"])
        #expect(second.stdout.contains("Seed data already loaded"))
        #expect(try h.snapshot() == before)
    }
}
