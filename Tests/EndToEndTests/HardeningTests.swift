import Foundation
import Testing

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Parses a CSV file with Python's csv module (an independent reader) and returns its rows.
private func pythonCSV(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String]] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", root.appendingPathComponent("Tests/scripts/check_exports.py").path, "csv", path]
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "Python's csv reader: \(message)", sourceLocation: sourceLocation)
    return (try? JSONDecoder().decode([[String]].self, from: data)) ?? []
}

/// Text that must never reach a terminal as it is.
private let escapes = ["\u{1B}]0;owned\u{07}", "\u{1B}]8;;http://x\u{1B}\\", "\u{1B}[31m", "\u{9B}2J", "\u{08}", "\u{07}"]

@Suite("hardening: output a spreadsheet or a terminal could be made to run", .serialized)
struct OutputHardeningTests {
    @Test("a line break of any kind inside a note never starts a CSV row, and a formula after it stays inside the cell",
          arguments: ["\r\n", "\r", "\n"])
    func csvLineBreaks(lineBreak: String) throws {
        let h = try Harness()
        defer { h.cleanUp() }
        try h.logged()
        let note = "Checked" + lineBreak + "=cmd|' /C calc'!A0"
        try h.ok(["update", "1", "--note=" + note, "--date", "2023-01-10"])
        for arguments in [["export", "--format", "csv"], ["history", "--format", "csv"]] {
            let file = h.folder.appendingPathComponent("out.csv")
            try Data(try h.ok(arguments).utf8).write(to: file)
            let rows = try pythonCSV(file.path)
            #expect(rows.count > 1)
            #expect(!rows.contains { $0.first?.hasPrefix("=") == true }, "\(arguments): a row starts with a formula")
            #expect(rows.contains { $0.contains { cell in cell.hasSuffix(note) } }, "\(arguments): the note did not come back as one cell: \(rows)")
        }
        // The other formats: a table and Markdown keep each record on one line; JSON and ICS escape the break.
        let table = try h.ok(["history", "1"])
        #expect(!table.split(separator: "\n").contains { $0.hasPrefix("=cmd") })
        let markdown = try h.ok(["action", "show", "1", "--format", "markdown"])
        #expect(!markdown.unicodeScalars.contains("\r"))
        let json = try h.ok(["action", "show", "1", "--format", "json"])
        let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let updates = decoded?["updates"] as? [[String: Any]]
        #expect(updates?.first?["note"] as? String == note)
    }

    @Test("a cell starting with a formula character is neutralised; plain numbers and dates are left as data")
    func formulaGuard() throws {
        let h = try Harness()
        defer { h.cleanUp() }
        try h.logged()
        for note in ["=1+1", "+SUM(A1)", "@x", "-2+3"] {
            try h.ok(["update", "1", "--note=" + note, "--date", "2023-01-10"])
        }
        let file = h.folder.appendingPathComponent("history.csv")
        try Data(try h.ok(["history", "--format", "csv"]).utf8).write(to: file)
        let cells = try pythonCSV(file.path).flatMap { $0 }
        for note in ["=1+1", "+SUM(A1)", "@x", "-2+3"] {
            #expect(!cells.contains { $0.hasPrefix(note) }, "'\(note)' written raw")
        }
    }

    @Test("escape sequences and reordering marks from a name, an argument or a file never reach the terminal")
    func terminalGuard() throws {
        let h = try Harness()
        defer { h.cleanUp() }
        try h.ok(["init"])
        let name = "Dundee" + escapes.joined() + "\u{202E}evil"
        try h.ok(["partnership", "add", "dundee", "--name", name])
        for arguments in [["follow", "dundee"], ["partnership", "show", "dundee"], ["partnership", "list"],
                          ["partnership", "list", "--format", "markdown"], ["partnership", "list", "--format", "csv"]] {
            let output = try h.ok(arguments)
            #expect(!output.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{9B}" || $0 == "\u{07}" || $0 == "\u{08}" },
                    "\(arguments) printed a control character")
            if !arguments.contains("csv") {
                #expect(!output.unicodeScalars.contains("\u{202E}") && output.contains("<U+202E>"), "\(arguments): \(output)")
            }
        }
        let json = try h.ok(["partnership", "list", "--format", "json"])
        #expect(!json.unicodeScalars.contains { $0 == "\u{9B}" || $0 == "\u{202E}" })
        #expect(json.contains("\\u009b") && json.contains("\\u202e"))
        let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]]
        #expect(decoded?.first?["name"] as? String == name, "JSON must still carry the exact name")

        // Error messages: an argument and a plan-file key that hold escapes and line breaks.
        let shown = try h.run(["action", "show", "\u{1B}]0;X\u{07}\nsecond line"])
        #expect(shown.status != 0)
        #expect(!shown.stderr.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" })
        #expect(shown.stderr.split(separator: "\n").count == 1, "stderr: \(shown.stderr)")
        let file = h.folder.appendingPathComponent("plan.json")
        try Data(#"{"format":"planwatch-plan-file","version":1,"actions":[{"inspection":"\u001b]0;T\u0007\nx","ref":"1","title":"t","owner":"o","agency":"a","created":"2024-01-01"}]}"#.utf8).write(to: file)
        let imported = try h.run(["import", file.path])
        #expect(imported.status != 0)
        #expect(!imported.stderr.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" })
        #expect(imported.stderr.split(separator: "\n").count == 1, "stderr: \(imported.stderr)")
    }

    @Test("a failed write of standard output is an error, never status 0",
          arguments: [["export", "--format", "json"], ["report", "overdue", "--as-of", "2024-01-01"], ["--version"], ["history"]])
    func failedWrite(arguments: [String]) throws {
        let h = try Harness()
        defer { h.cleanUp() }
        try h.logged()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Harness.binary)
        process.arguments = arguments
        process.environment = ["PLANWATCH_DB": h.db, "PATH": "/usr/bin:/bin"]
        let full = try FileHandle(forWritingTo: URL(fileURLWithPath: "/dev/full"))
        process.standardOutput = full
        let err = Pipe()
        process.standardError = err
        try process.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus != 0, "\(arguments) exited 0 writing to a full disk")
        #expect(message.contains("cannot write the output"), "stderr: \(message)")
        #expect(message.split(separator: "\n").count == 1)
    }

    @Test("wide characters take two columns: a table of CJK text stays aligned")
    func wideCharacters() throws {
        let h = try Harness()
        defer { h.cleanUp() }
        try h.ok(["init"])
        try h.ok(["partnership", "add", "east", "--name", "東京都の子ども支援", "--council", "Council E"])
        try h.ok(["partnership", "add", "west", "--name", "West", "--council", "Council W"])
        let lines = try h.ok(["partnership", "list"]).split(separator: "\n")
        /// The terminal column where `marker` starts (CJK ideographs and kana take two).
        func column(of marker: String, in line: Substring) -> Int? {
            guard let range = line.range(of: marker) else { return nil }
            return line[line.startIndex..<range.lowerBound].unicodeScalars.reduce(0) { width, scalar in
                width + ((0x3000...0x9FFF).contains(scalar.value) ? 2 : 1)
            }
        }
        let east = lines.first { $0.hasPrefix("east") }.flatMap { column(of: "Council E", in: $0) }
        let west = lines.first { $0.hasPrefix("west") }.flatMap { column(of: "Council W", in: $0) }
        #expect(east != nil && east == west, "\(lines)")
    }
}

@Suite("hardening: input the tool refuses, with one line and the database unchanged", .serialized)
struct InputHardeningTests {
    /// Runs `arguments` on a logged database and expects a refusal naming `expected`, nothing changed, no crash.
    private func refused(_ h: Harness, _ arguments: [String], _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = try h.snapshot()
        let result = try h.run(arguments)
        #expect(result.status == 1, "planwatch \(arguments.joined(separator: " ")) exited \(result.status)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(expected), "stderr was: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.split(separator: "\n").count == 1, sourceLocation: sourceLocation)
        #expect(try h.snapshot() == before, "the database changed", sourceLocation: sourceLocation)
    }

    @Test("day counts are bounded (0 to 36,500): huge values get a range error, never an overflow crash")
    func dayCounts() throws {
        let h = try Harness()
        defer { h.cleanUp() }
        try h.logged()
        let huge = "9223372036854775807"
        try refused(h, ["report", "due-soon", "--within", huge], "within: '\(huge)' is not valid (expected a whole number of days from 0 to 36500)")
        try refused(h, ["action", "list", "--due-soon-days", huge], "due-soon-days: '\(huge)'")
        try refused(h, ["report", "owners", "--due-soon-days", huge], "due-soon-days: '\(huge)'")
        try refused(h, ["report", "stale", "--stale-days", huge, "--as-of", "2000-01-01"], "stale-days: '\(huge)'")
        try refused(h, ["report", "stale", "--days", "36501"], "days: '36501'")
        try refused(h, ["report", "due-soon", "--within", "-5"], "within: '-5' is not valid")
        // The boundaries themselves are accepted.
        try h.ok(["report", "due-soon", "--within", "36500", "--as-of", "2023-01-01"])
        try h.ok(["report", "stale", "--days", "0", "--as-of", "2023-01-01"])
    }

    @Test("dates outside 1990-01-01 to 2199-12-31 are refused with the range named; negative relative forms are values")
    func dateRange() throws {
        let h = try Harness()
        defer { h.cleanUp() }
        try h.logged()
        let range = "is outside the dates planwatch accepts (1990-01-01 to 2199-12-31)"
        try refused(h, ["update", "1", "--note", "x", "--date", "+99999y"], "date: '+99999y' \(range)")
        try refused(h, ["extend", "1", "--to", "9999-12-31", "--reason", "x"], "to: '9999-12-31' \(range)")
        try refused(h, ["extend", "1", "--to", "2200-01-01", "--reason", "x"], "to: '2200-01-01' \(range)")
        try refused(h, ["update", "1", "--note", "x", "--date", "0001-01-01"], "date: '0001-01-01' \(range)")
        try refused(h, ["update", "1", "--note", "x", "--date", "1989-12-31"], "date: '1989-12-31' \(range)")
        try refused(h, ["report", "overdue", "--as-of", "0001-01-01"], "as-of: '0001-01-01' \(range)")
        try refused(h, ["update", "1", "--note", "x", "--percent", "-1"], "percent: '-1' is not valid")
        // The ends of the range, and the README's own `--date -2w` form, are accepted.
        try h.ok(["extend", "1", "--to", "2199-12-31", "--reason", "Far off"])
        try h.ok(["update", "1", "--note", "- still recruiting", "--date", "-2w"])
        try h.ok(["report", "overdue", "--as-of", "1990-01-01"])
        let history = try h.ok(["action", "show", "1"])
        #expect(history.contains("- still recruiting"))
        let ics = try h.ok(["export", "--format", "ics"])
        #expect(ics.contains("DTEND;VALUE=DATE:22000101"), "the last day's event ends the next day: \(ics)")
    }

    static let planFiles: [(json: String, expected: String)] = [
        (#"{"format":"planwatch-plan-file","version":-1}"#, "version: '-1' is not a plan-file version"),
        (#"{"format":"planwatch-plan-file","version":0}"#, "version: '0' is not a plan-file version"),
        (#"{"format":"planwatch-plan-file","version":1,"partnerships":[{"key":"x","name":"A","name":"B"}]}"#, "the key 'name' appears twice in one object (line 1, column 83)"),
        (#"{"format":"planwatch-plan-file","version":1,"version":1}"#, "version: given twice"),
        (#"{"format":"planwatch-plan-file","version":1,"extra":1,"extra":2}"#, "extra: given twice"),
        (#"{"format":"planwatch-plan-file","version":1,"actions":[{"inspection":"dundee-2021","ref":"9","title":"\u200b","owner":"o","agency":"a","created":"2024-01-01"}]}"#, "title: a value is required"),
        (#"{"format":"planwatch-plan-file","version":1,"actions":[{"inspection":"dundee-2021","ref":"9\r\nx","title":"t","owner":"o","agency":"a","created":"2024-01-01"}]}"#, "ref: '9\\u{000D}\\u{000A}x' is not valid (expected one line of text"),
        (#"{"format":"planwatch-plan-file","version":1,"actions":[{"inspection":"dundee-2021","ref":"9","title":"t\u0000hidden","owner":"o","agency":"a","created":"2024-01-01"}]}"#, "title: 't\\u{0000}hidden' is not valid (expected text without a NUL character)"),
        (#"{"format":"planwatch-plan-file","version":1,"actions":[{"inspection":"dundee-2021","ref":"9","title":"t","owner":"o","agency":"a","created":"2024-01-01","percent":100}]}"#, "percent: 100% does not fit the status not-started"),
        (#"{"format":"planwatch-plan-file","version":1,"actions":[{"inspection":"dundee-2021","ref":"9","title":"t","owner":"o","agency":"a","created":"2024-01-01","start":"2024-05-01","originalDue":"2024-04-01"}]}"#, "due: 2024-04-01 is before the start 2024-05-01"),
        (#"{"format":"planwatch-plan-file","version":1,"updates":[{"action":"dundee-2021/2.1","date":"9999-12-31","author":"a","note":"n"}]}"#, "date: '9999-12-31' is outside the dates planwatch accepts"),
        (#"{"format":"planwatch-plan-file","version":1,"updates":[{"action":"dundee-2021/2.1","date":"2199-12-31","author":"a","note":"n"}]}"#, "date: 2199-12-31 is in the future"),
        (#"{"format":"planwatch-plan-file","version":1,"partnerships":[{"key":"x","name":"Line\none"}]}"#, "name: 'Line\\u{000A}one' is not valid (expected one line of text"),
    ]

    @Test("a plan file is held to the same rules as the command line", arguments: 0..<InputHardeningTests.planFiles.count)
    func planFileRules(index: Int) throws {
        let (json, expected) = InputHardeningTests.planFiles[index]
        let h = try Harness()
        defer { h.cleanUp() }
        try h.logged()
        let file = h.folder.appendingPathComponent("bad.json")
        try Data(json.utf8).write(to: file)
        try refused(h, ["import", file.path], expected)
    }

    @Test("the command line refuses the same things: a start after the deadline, a one-line field with a line break, an invisible title")
    func commandLineRules() throws {
        let h = try Harness()
        defer { h.cleanUp() }
        try h.logged()
        try refused(h, ["action", "add", "--finding", "1", "--title", "t", "--owner", "o", "--agency", "a", "--start", "2024-05-01", "--due", "2024-04-01"],
                    "due: 2024-04-01 is before the start 2024-05-01")
        try refused(h, ["action", "add", "--finding", "1", "--title", "\u{200B}\u{FEFF}", "--owner", "o", "--agency", "a", "--due", "2024-04-01"],
                    "title: a value is required")
        try refused(h, ["action", "add", "--finding", "1", "--title", "t", "--owner", "Chief\r\nOfficer", "--agency", "a", "--due", "2024-04-01"],
                    "owner: 'Chief\\u{000D}\\u{000A}Officer' is not valid")
    }
}
