import Foundation
import Testing

/// Typed options (dates, vocabulary words, percents, numbers): read in each command's `validate()`, so a bad one
/// is refused with the domain's own line and status 1 before any database is opened; completion offers the words.
@Suite("typed options")
struct OptionTests {
    static let cases: [(arguments: [String], expected: String)] = [
        (["update", "2", "--note", "x", "--status", "paused"], "status: 'paused' is not valid (expected one of not-started, in-progress, complete, withdrawn)"),
        (["update", "2", "--note", "x", "--percent", "140"], "percent: '140' is not valid (expected a whole number from 0 to 100)"),
        (["update", "2", "--note", "x", "--date", "31/02/2025"], "date: '31/02/2025' is not a real date"),
        (["extend", "2", "--to", "someday", "--reason", "x"], "to: 'someday' is not a date"),
        (["report", "overdue", "--as-of", "2025-13-01"], "as-of: '2025-13-01' is not a real date"),
        (["report", "changes", "--since", "yesterweek"], "since: 'yesterweek' is not a date"),
        (["action", "list", "--rag", "purple"], "rag: 'purple' is not valid (expected one of red, amber, green, complete, withdrawn)"),
        (["action", "add", "--finding", "one", "--title", "t", "--owner", "o", "--agency", "a", "--due", "2025-03-31"], "finding: 'one' is not valid"),
        (["inspection", "grade", "dundee-2021", "--qi", "2.1", "--grade", "superb"], "grade: 'superb' is not valid"),
        (["inspection", "add", "x-1", "--partnership", "dundee", "--title", "t", "--fieldwork", "2021-07-12"], "fieldwork: '2021-07-12' is not valid (expected START..END"),
        (["review", "add", "dundee", "--kind", "chat", "--summary", "s"], "kind: 'chat' is not valid"),
        (["measure", "reading", "dd-multi-agency-qa", "--date", "2025-03-31", "--value", "lots"], "value: 'lots' is not valid"),
        (["token", "revoke", "x"], "token: 'x' is not valid"),
        (["extension", "list", "--state", "pending"], "state: 'pending' is not valid (expected one of requested, agreed, refused, all)"),
        (["user", "add", "b", "--email", "b@x.org", "--role", "boss"], "role: 'boss' is not valid"),
    ]

    @Test("a bad typed option is refused in one line with status 1 before the database is opened (here, one that does not exist)",
          arguments: 0..<OptionTests.cases.count)
    func refusedBeforeOpening(index: Int) throws {
        let h = try Harness()
        defer { h.cleanUp() }
        let (arguments, expected) = OptionTests.cases[index]
        let result = try h.run(arguments, env: ["PLANWATCH_DB": h.folder.appendingPathComponent("missing.sqlite").path])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("planwatch: ") && result.stderr.contains(expected), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1 && !result.stderr.contains("no planwatch database"))
        #expect(!FileManager.default.fileExists(atPath: h.folder.appendingPathComponent("missing.sqlite").path))
    }

    @Test("shell completion offers each vocabulary's words")
    func completion() throws {
        let h = try Harness()
        defer { h.cleanUp() }
        let bash = try h.ok(["--generate-completion-script", "bash"])
        // Bash's script lists a word list as 'a'$'\n''b'.
        for words in ["not-started in-progress complete withdrawn", "meeting progress-review written-return", "admin inspector officer",
                      "confident not-yet-confident needs-external-support", "red amber green complete withdrawn"] {
            let listed = "'" + words.split(separator: " ").joined(separator: "'$'\\n''") + "'"
            #expect(bash.contains(listed), "\(listed)")
        }
    }
}
