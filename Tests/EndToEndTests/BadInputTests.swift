import Foundation
import Testing

@Suite("bad input: one line naming the problem, non-zero exit, database unchanged", .serialized)
struct BadInputTests {
    static let cases: [(arguments: [String], expected: String)] = [
        (["partnership", "add", "dundee", "--name", "Again"], "partnership 'dundee' already exists"),
        (["partnership", "add", "Dundee City", "--name", "x"], "partnership key: 'Dundee City' is not valid"),
        (["partnership", "link", "nowhere", "--inspector", "x", "--from", "2023-01-01"], "no partnership 'nowhere'"),
        (["inspection", "add", "x-2021", "--partnership", "nowhere", "--title", "t"], "no partnership 'nowhere'"),
        (["inspection", "add", "dundee-2021", "--partnership", "dundee", "--title", "t"], "inspection 'dundee-2021' already exists"),
        (["inspection", "add", "d-2", "--partnership", "dundee", "--title", "t", "--published", "2025-02-30"], "published: '2025-02-30' is not a real date"),
        (["inspection", "add", "d-2", "--partnership", "dundee", "--title", "t", "--confidence", "maybe"], "confidence: 'maybe' is not valid"),
        (["inspection", "grade", "dundee-2021", "--qi", "2.1", "--grade", "7"], "grade: '7' is not valid"),
        (["inspection", "grade", "dundee-2021", "--qi", "2.1", "--grade", "great"], "grade: 'great' is not valid"),
        (["inspection", "grade", "dundee-2021", "--qi", "8.8", "--grade", "good"], "no quality indicator '8.8'"),
        (["inspection", "grade", "nope", "--qi", "2.1", "--grade", "good"], "no inspection 'nope'"),
        (["finding", "add", "nope", "--kind", "improvement", "--text", "x"], "no inspection 'nope'"),
        (["finding", "add", "dundee-2021", "--kind", "weakness", "--text", "x"], "kind: 'weakness' is not valid"),
        (["action", "add", "--finding", "99", "--title", "t", "--owner", "o", "--agency", "a", "--due", "2024-01-01"], "no finding '99'"),
        (["action", "add", "--finding", "1", "--ref", "2.1", "--title", "t", "--owner", "o", "--agency", "a"], "action 'dundee-2021/2.1' already exists"),
        (["action", "add", "--finding", "1", "--title", "t", "--owner", "o", "--agency", "a", "--due", "2025-02-30"], "due: '2025-02-30' is not a real date"),
        (["action", "add", "--finding", "1", "--title", "t", "--owner", "o", "--agency", "a", "--due", "soonish"], "due: 'soonish' is not a date"),
        (["update", "99", "--note", "x"], "no action '99'"),
        (["update", "1", "--note", "x", "--percent", "150"], "percent: '150' is not valid"),
        (["update", "1", "--note", "x", "--status", "paused"], "status: 'paused' is not valid"),
        (["update", "1", "--note", "x", "--date", "2025-02-30"], "date: '2025-02-30' is not a real date"),
        (["update", "1", "--note", "x", "--date", "+30d"], "is in the future"),
        (["extend", "1", "--to", "2023-03-31", "--reason", "x"], "to: 2023-03-31 is not after the current deadline 2023-03-31"),
        (["extend", "1", "--to", "2023-01-01", "--reason", "x"], "is not after the current deadline"),
        (["extend", "1", "--to", "2024-01-01"], "--reason"),
        (["extend", "1", "--to", "2024-01-01", "--reason", "  "], "reason: a value is required"),
        (["complete", "2", "--evidence", "x"], "is withdrawn; a withdrawn action cannot be completed"),
        (["complete", "99", "--evidence", "x"], "no action '99'"),
        (["withdraw", "2", "--reason", "again"], "only an open action can be withdrawn"),
        (["review", "add", "nowhere", "--kind", "meeting", "--summary", "s"], "no partnership 'nowhere'"),
        (["review", "add", "dundee", "--kind", "chat", "--summary", "s"], "review kind: 'chat' is not valid"),
        (["review", "add", "dundee", "--kind", "meeting", "--summary", "s", "--date", "2023-05-01", "--next", "2023-04-01"], "next: 2023-04-01 is not after the review date"),
        (["plan", "agree", "dundee-2021", "--by", "x"], "only a submitted plan can be agreed"),
        (["report", "overdue", "--as-of", "31/02/2025"], "as-of: '31/02/2025' is not a real date"),
        (["report", "overdue", "--partnership", "nowhere"], "no partnership 'nowhere'"),
        (["report", "owners", "--partnership", "nowhere", "--format", "csv"], "no partnership 'nowhere'"),
        (["action", "list", "--format", "xml"], "xml"),
        (["import", "missing.json"], "no file 'missing.json'"),
        (["partnership", "link", "dundee", "--inspector", "x", "--from", "2021-12-31"], "is not after the current assignment's start"),
        (["qi", "add", "--code", "2.1", "--name", "Another"], "quality indicator '2.1' already exists"),
        (["finding", "add", "dundee-2021", "--kind", "improvement", "--text", "Mental health support was limited"], "finding 'dundee-2021: Mental health support was limited' already exists"),
        (["inspection", "add", "d-2", "--partnership", "dundee", "--title", "t", "--fieldwork", "2021-07-12"], "fieldwork: '2021-07-12' is not valid"),
        (["plan", "submit", "dundee-2021", "--date", "2022-01-01"], "before the inspection was published"),
        (["action", "add", "--title", "t", "--owner", "o", "--agency", "a"], "finding (or inspection): a value is required"),
        (["action", "list", "--rag", "purple"], "rag: 'purple' is not valid"),
        (["complete", "1", "--evidence", " "], "evidence: a value is required"),
        (["update", "1", "--note", ""], "note: a value is required"),
    ]

    @Test("each bad input, on each engine", arguments: 0..<BadInputTests.cases.count, Engine.allCases)
    func badInput(index: Int, engine: Engine) throws {
        let (arguments, expected) = BadInputTests.cases[index]
        let h = try Harness(engine: engine)
        defer { h.cleanUp() }
        try h.logged()
        try h.ok(["action", "add", "--inspection", "dundee-2021", "--title", "Withdrawn one", "--owner", "o", "--agency", "a"])
        try h.ok(["withdraw", "2", "--reason", "Not needed", "--date", "2023-01-01"])
        let before = try h.snapshot()
        let result = try h.run(arguments)
        #expect(result.status != 0)
        #expect(result.stderr.contains(expected), "stderr was: \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "more than one line: \(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"))
        #expect(try h.snapshot() == before, "database changed by planwatch \(arguments.joined(separator: " "))")
    }

    @Test("the owners' digest, streamed an owner at a time, prints nothing before an unknown filter is refused")
    func ownersUnknownFilter() throws {
        let h = try Harness()
        defer { h.cleanUp() }
        try h.logged()
        for format in ["table", "csv", "markdown"] {
            let result = try h.run(["report", "owners", "--partnership", "nowhere", "--format", format])
            #expect(result.status != 0 && result.stderr.contains("no partnership 'nowhere'"))
            #expect(result.stdout.isEmpty, "\(format): \(result.stdout)")
        }
    }

    @Test("a command on a missing database says how to make one and creates nothing")
    func missingDatabase() throws {
        let h = try Harness()
        defer { h.cleanUp() }
        let result = try h.run(["report", "overdue"])
        #expect(result.status != 0 && result.stderr.contains("planwatch init"))
        #expect(!FileManager.default.fileExists(atPath: h.db))
    }

    @Test("a file that is not a planwatch database is refused untouched")
    func notADatabase() throws {
        let h = try Harness()
        defer { h.cleanUp() }
        try Data("just some text, not SQLite at all".utf8).write(to: URL(fileURLWithPath: h.db))
        let before = try h.snapshot()
        let result = try h.run(["action", "list"])
        #expect(result.status != 0 && result.stderr.contains("is not a planwatch database"))
        #expect(try h.snapshot() == before)
    }

    @Test("plan files of the wrong shape are refused with where, database unchanged", arguments: [
        ("{", "not valid JSON"),
        ("[]", "expected"),
        ("{\"format\":\"planwatch-plan-file\",\"version\":1,\"partnerships\":[{\"key\":\"x\"}]}", "partnerships[0].name: is required"),
        ("{\"format\":\"planwatch-plan-file\",\"version\":1,\"evaluations\":[{\"inspection\":\"dundee-2021\",\"qi\":\"2.1\",\"grade\":9}]}", "grade 9 is not on the scale"),
        ("{\"format\":\"planwatch-plan-file\",\"version\":1,\"actions\":[{\"inspection\":\"nope\",\"ref\":\"1\",\"title\":\"t\",\"owner\":\"o\",\"agency\":\"a\",\"created\":\"2024-01-01\"}]}", "no inspection 'nope'"),
        ("{\"format\":\"planwatch-plan-file\",\"version\":1,\"partnerships\":[{\"key\":\"dundee\",\"name\":\"Other name\"}]}", "differs in: council, healthBoard, name"),
        ("{\"format\":\"something-else\",\"version\":1}", "format is 'something-else'"),
        ("", "not valid JSON"),
        ("{\"format\":\"planwatch-plan-file\",\"version\":1,\"partnerships\":[{\"key\":\"x\",\"na", "not valid JSON"),
        ("\u{0}\u{1}\u{FFFF}binary", "not valid JSON"),
        ("{\"format\":\"planwatch-plan-file\",\"version\":1,\"actions\":\"many\"}", "actions: expected a list"),
        ("{\"format\":\"planwatch-plan-file\",\"version\":1,\"updates\":[{\"action\":\"dundee-2021/9\",\"date\":\"2023-01-01\",\"author\":\"a\",\"note\":\"n\"}]}", "no action 'dundee-2021/9'"),
        ("{\"format\":\"planwatch-plan-file\",\"version\":1,\"inspections\":[{\"key\":\"d-1\",\"partnership\":\"dundee\",\"title\":\"t\",\"published\":\"2022-02-30\"}]}", "inspections[0].published: '2022-02-30' is not a date"),
        ("{\"format\":\"planwatch-plan-file\",\"version\":2}", "version 2 is newer"),
    ])
    func badPlanFiles(json: String, expected: String) throws {
        let h = try Harness()
        defer { h.cleanUp() }
        try h.logged()
        let file = h.folder.appendingPathComponent("bad.json")
        try Data(json.utf8).write(to: file)
        let before = try h.snapshot()
        let result = try h.run(["import", file.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains(expected), "stderr was: \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "more than one line: \(result.stderr)")
        #expect(try h.snapshot() == before)
    }
}
