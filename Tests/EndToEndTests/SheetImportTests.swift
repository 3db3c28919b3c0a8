import Foundation
import Testing

private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

/// A database with partnership `dundee` and inspection `dundee-2021`, nothing else.
private func empty(_ engine: Engine) throws -> Harness {
    let h = try Harness(engine: engine)
    try h.ok(["init"])
    try h.ok(["partnership", "add", "dundee", "--name", "Dundee City"])
    try h.ok(["inspection", "add", "dundee-2021", "--partnership", "dundee", "--title", "Children at risk of harm", "--published", "2022-02-01"])
    return h
}

private func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

@Suite("spreadsheet import and exports", .serialized)
struct SheetImportTests {
    @Test("the sample spreadsheet imports with every action, deadline, owner and progress note right", arguments: Engine.allCases)
    func sample(engine: Engine) throws {
        let h = try empty(engine)
        defer { h.cleanUp() }
        let file = fixtures.appendingPathComponent("action-plan-sample.csv").path
        let dry = try h.run(["import", file, "--inspection", "dundee-2021", "--date", "2023-01-15", "--dry-run"])
        #expect(dry.stdout.hasSuffix("Would import 4 new actions, 3 new areas for improvement, 3 progress updates; 0 unchanged\n"), "\(dry.stdout)\(dry.stderr)")
        #expect(try h.ok(["action", "list", "--format", "csv"]).split(separator: "\r\n").count == 1, "dry run wrote actions")
        #expect(try h.ok(["import", file, "--inspection", "dundee-2021", "--date", "2023-01-15"])
            == "Imported 4 new actions, 3 new areas for improvement, 3 progress updates; 0 unchanged\n")
        let actions = try json(try h.ok(["action", "list", "--as-of", "2023-08-01", "--format", "json"])) as? [[String: Any]] ?? []
        #expect(actions.map { $0["ref"] as? String } == ["1.1", "1.2", "2.1", "3.1"])
        #expect(actions.map { $0["due"] as? String } == ["2023-03-31", "2023-06-30", "2023-09-30", nil])
        #expect(actions.map { $0["owner"] as? String } == ["Service Manager, Child Protection", "Learning and Development Lead",
                                                            "Head of Service, Education", "Independent Reviewing Officer"])
        #expect(actions.map { $0["selfAssessment"] as? String } == ["amber", "green", "red", "green"])
        #expect(actions.map { $0["status"] as? String } == ["in-progress", "in-progress", "not-started", "in-progress"])
        #expect((actions[3]["flags"] as? [String])?.contains("no-deadline") == true)
        let show = try json(try h.ok(["action", "show", "dundee-2021/1.1", "--format", "json"])) as? [String: Any]
        let updates = show?["updates"] as? [[String: Any]]
        #expect(updates?.first?["note"] as? String == "Pilot running in two localities.\nEvaluation due in spring.")
        #expect(updates?.first?["date"] as? String == "2023-01-15")
        let findings = try h.ok(["finding", "list", "--format", "csv"]).split(separator: "\r\n")
        #expect(findings.count == 4)  // header + three distinct areas for improvement
        let overdue = try json(try h.ok(["report", "overdue", "--as-of", "2023-08-01", "--format", "json"])) as? [String: Any]
        #expect((overdue?["rows"] as? [[String: Any]])?.map { $0["ref"] as? String } == ["1.1", "1.2"])
        #expect((overdue?["rows"] as? [[String: Any]])?.map { $0["daysOverdue"] as? Int } == [123, 32])
        // Importing the same sheet again changes nothing.
        let before = try h.snapshot()
        #expect(try h.ok(["import", file, "--inspection", "dundee-2021", "--date", "2023-01-15"]).contains("Imported nothing new"))
        #expect(try h.snapshot() == before)
    }

    @Test("real-world variety: loose headings, a title row, CRLF, Windows-1252, month-only and UK dates, merged areas", arguments: Engine.allCases)
    func variety(engine: Engine) throws {
        let h = try empty(engine)
        defer { h.cleanUp() }
        var text = "Dundee joint action plan 2022,,,,,,\r\n"
        text += " AREAS FOR IMPROVEMENT: ,Actions to be taken,Responsible Officer,Lead Agencies,Target Date,Current status,% complete\r\n"
        text += "Staff supervision \u{2013} quality varies,Introduce supervision audit,Practice Lead,Council,31/03/24,On track,25%\r\n"
        text += ",Publish supervision policy (\u{00A3}0 cost),Practice Lead,Council,end of March 2024,Completed,\r\n"
        text += "Data use,\"Quarterly dashboard, reviewed by \"\"COG\"\"\",Performance Manager,NHS Tayside,45382,Not started,0\r\n"
        text += ",,,,,,\r\n"
        let file = h.folder.appendingPathComponent("plan.csv")
        let data = try #require(text.data(using: .windowsCP1252))
        try data.write(to: file)
        #expect(try h.ok(["import", file.path, "--inspection", "dundee-2021", "--date", "2024-02-01"]).contains("3 new actions"))
        let actions = try json(try h.ok(["action", "list", "--format", "json", "--as-of", "2024-02-01"])) as? [[String: Any]] ?? []
        #expect(actions.map { $0["title"] as? String } == ["Introduce supervision audit", "Publish supervision policy (\u{00A3}0 cost)",
                                                            "Quarterly dashboard, reviewed by \"COG\""])
        #expect(actions.map { $0["due"] as? String } == ["2024-03-31", "2024-03-31", "2024-03-31"])
        #expect(actions.map { $0["status"] as? String } == ["in-progress", "complete", "not-started"])
        #expect(actions.map { $0["percent"] as? Int } == [25, 100, 0])
        let findings = try h.ok(["finding", "list", "--format", "csv"])
        #expect(findings.contains("Staff supervision \u{2013} quality varies") && findings.contains("Data use"))
        let show = try json(try h.ok(["action", "show", "2", "--format", "json"])) as? [String: Any]
        #expect((show?["action"] as? [String: Any])?["findings"] as? [Int] == [1], "a blank area cell continues the one above")
    }

    @Test("bad spreadsheets: every problem named by row and column, nothing written", arguments: [
        ("Ref,Owner,Agency\n1,o,a\n", "no action column (a heading such as 'Action' or 'Actions to be taken'); columns found: 'Ref', 'Owner', 'Agency'"),
        ("Action,Lead agency\nx,a\n", "no owner column"),
        ("Action,Owner,Agency,Due\nx,o,a,31/02/2025\ny,o,a,soon\n", "row 2, column 'Due': '31/02/2025' is not a date"),
        ("Action,Owner,Agency,Due\nx,o,a,31/02/2025\ny,o,a,soon\n", "row 3, column 'Due': 'soon' is not a date"),
        ("Action,Owner,Agency\n\"unterminated,o,a\n", "row 2: a quoted cell starts here and is never closed"),
        ("Action,Owner,Agency\nx,o,a,extra\n", "row 2: 4 cells but the header has 3 columns"),
        ("Action,Owner,Agency\nx,,a\n", "row 2, column 'Owner': the action has no owner"),
        ("Action,Owner,Agency,Status\nx,o,a,paused\n", "row 2, column 'Status': 'paused' is not a status"),
        ("Action,Owner,Agency,% complete\nx,o,a,150\n", "row 2, column '% complete': '150' is not a whole number from 0 to 100"),
        ("Action,Owner,Agency,RAG\nx,o,a,purple\n", "row 2, column 'RAG': 'purple' is not red, amber, green or blue"),
        ("Action,Owner,Agency,RAG,Status\nx,o,a,Blue,In progress\n", "row 2, column 'RAG': 'Blue' means complete, but the status is 'In progress'"),
        ("Id,Ref,Action,Owner,Agency\nseven,1,x,o,a\n", "row 2, column 'Id': 'seven' is not a planwatch action id (a whole number)"),
        ("Ref,Action,Owner,Agency\n1.1,x,o,a\n1.1,y,o,a\n", "row 3, column 'Ref': '1.1' is already used on row 2 (a spreadsheet may have saved a reference such as 1.10 as the number 1.1: format the column as text)"),
        ("Action;Owner;Agency;Timescale\nx;o;a;Q5 2024/25\n", "row 2, column 'Timescale': 'Q5 2024/25' is not a date"),
        ("Ref,Action,Owner,Agency\n1,x,o,a\n1,y,o,a\n", "row 3, column 'Ref': '1' is already used on row 2"),
        ("", "the file is empty"),
        ("Action,Owner\u{0},Agency\nx,o,a\n", "it holds a NUL byte"),
        ("\u{1}\u{2}\u{3}binary\u{4}garbage", "not a text spreadsheet"),
    ], Engine.allCases)
    func badSheets(sheet: (content: String, expected: String), engine: Engine) throws {
        let (content, expected) = sheet
        let h = try empty(engine)
        defer { h.cleanUp() }
        let file = h.folder.appendingPathComponent("bad.csv")
        try Data(content.utf8).write(to: file)
        let before = try h.snapshot()
        let result = try h.run(["import", file.path, "--inspection", "dundee-2021"])
        #expect(result.status == 1)
        #expect(result.stderr.contains(expected), "stderr: \(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"))
        #expect(try h.snapshot() == before)
    }

    @Test("rows without a reference are numbered after the inspection's actions, skipping taken numbers, and matched by title when imported again", arguments: Engine.allCases)
    func numbering(engine: Engine) throws {
        let h = try empty(engine)
        defer { h.cleanUp() }
        try h.ok(["action", "add", "--inspection", "dundee-2021", "--ref", "2", "--title", "Existing", "--owner", "o", "--agency", "a",
                  "--due", "2025-01-01"])
        let file = h.folder.appendingPathComponent("unnumbered.csv")
        try Data("Action,Owner,Agency,Due\nFirst,o,a,\nSecond,o,a,\nExisting,o,a,01/01/2025\n".utf8).write(to: file)
        #expect(try h.ok(["import", file.path, "--inspection", "dundee-2021"]).contains("2 new actions; 1 unchanged"))
        let actions = try json(try h.ok(["action", "list", "--format", "json"])) as? [[String: Any]] ?? []
        // One action before: "First" would be 2, which is taken, so 3; "Second" 4; "Existing" is the action titled so.
        #expect(actions.map { "\($0["ref"] as? String ?? "?") \($0["title"] as? String ?? "?")" } == ["2 Existing", "3 First", "4 Second"])
        let before = try h.snapshot()
        #expect(try h.ok(["import", file.path, "--inspection", "dundee-2021"]).contains("Imported nothing new"))
        #expect(try h.snapshot() == before)
    }

    @Test("a 2 MB cell, random binary and a return moving a deadline earlier are refused, nothing written", arguments: Engine.allCases)
    func hostileSheets(engine: Engine) throws {
        let h = try empty(engine)
        defer { h.cleanUp() }
        let file = h.folder.appendingPathComponent("big.csv")
        try Data(("Action,Owner,Agency\n" + String(repeating: "x", count: 2_000_000) + ",o,a\n").utf8).write(to: file)
        let before = try h.snapshot()
        let big = try h.run(["import", file.path, "--inspection", "dundee-2021"])
        #expect(big.status == 1 && big.stderr.contains("row 2, column 'Action': the cell holds 2000000 characters"))
        var generator = SystemRandomNumberGenerator()
        let noise = Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try noise.write(to: file)
        let garbage = try h.run(["import", file.path, "--inspection", "dundee-2021"])
        #expect(garbage.status == 1 && garbage.stderr.hasPrefix("planwatch: "))
        #expect(try h.snapshot() == before)

        try Data("Ref,Action,Owner,Agency,Due\n1,x,o,a,2025-01-01\n".utf8).write(to: file)
        try h.ok(["import", file.path, "--inspection", "dundee-2021"])
        let settled = try h.snapshot()
        try Data("Ref,Action,Owner,Agency,Due\n1,x,someone else,a,2025-01-01\n2,y,o,a,2025-02-30\n".utf8).write(to: file)
        let conflict = try h.run(["import", file.path, "--inspection", "dundee-2021"])
        #expect(conflict.stderr.contains("row 3, column 'Due': '2025-02-30' is not a date"))
        // A deadline moved earlier is refused, naming the row and the sheet's own heading for the column.
        try Data("Ref,Action,Owner,Agency,Due\n1,x,someone else,a,2024-12-01\n".utf8).write(to: file)
        let earlier = try h.run(["import", file.path, "--inspection", "dundee-2021"])
        #expect(earlier.stderr == "planwatch: row 2, column 'Due': 2024-12-01 is earlier than action dundee-2021/1's deadline 2025-01-01; a return never moves a deadline earlier\n", "\(earlier.stderr)")
        #expect(try h.snapshot() == settled)
        try Data("Action No.,Action,Owner,Agency,Target date\n1,x,someone else,a,2024-12-01\n".utf8).write(to: file)
        let headed = try h.run(["import", file.path, "--inspection", "dundee-2021"])
        #expect(headed.stderr.hasPrefix("planwatch: row 2, column 'Target date': 2024-12-01 is earlier"), "\(headed.stderr)")
        #expect(try h.snapshot() == settled)
        let unknown = try h.run(["import", file.path, "--inspection", "nowhere"])
        #expect(unknown.stderr.contains("no inspection 'nowhere'"))
        let missing = try h.run(["import", file.path])
        #expect(missing.stderr.contains("inspection (a spreadsheet is imported into one inspection: --inspection KEY)"))
    }

    @Test("the CSV export re-imports to the same actions, with formulas neutralised", arguments: Engine.allCases)
    func csvRoundTrip(engine: Engine) throws {
        let h = try empty(engine)
        defer { h.cleanUp() }
        try h.ok(["import", fixtures.appendingPathComponent("action-plan-sample.csv").path, "--inspection", "dundee-2021", "--date", "2023-01-15"])
        try h.ok(["action", "add", "--inspection", "dundee-2021", "--ref", "9.9", "--title", "=HYPERLINK(\"http://x\")", "--owner", "+Owner",
                  "--agency", "@Agency", "--due", "2024-01-31", "--date", "2023-01-15"])
        try h.ok(["extend", "dundee-2021/9.9", "--to", "2024-06-30", "--reason", "Delay", "--date", "2024-01-01"])
        try h.ok(["complete", "dundee-2021/1.2", "--evidence", "Attendance 92%", "--date", "2023-07-01"])
        let export = try h.ok(["export", "--format", "csv", "--inspection", "dundee-2021", "--as-of", "2023-08-01"])
        #expect(export.contains("'=HYPERLINK(\"\"http://x\"\")") && export.contains(",'+Owner,'@Agency,"))
        let file = h.folder.appendingPathComponent("export.csv")
        try Data(export.utf8).write(to: file)

        let other = try empty(engine)
        defer { other.cleanUp() }
        let result = try other.run(["import", file.path, "--inspection", "dundee-2021", "--date", "2023-01-15"])
        #expect(result.status == 0, "\(result.stderr)")
        let fields = ["ref", "title", "owner", "agency", "due", "originalDue", "status", "percent", "selfAssessment"]
        func actions(_ harness: Harness) throws -> [[String]] {
            let list = try json(try harness.ok(["action", "list", "--format", "json", "--as-of", "2023-08-01"])) as? [[String: Any]] ?? []
            return list.map { row in fields.map { "\(row[$0] ?? "-")" } }
        }
        let expected = try actions(h)
        try #require(expected.count == 5)
        // The neutralising apostrophe is planwatch's own: read back, the text is as it was.
        #expect(try actions(other) == expected)
        #expect(try other.ok(["finding", "list", "--format", "csv"]) == (try h.ok(["finding", "list", "--format", "csv"])))
    }

    /// LibreOffice opens the export as a spreadsheet and saves it again as a
    /// council would: references that look like numbers lose their trailing
    /// zeros (1.10 becomes 1.1), the neutralising apostrophe stays in the
    /// cell; saved with semicolons it is also how many locales write CSV.
    @Test("an export opened and saved by LibreOffice, with commas or semicolons, re-imports as the same actions", arguments: Engine.allCases)
    func libreOfficeRoundTrip(engine: Engine) throws {
        let h = try Harness(engine: engine)
        defer { h.cleanUp() }
        try h.ok(["init"])
        try h.ok(["partnership", "add", "fife", "--name", "Fife"])
        try h.ok(["inspection", "add", "fife-2024", "--partnership", "fife", "--title", "Services", "--published", "2024-06-01"])
        try h.ok(["action", "add", "--inspection", "fife-2024", "--ref", "1.1", "--title", "First", "--owner", "Chief Social Work Officer",
                  "--agency", "Fife Council", "--due", "2025-03-31", "--date", "2024-07-01"])
        try h.ok(["action", "add", "--inspection", "fife-2024", "--ref", "1.10", "--title", "=Tenth", "--owner", "Chief Officer",
                  "--agency", "NHS Fife", "--due", "Q4 2025/26", "--date", "2024-07-01"])
        try h.ok(["action", "add", "--inspection", "fife-2024", "--ref", "2", "--title", "-2 FTE vacancy; café", "--owner", "Lead",
                  "--agency", "Fife Council", "--date", "2024-07-01"])
        try h.ok(["update", "1", "--note", "+ half done; 50% of staff", "--percent", "50", "--date", "2024-09-01"])
        let export = h.folder.appendingPathComponent("export.csv")
        try Data(try h.ok(["export", "--format", "csv", "--inspection", "fife-2024"]).utf8).write(to: export)
        let before = try h.snapshot()
        let profile = h.folder.appendingPathComponent("lo-profile")
        for (name, separator) in [("comma", "44"), ("semicolon", "59")] {
            let out = h.folder.appendingPathComponent(name)
            try OutsideTool.run("soffice", ["-env:UserInstallation=file://\(profile.path)", "--headless",
                                        "--infilter=CSV:44,34,76,1", "--convert-to", "csv:Text - txt - csv (StarCalc):\(separator),34,76,1",
                                        "--outdir", out.path, export.path])
            let saved = try String(contentsOf: out.appendingPathComponent("export.csv"), encoding: .utf8)
            // What the spreadsheet did: the reference 1.10 became the number 1.1; the apostrophe stayed.
            #expect(saved.contains(separator == "44" ? "\"fife-2024\",1.1,,\"'=Tenth\"" : "\"fife-2024\";1.1;;\"'=Tenth\""), "\(saved)")
            let again = try h.run(["import", out.appendingPathComponent("export.csv").path, "--inspection", "fife-2024"])
            #expect(again.status == 0, "\(name): \(again.stderr)")
            #expect(again.stdout.hasSuffix("Imported nothing new; 3 unchanged\n"), "\(name): \(again.stdout)")
            #expect(try h.snapshot() == before, "\(name): the re-import changed the database")
        }
        // Into another database the ids are not its own: the rows are read by their
        // references, and two rows now both 1.1 cannot be told apart. Refused, saying why.
        let other = try Harness(engine: engine)
        defer { other.cleanUp() }
        try other.ok(["init"])
        try other.ok(["partnership", "add", "fife", "--name", "Fife"])
        try other.ok(["inspection", "add", "fife-2024", "--partnership", "fife", "--title", "Services", "--published", "2024-06-01"])
        let empty = try other.snapshot()
        let moved = try other.run(["import", h.folder.appendingPathComponent("semicolon/export.csv").path, "--inspection", "fife-2024"])
        #expect(moved.status == 1)
        #expect(moved.stderr == "planwatch: row 3, column 'Ref': '1.1' is already used on row 2 (a spreadsheet may have saved a reference such as 1.10 as the number 1.1: format the column as text)\n", "\(moved.stderr)")
        #expect(try other.snapshot() == empty)
    }

    @Test("the calendar export passes a real iCalendar parser, and exports validate against the JSON Schema", arguments: Engine.allCases)
    func externalParsers(engine: Engine) throws {
        let h = try Harness(engine: engine)
        defer { h.cleanUp() }
        #expect(try h.run(["demo", "--db", h.db, "--format", "csv"]).status == 0)
        let ics = try h.ok(["export", "--format", "ics", "--as-of", "2025-01-31"])
        let calendar = h.folder.appendingPathComponent("plan.ics")
        try Data(ics.utf8).write(to: calendar)
        #expect(ics.hasPrefix("BEGIN:VCALENDAR\r\n") && ics.contains("UID:dundee-2021_2.1@planwatch"))
        #expect(try h.ok(["export", "--format", "ics", "--as-of", "2025-01-31"]) == ics, "UIDs and content are stable")
        try python(["ics", calendar.path, "8"])
        let owner = try h.ok(["export", "--format", "ics", "--as-of", "2025-01-31", "--owner", "chief social work officer"])
        try Data(owner.utf8).write(to: calendar)
        try python(["ics", calendar.path, "1"])
        let plan = h.folder.appendingPathComponent("plan.json")
        try Data(try h.ok(["export", "--format", "json"]).utf8).write(to: plan)
        try python(["schema", schemaPath, plan.path])
        for seed in ["dundee-2021", "west-dunbartonshire-2022", "glasgow-city", "stirling", "inverclyde-2017"] {
            try python(["schema", schemaPath, root.appendingPathComponent("seeds/\(seed).json").path])
        }
    }

    @Test("JSON round trip is byte-identical on a generated database of 10,000 actions", arguments: Engine.allCases)
    func generatedRoundTrip(engine: Engine) throws {
        let h = try Harness(engine: engine)
        defer { h.cleanUp() }
        let generated = h.folder.appendingPathComponent("national.json")
        #expect(FileManager.default.createFile(atPath: generated.path, contents: nil))
        try OutsideTool.run("python3", [root.appendingPathComponent("Benchmarks/generate.py").path, "--actions", "10000", "--seed", "11"],
                            stdout: try FileHandle(forWritingTo: generated))
        try h.ok(["init"])
        try h.ok(["import", generated.path])
        let first = try h.ok(["export", "--format", "json"])
        let exported = h.folder.appendingPathComponent("first.json")
        try Data(first.utf8).write(to: exported)
        try python(["schema", schemaPath, exported.path])
        let other = h.folder.appendingPathComponent("second.sqlite").path
        #expect(try h.run(["init", "--db", other]).status == 0)
        #expect(try h.run(["import", exported.path, "--db", other]).status == 0)
        let second = try h.run(["export", "--format", "json", "--db", other])
        #expect(second.stdout == first)
        #expect((try json(first) as? [String: Any])?["actions"].map { ($0 as? [Any])?.count } == 10000)
    }
}

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
private let schemaPath = root.appendingPathComponent("docs/plan-file.schema.json").path

/// Runs Tests/scripts/check_exports.py; a failure records what it printed.
private func python(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
    try OutsideTool.run("python3", [root.appendingPathComponent("Tests/scripts/check_exports.py").path] + arguments, sourceLocation: sourceLocation)
}
