import Foundation
import Testing

@Suite("plan files end to end", .serialized)
struct ExchangeTests {
    @Test("seed data: export, import into an empty database, export again is byte-identical", arguments: Engine.allCases)
    func roundTrip(engine: Engine) throws {
        let h = try Harness(engine: engine)
        defer { h.cleanUp() }
        let demo = h.folder.appendingPathComponent("demo.sqlite").path
        #expect(try h.run(["demo", "--db", demo]).status == 0)
        let first = try h.run(["export", "--format", "json", "--db", demo])
        #expect(first.status == 0 && first.stdout.contains("\"planwatch-plan-file\""))
        let file = h.folder.appendingPathComponent("export.json")
        try Data(first.stdout.utf8).write(to: file)
        try h.ok(["init"])
        #expect(try h.ok(["import", file.path]).hasPrefix("Imported "))
        #expect(try h.ok(["export", "--format", "json"]) == first.stdout)
        let before = try h.snapshot()
        #expect(try h.ok(["import", file.path]).contains("nothing new"))
        #expect(try h.snapshot() == before)
        #expect(try h.ok(["import", file.path, "--dry-run"]).hasPrefix("Would import nothing new"))
    }

    @Test("a plan file is read from a pipe as from a file, a list before those it needs", arguments: Engine.allCases)
    func fromPipe(engine: Engine) throws {
        let h = try Harness(engine: engine)
        defer { h.cleanUp() }
        try h.ok(["init"])
        // Actions come first in the file, their partnership and inspection after: the importer reads them in order of need.
        let json = #"""
            {"actions": [{"inspection": "stirling-2024", "ref": "1", "title": "Audit case files", "owner": "Lead officer",
                          "agency": "Stirling Council", "created": "2024-05-01", "originalDue": "2024-09-30", "due": "2024-09-30"}],
             "inspections": [{"key": "stirling-2024", "partnership": "stirling", "title": "Services for children at risk of harm",
                              "published": "2024-03-01"}],
             "partnerships": [{"key": "stirling", "name": "Stirling"}], "version": 1, "format": "planwatch-plan-file"}
            """#
        let result = try h.run(["import", "/dev/stdin"], input: Data(json.utf8))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("actions: 1") && result.stdout.contains("partnerships: 1"))
        #expect(try h.ok(["report", "overdue", "--as-of", "2024-10-31", "--format", "csv"]).contains("Audit case files"))
        let broken = try h.run(["import", "/dev/stdin"], input: Data("{\"format\": \"planwatch-plan-file\",\n \"version\": 1,\n oops}".utf8))
        #expect(broken.status == 1 && broken.stderr == "planwatch: /dev/stdin: not valid JSON (expected a key in quotes at line 3, column 2)\n")
    }

    @Test("dry run writes nothing", arguments: Engine.allCases)
    func dryRun(engine: Engine) throws {
        let h = try Harness(engine: engine)
        defer { h.cleanUp() }
        try h.ok(["init"])
        let file = h.folder.appendingPathComponent("p.json")
        try Data(#"{"format":"planwatch-plan-file","version":1,"partnerships":[{"key":"stirling","name":"Stirling"}]}"#.utf8).write(to: file)
        let before = try h.snapshot()
        #expect(try h.ok(["import", file.path, "--dry-run"]) == "Would import 1 record (partnerships: 1); 0 already present\n")
        #expect(try h.snapshot() == before)
        #expect(try h.ok(["partnership", "list", "--format", "csv"]) == "key,name,council,healthBoard,policeDivision\r\n")
    }

    @Test("listings in each format", arguments: Engine.allCases)
    func listings(engine: Engine) throws {
        let h = try Harness(engine: engine)
        defer { h.cleanUp() }
        try h.logged()
        try h.ok(["qi", "add", "--name", "Assessing and responding to risks and needs", "--framework", "2014"])
        try h.ok(["inspection", "grade", "dundee-2021", "--qi", "assessing and responding to risks and needs", "--grade", "adequate"])
        #expect(try h.ok(["inspection", "show", "dundee-2021"]).contains("Assessing and responding to risks and needs  3      adequate"))
        let partnerships = try JSONSerialization.jsonObject(with: Data(try h.ok(["partnership", "list", "--format", "json"]).utf8)) as? [[String: Any]]
        #expect(partnerships?.first?["key"] as? String == "dundee" && partnerships?.first?["healthBoard"] as? String == "NHS Tayside")
        #expect(try h.ok(["inspection", "list", "--format", "csv"]).contains("dundee-2021,dundee,Services for children at risk of harm,2022-02-01,2022-03-15,confident,none"))
        #expect(try h.ok(["action", "list", "--format", "markdown", "--as-of", "2023-01-01"]).contains("| 1 | dundee | 2.1 | Commission counselling |"))
        // Relinking closes the previous assignment the day before.
        try h.ok(["partnership", "link", "dundee", "--inspector", "New link inspector", "--from", "2024-04-01"])
        let show = try h.ok(["partnership", "show", "dundee"])
        #expect(show.contains("Link inspector (Tayside)  2022-01-01  2024-03-31") && show.contains("New link inspector        2024-04-01  current"))
        // Hostile text is stored exactly and printed without escape sequences.
        let hostile = "'; DROP TABLE action; --\u{1B}[31m red"
        try h.ok(["update", "1", "--note", hostile, "--date", "2023-01-01"])
        let json = try h.ok(["action", "show", "1", "--format", "json"])
        #expect(json.contains("DROP TABLE action") && json.contains("\\u001b[31m"))
        let text = try h.ok(["action", "show", "1"])
        #expect(text.contains("'; DROP TABLE action; -- red") && !text.contains("\u{1B}"))
    }
}
