import Foundation
import Testing

/// A partnership's return: its plan sent back with progress, taken in as
/// changes (docs/formats.md, "Returns").
@Suite("returns", .serialized)
struct ReturnTests {
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// A database holding return-plan.csv as the plan of stirling-2023, recorded on 2023-09-01.
    func planned(_ engine: Engine) throws -> Harness {
        let h = try Harness.stirling(engine: engine)
        try h.ok(["import", fixtures.appendingPathComponent("return-plan.csv").path, "--inspection", "stirling-2023", "--date", "2023-09-01"])
        return h
    }

    func json(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }

    func action(_ h: Harness, _ ref: String) throws -> [String: Any] {
        try json(try h.ok(["action", "show", "stirling-2023/\(ref)", "--format", "json"]))
    }

    func auditEntries(_ h: Harness) throws -> Int {
        let line = try h.ok(["verify"])
        let words = line.split(separator: " ")
        return words.firstIndex(of: "audit").flatMap { Int(words[$0 - 1]) } ?? -1
    }

    @Test("a return's change list names exactly what changed; the import records exactly that, audited; the same return again changes nothing", arguments: Engine.allCases)
    func returnReconciled(engine: Engine) throws {
        let h = try planned(engine)
        defer { h.cleanUp() }
        let file = fixtures.appendingPathComponent("return-q1.csv").path
        let entries = try auditEntries(h)
        let before = try h.snapshot()
        let dry = try h.ok(["import", file, "--inspection", "stirling-2023", "--date", "2024-01-15", "--dry-run"])
        #expect(dry == """
            1.1 progress: "Screening live in all localities; first audit booked"
            1.2 deadline 2024-06-30 → 2024-12-31 (extension)
            2.1 progress: "Template in use across all teams"
            2.1 status in-progress → complete
            3.1 owner "Commissioning Manager" → "Principal Officer (Commissioning)"
            3.2 new action: "Children's participation group to review plans" (area for improvement 3)
            4.1 new area for improvement 4: "Self-evaluation is not yet embedded"
            4.1 new action: "Multi-agency self-evaluation calendar" (area for improvement 4)
            2.2 not in this return
            Would import 2 new actions, 1 new area for improvement, 2 progress updates, 1 extension, 1 action edited; 0 unchanged; 1 not in this return

            """)
        #expect(try h.snapshot() == before, "the dry run wrote")

        let output = try h.ok(["import", file, "--inspection", "stirling-2023", "--date", "2024-01-15", "--dry-run", "--format", "json"])
        let outputFile = h.folder.appendingPathComponent("return.json")
        try Data(output.utf8).write(to: outputFile)
        let root = fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        try OutsideTool.run("python3", [root.appendingPathComponent("Tests/scripts/check_exports.py").path, "output",
                                        root.appendingPathComponent("docs/output.schema.json").path, "command: import (spreadsheet)", outputFile.path])
        let machine = try json(output)
        let items = machine["actions"] as? [[String: Any]] ?? []
        #expect(items.map { $0["ref"] as? String } == ["1.1", "1.2", "2.1", "3.1", "3.2", "4.1"])
        let extensionChange = (items[1]["changes"] as? [[String: Any]])?.first
        #expect(extensionChange?["kind"] as? String == "extension" && extensionChange?["to"] as? String == "2024-12-31")
        #expect((machine["notInReturn"] as? [[String: Any]])?.map { $0["ref"] as? String } == ["2.2"])
        #expect((machine["totals"] as? [String: Int]) == ["newActions": 2, "newFindings": 1, "updates": 2, "extensions": 1, "edited": 1,
                                                           "unchanged": 0, "notInReturn": 1])
        #expect(try h.snapshot() == before, "the dry run wrote")

        #expect(try h.ok(["import", file, "--inspection", "stirling-2023", "--date", "2024-01-15"])
                == "Imported 2 new actions, 1 new area for improvement, 2 progress updates, 1 extension, 1 action edited; 0 unchanged; 1 not in this return\n")
        // Exactly those records: an update on 1.1; an extension and the new deadline on 1.2; the
        // completing update and the completion on 2.1; the owner's edit on 3.1; two new actions
        // and one new finding.
        #expect(try auditEntries(h) == entries + 9)
        let first = try action(h, "1.1")
        #expect((first["updates"] as? [[String: Any]])?.last?["note"] as? String == "Screening live in all localities; first audit booked")
        #expect((first["updates"] as? [[String: Any]])?.last?["date"] as? String == "2024-01-15")
        let extended = try action(h, "1.2")
        #expect((extended["action"] as? [String: Any])?["due"] as? String == "2024-12-31")
        #expect((extended["action"] as? [String: Any])?["originalDue"] as? String == "2024-06-30")
        #expect((extended["extensions"] as? [[String: Any]])?.map { $0["reason"] as? String } == ["return of 2024-01-15"])
        let done = try action(h, "2.1")["action"] as? [String: Any]
        #expect(done?["status"] as? String == "complete" && done?["completed"] as? String == "2024-01-15")
        #expect(done?["evidence"] as? String == "Template in use across all teams")
        #expect((try action(h, "3.1")["action"] as? [String: Any])?["owner"] as? String == "Principal Officer (Commissioning)")
        let untouched = try action(h, "2.2")
        #expect((untouched["action"] as? [String: Any])?["status"] as? String == "not-started")
        #expect((untouched["history"] as? [Any])?.count == 1)
        #expect((try action(h, "4.1")["action"] as? [String: Any])?["findings"] as? [Int] == [4])
        #expect(try h.ok(["verify"]).hasPrefix("ok:"))
        #expect(try h.ok(["history", "stirling-2023/3.1"]).contains("owner Commissioning Manager → Principal Officer (Commissioning)"))

        let settled = try h.snapshot()
        #expect(try h.ok(["import", file, "--inspection", "stirling-2023", "--date", "2024-01-15"])
                == "Imported nothing new; 6 unchanged; 1 not in this return\n")
        #expect(try h.ok(["import", file, "--inspection", "stirling-2023", "--date", "2024-02-01"])
                == "Imported nothing new; 6 unchanged; 1 not in this return\n")
        #expect(try h.snapshot() == settled, "the same return again changed the database")
    }

    /// Each way a row cannot be reconciled, as a partnership might send it.
    static let refusals: [(name: String, from: String, to: String, message: String)] = [
        ("an earlier deadline", "30/06/2024,90%", "31/05/2024,90%",
         "row 3, column 'Timescale (target date)': 2024-05-31 is earlier than action stirling-2023/1.2's deadline 2024-06-30; a return never moves a deadline earlier"),
        ("a status moving back", "Pilot running in two localities,In progress", "Pilot running in two localities,Not started",
         "row 2, column 'Status': 'not-started' would move action stirling-2023/1.1 back from in-progress; a return only moves a status forward"),
        ("an unknown status word", "Specification drafted,In progress", "Specification drafted,Nearly there",
         "row 6, column 'Status': 'Nearly there' is not a status (use Not started, In progress, Complete or Withdrawn)"),
    ]

    @Test("a row that cannot be reconciled stops the whole return in one line naming row and column, the database byte for byte unchanged",
          arguments: refusals.indices, Engine.allCases)
    func refused(index: Int, engine: Engine) throws {
        let case_ = Self.refusals[index]
        let h = try planned(engine)
        defer { h.cleanUp() }
        let plan = try String(contentsOf: fixtures.appendingPathComponent("return-plan.csv"), encoding: .utf8)
        // The rest of the return is good: a changed note on another row must not land either.
        let edited = plan.replacingOccurrences(of: case_.from, with: case_.to)
            .replacingOccurrences(of: "Template agreed by the chief officers group", with: "Template in use")
        #expect(edited != plan)
        let file = h.folder.appendingPathComponent("return.csv")
        try Data(edited.utf8).write(to: file)
        let before = try h.snapshot()
        let result = try h.run(["import", file.path, "--inspection", "stirling-2023", "--date", "2024-01-15"])
        #expect(result.status == 1, "\(case_.name)")
        #expect(result.stderr == "planwatch: \(case_.message)\n", "\(case_.name): \(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(try h.snapshot() == before, "\(case_.name): the refused return wrote")
    }

    @Test("a completed row needs evidence; the progress cell is taken as it; a withdrawn action's row may not reopen it", arguments: Engine.allCases)
    func completionAndWithdrawal(engine: Engine) throws {
        let h = try planned(engine)
        defer { h.cleanUp() }
        let file = h.folder.appendingPathComponent("return.csv")
        // 1.2 has no progress and no evidence column: complete is refused.
        let plan = try String(contentsOf: fixtures.appendingPathComponent("return-plan.csv"), encoding: .utf8)
        try Data(plan.replacingOccurrences(of: "Red,,Not started", with: "Red,,Complete").utf8).write(to: file)
        let before = try h.snapshot()
        let bare = try h.run(["import", file.path, "--inspection", "stirling-2023", "--date", "2024-01-15"])
        #expect(bare.stderr == "planwatch: row 3, column 'Status': action stirling-2023/1.2 is complete in the return but it gives no evidence or progress to record as its evidence\n",
                "\(bare.stderr)")
        #expect(try h.snapshot() == before)
        // Withdrawn in the return: recorded as a withdrawal with the progress cell as its reason.
        try Data(plan.replacingOccurrences(of: "Red,,Not started", with: "Red,Superseded by the national programme,Withdrawn").utf8).write(to: file)
        #expect(try h.ok(["import", file.path, "--inspection", "stirling-2023", "--date", "2024-01-15"]).hasPrefix("Imported 1 progress update; 4 unchanged"))
        let withdrawn = try action(h, "1.2")
        #expect((withdrawn["action"] as? [String: Any])?["status"] as? String == "withdrawn")
        #expect((withdrawn["updates"] as? [[String: Any]])?.last?["note"] as? String == "Superseded by the national programme")
        // The plan as first sent now says it is not started: that would reopen it.
        try Data(plan.utf8).write(to: file)
        let reopened = try h.run(["import", file.path, "--inspection", "stirling-2023", "--date", "2024-02-01"])
        #expect(reopened.stderr == "planwatch: row 3, column 'Status': 'not-started' would move action stirling-2023/1.2 back from withdrawn; a return only moves a status forward\n",
                "\(reopened.stderr)")
        // A changed self-assessed RAG is kept with the return's date.
        try Data(plan.replacingOccurrences(of: "Superseded", with: "x").replacingOccurrences(of: "Four audits reported,Green", with: "Four audits reported,Amber")
            .replacingOccurrences(of: "Red,,Not started", with: "Red,Superseded by the national programme,Withdrawn").utf8).write(to: file)
        #expect(try h.ok(["import", file.path, "--inspection", "stirling-2023", "--date", "2024-02-01", "--dry-run"])
                .hasPrefix("2.2 self-assessed RAG green → amber\nWould import 1 action edited; 4 unchanged"))
        try h.ok(["import", file.path, "--inspection", "stirling-2023", "--date", "2024-02-01"])
        let assessed = try action(h, "2.2")["action"] as? [String: Any]
        #expect(assessed?["selfAssessment"] as? String == "amber" && assessed?["selfAssessed"] as? String == "2024-02-01")
        #expect(try h.ok(["verify"]).hasPrefix("ok:"))
    }

    @Test("rows without a reference are matched by title within their area; a reference the plan lacks is a new action", arguments: Engine.allCases)
    func matchingByTitle(engine: Engine) throws {
        let h = try planned(engine)
        defer { h.cleanUp() }
        let file = h.folder.appendingPathComponent("return.csv")
        try Data("""
            Area for improvement,Action,Lead officer,Lead agency,Timescale,Progress
            Chronologies are not consistently used,AUDIT  chronologies quarterly,Quality Assurance Lead,Council,31/12/2024,First audit done
            Children's views do not shape their plans,Audit chronologies quarterly,Quality Assurance Lead,Council,31/12/2024,
            """.utf8).write(to: file)
        let dry = try h.ok(["import", file.path, "--inspection", "stirling-2023", "--date", "2024-01-15", "--dry-run"])
        // The first row is 2.2 (its title, case and spacing aside, in its area), and its title is
        // corrected; the second names another area, where no action has that title: a new action.
        #expect(dry.hasPrefix("""
            2.2 title "Audit chronologies quarterly" → "AUDIT  chronologies quarterly"
            2.2 progress: "First audit done"
            2.2 status not-started → in-progress
            6 new action: "Audit chronologies quarterly" (area for improvement 3)
            """), "\(dry)")
        try Data("Ref,Action,Lead officer,Lead agency\n9.9,Roll out a single chronology template,Head of Children's Services,Council\n".utf8).write(to: file)
        #expect(try h.ok(["import", file.path, "--inspection", "stirling-2023", "--date", "2024-01-15", "--dry-run"])
            .hasPrefix("9.9 new action: \"Roll out a single chronology template\"\n"))
    }

    @Test("an Id column naming another inspection's action: named when it is the same partnership's, never another partnership's", arguments: Engine.allCases)
    func idOfAnotherPlan(engine: Engine) throws {
        let h = try Harness.seeded(engine: engine)
        defer { h.cleanUp() }
        try ServerTests.submittedPlan(h)
        try h.ok(["finding", "add", "dundee-2026", "--kind", "improvement", "--text", "Plans were not reviewed"])
        let added = try h.ok(["action", "add", "--finding", "\(try lastFinding(h))", "--ref", "1.1", "--title", "Review plans monthly",
                              "--owner", "Lead", "--agency", "Dundee City Council", "--due", "2027-03-31"])
        let ownID = try #require(Int(added.split(separator: " ")[2]))
        let sheet = h.folder.appendingPathComponent("return.csv")
        let before = try h.snapshot()
        for (id, expected) in [(ownID, "action \(ownID) is dundee-2026/1.1, not an action of dundee-2021"), (9, "action 9 is not an action of dundee-2021")] {
            try Data("""
                Id,Ref,Action,Lead officer,Lead agency,Timescale,Progress
                \(id),2.1,Commission additional counselling for children at risk,"Head of Service, Education",Dundee City Council,31/03/2024,Tender

                """.utf8).write(to: sheet)
            let result = try h.run(["import", sheet.path, "--inspection", "dundee-2021"])
            #expect(result.status == 1 && result.stderr.contains(expected) && !result.stderr.contains("glasgow"), "\(result.stderr)")
        }
        #expect(try h.snapshot() == before)
    }

    private func lastFinding(_ h: Harness) throws -> Int {
        let csv = try h.ok(["finding", "list", "--inspection", "dundee-2026", "--format", "csv"])
        return try #require(Int(csv.split(separator: "\r\n").last?.split(separator: ",").first ?? ""))
    }
}
