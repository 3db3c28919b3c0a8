import Foundation
import Testing

/// `action edit` and `action reassign`: corrections as audited changes.
@Suite("editing and reassigning actions", .serialized)
struct EditTests {
    @Test("an edit changes only the fields given, is in the history, verifies, and undo puts it back", arguments: Engine.allCases)
    func edit(engine: Engine) throws {
        let h = try Harness(engine: engine)
        defer { h.cleanUp() }
        try h.logged()
        let before = try h.ok(["action", "show", "dundee-2021/2.1", "--format", "json"])
        let done = try h.ok(["action", "edit", "dundee-2021/2.1", "--owner", " Head of  Education ", "--measure", "Waiting time under 4 weeks"])
        #expect(done == "Edited action 1 (dundee-2021/2.1): owner Head of Service, Education → Head of Education; measure Waiting time under 6 weeks → Waiting time under 4 weeks\n")
        let shown = try h.ok(["action", "show", "1"])
        #expect(shown.contains("Head of Education") && shown.contains("Waiting time under 4 weeks") && shown.contains("Commission counselling"))
        let history = try h.ok(["history", "1"])
        #expect(history.contains("action edit") && history.contains("owner Head of Service, Education → Head of Education"))
        #expect(try h.ok(["verify"]).hasPrefix("ok"))
        // An empty measure clears it.
        try h.ok(["action", "edit", "1", "--measure", ""])
        let cleared = try JSONSerialization.jsonObject(with: Data(try h.ok(["action", "show", "1", "--format", "json"]).utf8)) as? [String: Any]
        #expect((cleared?["action"] as? [String: Any])?["measure"] == nil && (cleared?["action"] as? [String: Any])?["owner"] as? String == "Head of Education")
        try h.ok(["undo"])
        try h.ok(["undo"])
        let restored = try h.ok(["action", "show", "dundee-2021/2.1", "--format", "json"])
        func action(_ text: String) throws -> NSDictionary? {
            (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])?["action"] as? NSDictionary
        }
        #expect(try action(restored) == action(before))
        #expect(try h.ok(["action", "show", "1"]).contains("Head of Service, Education"))
        #expect(try h.ok(["verify"]).hasPrefix("ok"))
    }

    @Test("refused edits write nothing, each in one line", arguments: [
        (["action", "edit", "1"], "nothing to change: give one or more of --title, --description, --owner, --agency, --measure and --start"),
        (["action", "edit", "1", "--title", "  "], "title: a value is required"),
        (["action", "edit", "1", "--owner", "Head of Service, Education"], "action 1 (dundee-2021/2.1) already reads so; nothing to change"),
        (["action", "edit", "1", "--start", "2023-04-01"], "due: 2023-03-31 is before the start 2023-04-01"),
        (["action", "edit", "9", "--title", "x"], "no action '9'"),
        (["action", "edit", "1", "--ref", "9.9"], "Unknown option '--ref'"),
    ])
    func refusedEdits(arguments: [String], message: String) throws {
        let h = try Harness()
        defer { h.cleanUp() }
        try h.logged()
        let before = try h.snapshot()
        let result = try h.run(arguments)
        #expect(result.status != 0)
        #expect(result.stderr.hasPrefix("planwatch: ") && result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(try h.snapshot() == before)
    }

    @Test("reassign hands over open actions by whole name, closed ones only when asked, and undo hands them back", arguments: Engine.allCases)
    func reassign(engine: Engine) throws {
        let h = try Harness(engine: engine)
        defer { h.cleanUp() }
        try h.logged()
        try h.ok(["action", "add", "--finding", "1", "--ref", "2.2", "--title", "Drop-in", "--owner", "head of service,  education",
                  "--agency", "NHS Tayside", "--date", "2022-03-01"])
        try h.ok(["complete", "dundee-2021/2.2", "--evidence", "Running", "--date", "2022-06-01"])
        let before = try h.snapshot()
        // A part of a name is not a name.
        let part = try h.run(["action", "reassign", "--from", "Head of Service", "--to", "Someone"])
        #expect(part.status == 1 && part.stderr.contains("no owner 'Head of Service'"), "\(part.stderr)")
        #expect(try h.snapshot() == before)
        let open = try h.ok(["action", "reassign", "--from", "HEAD OF SERVICE, EDUCATION", "--to", "Head of Education"])
        #expect(open == "Reassigned 1 action to Head of Education: dundee-2021/2.1\n")
        let closed = try h.ok(["action", "reassign", "--from", "Head of Service, Education", "--to", "Head of Education", "--include-closed"])
        #expect(closed == "Reassigned 1 action to Head of Education: dundee-2021/2.2\n")
        let owners = try h.ok(["owner", "list", "--format", "csv"])
        #expect(owners.contains("Head of Education") && !owners.contains("Head of Service"))
        #expect(try h.ok(["verify"]).hasPrefix("ok"))
        try h.ok(["undo"])
        try h.ok(["undo"])
        #expect(try h.ok(["verify"]).hasPrefix("ok"))
        #expect(try h.ok(["owner", "list", "--format", "csv"]).contains("Head of Service, Education"))
        let nobody = try h.run(["action", "reassign", "--from", "Head of Service, Education", "--to", "X", "--partnership", "fife"])
        #expect(nobody.status == 1 && nobody.stderr.contains("no partnership 'fife'"))
    }
}
