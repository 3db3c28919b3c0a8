import Foundation
import Testing

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Parses a CSV file with Python's csv module (an independent reader) and returns its rows.
private func pythonCSV(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String]] {
    let result = try OutsideTool.run("python3", [root.appendingPathComponent("Tests/scripts/check_exports.py").path, "csv", path],
                                     sourceLocation: sourceLocation)
    return (try? JSONDecoder().decode([[String]].self, from: Data(result.stdout.utf8))) ?? []
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
                // Markdown shows the marker as text: its angle brackets escaped.
                let marker = arguments.contains("markdown") ? "\\<U+202E\\>" : "<U+202E>"
                #expect(!output.unicodeScalars.contains("\u{202E}") && output.contains(marker), "\(arguments): \(output)")
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

    @Test("a spreadsheet's wrapped cells: an owner on two lines is one name, an action cell may list steps on lines")
    func wrappedSheetCells() throws {
        let h = try Harness()
        defer { h.cleanUp() }
        try h.logged()
        let file = h.folder.appendingPathComponent("sheet.csv")
        try Data("Ref,Action,Lead officer,Lead agency,Timescale\r\n9.1,\"Step one\nStep two\",\"Head of Service,\r\nEducation\",Council,31/03/2025\r\n".utf8).write(to: file)
        #expect(try h.ok(["import", file.path, "--inspection", "dundee-2021", "--date", "2023-01-15"]).contains("1 new action"))
        let shown = try JSONSerialization.jsonObject(with: Data(try h.ok(["action", "show", "dundee-2021/9.1", "--format", "json"]).utf8)) as? [String: Any]
        let action = shown?["action"] as? [String: Any]
        #expect(action?["owner"] as? String == "Head of Service, Education")
        #expect(action?["title"] as? String == "Step one\nStep two")
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

/// Runs a command as the unprivileged user `nobody` (root passes every permission check).
private func runAsNobody(_ arguments: [String], folder: URL) throws -> Harness.Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
    process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", Harness.binary] + arguments
    process.currentDirectoryURL = folder
    process.environment = ["PATH": "/usr/bin:/bin", "NO_COLOR": "1", "PLANWATCH_ACTOR": "nobody"]
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Harness.Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                          stderr: String(decoding: stderr, as: UTF8.self))
}

@Suite("hardening: files that are not planwatch's, messages a user can act on, restore", .serialized)
struct FileHardeningTests {
    @Test("another GRDB app's database and an empty file are refused untouched by every command but init")
    func otherDatabases() throws {
        let h = try Harness()
        defer { h.cleanUp() }
        let other = h.folder.appendingPathComponent("other.sqlite").path
        try OutsideTool.run("sqlite3", [other, "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY); CREATE TABLE player (id INTEGER PRIMARY KEY, name TEXT);"])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: other))
        for arguments in [["verify"], ["action", "list"], ["report", "overdue"], ["init"], ["update", "1", "--note", "x"]] {
            let result = try h.run(arguments + ["--db", other])
            #expect(result.status == 1 && result.stderr.contains("'\(other)' is not a planwatch database (it holds another program's tables)"),
                    "\(arguments): \(result.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: other)) == bytes, "\(arguments) changed the other app's file")
        }
        let empty = h.folder.appendingPathComponent("empty.sqlite").path
        #expect(FileManager.default.createFile(atPath: empty, contents: nil, attributes: [.posixPermissions: 0o644]))
        for arguments in [["verify"], ["report", "overdue"], ["backup", h.folder.appendingPathComponent("b.sqlite").path]] {
            let result = try h.run(arguments + ["--db", empty])
            #expect(result.status == 1 && result.stderr.contains("is not a planwatch database (the file is empty; 'planwatch init' makes a database in it)"),
                    "\(arguments): \(result.stderr)")
            #expect(try FileManager.default.attributesOfItem(atPath: empty)[.size] as? Int == 0)
        }
        #expect(try h.ok(["init", "--db", empty]).hasPrefix("Created"))
        #expect(try FileManager.default.attributesOfItem(atPath: empty)[.posixPermissions] as? Int == 0o600)
        let folder = try h.run(["report", "overdue", "--db", h.folder.path])
        #expect(folder.stderr.contains("is not a planwatch database (it is a folder, not a file)"), "\(folder.stderr)")
    }

    @Test("a database in a folder planwatch cannot write in: 'cannot write in FOLDER', nothing changed")
    func readOnlyFolder() throws {
        let h = try Harness()
        defer {
            _ = chmod(h.folder.path, 0o755)
            h.cleanUp()
        }
        try h.logged()
        // The folder and the database belong to nobody, and the folder is read-only.
        let folder = h.folder.appendingPathComponent("locked")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        let db = folder.appendingPathComponent("plan.sqlite").path
        try h.ok(["backup", db])
        for path in [folder.path, db] { #expect(chown(path, 65534, 65534) == 0) }
        #expect(chmod(h.folder.path, 0o755) == 0 && chmod(folder.path, 0o555) == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        let listed = try runAsNobody(["action", "list", "--db", db], folder: folder)
        #expect(listed.status == 1 && listed.stderr.contains("cannot write in '\(folder.path)'"), "\(listed.stderr)")
        let created = try runAsNobody(["init", "--db", folder.appendingPathComponent("new.sqlite").path], folder: folder)
        #expect(created.status == 1 && created.stderr.contains("cannot write in '\(folder.path)'"), "\(created.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)
    }

    @Test("SQLite's words never reach the user: a full disk, a folder given as a backup, a blank code, a far date")
    func messages() throws {
        let h = try Harness()
        defer { h.cleanUp() }
        try h.logged()
        // A backup onto a full disk: a 64 KB tmpfs (needs root, as CI and scripts/test run).
        let small = h.folder.appendingPathComponent("small")
        try FileManager.default.createDirectory(at: small, withIntermediateDirectories: false)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=64k", "tmpfs", small.path]
        try mount.run()
        mount.waitUntilExit()
        #expect(mount.terminationStatus == 0, "mounting a small tmpfs needs root: run the tests as root (scripts/test)")
        defer {
            let unmount = Process()
            unmount.executableURL = URL(fileURLWithPath: "/bin/umount")
            unmount.arguments = [small.path]
            try? unmount.run()
            unmount.waitUntilExit()
        }
        if mount.terminationStatus == 0 {
            let target = small.appendingPathComponent("b.sqlite").path
            let full = try h.run(["backup", target])
            #expect(full.status == 1 && full.stderr.contains("no room left on the disk to write '\(target)'"), "\(full.stderr)")
            #expect(!full.stderr.contains("SQLite"))
            #expect(!FileManager.default.fileExists(atPath: target), "a partial backup was left behind")
        }
        let folder = try h.run(["restore", h.folder.path])
        #expect(folder.status == 1 && folder.stderr.contains("'\(h.folder.path)' is a folder, not a backup file"), "\(folder.stderr)")
        let code = try h.run(["qi", "add", "--code", "", "--name", "Something"])
        #expect(code.status == 1 && code.stderr.contains("code: a value is required"), "\(code.stderr)")
        let published = try h.run(["inspection", "add", "d-2", "--partnership", "dundee", "--title", "t", "--published", "9999-12-31"])
        #expect(published.status == 1 && published.stderr.contains("published: '9999-12-31' is outside the dates"), "\(published.stderr)")
        // A restore that fails names the user's file, never the scratch copy.
        let text = h.folder.appendingPathComponent("other.sqlite").path
        try OutsideTool.run("sqlite3", [text, "CREATE TABLE player (id INTEGER PRIMARY KEY);"])
        let other = try h.run(["restore", text])
        #expect(other.stderr.contains("'\(text)' is not a planwatch database") && !other.stderr.contains("planwatch-restore-"), "\(other.stderr)")
    }

    @Test("a UTF-16 spreadsheet (Excel's Unicode Text) imports as its UTF-8 twin does")
    func utf16Sheet() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
        let sample = try String(contentsOf: fixtures.appendingPathComponent("action-plan-sample.csv"), encoding: .utf8)
        for (name, data) in [("le-bom", Data([0xFF, 0xFE]) + sample.data(using: .utf16LittleEndian)!),
                             ("be-bom", Data([0xFE, 0xFF]) + sample.data(using: .utf16BigEndian)!),
                             ("le", sample.data(using: .utf16LittleEndian)!)] {
            let h = try Harness()
            defer { h.cleanUp() }
            try h.ok(["init"])
            try h.ok(["partnership", "add", "dundee", "--name", "Dundee City"])
            try h.ok(["inspection", "add", "dundee-2021", "--partnership", "dundee", "--title", "t", "--published", "2022-02-01"])
            let file = h.folder.appendingPathComponent("\(name).csv")
            try data.write(to: file)
            let result = try h.run(["import", file.path, "--inspection", "dundee-2021", "--date", "2023-01-15"])
            #expect(result.stdout == "Imported 4 new actions, 3 new areas for improvement, 3 progress updates; 0 unchanged\n", "\(name): \(result.stderr)")
        }
    }

    @Test("restore names what it would discard, refuses a backup of another database, and records the head it replaced")
    func restore() throws {
        let h = try Harness()
        defer { h.cleanUp() }
        try h.logged()
        let copy = h.folder.appendingPathComponent("copy.sqlite").path
        try h.ok(["backup", copy])
        try h.run(["update", "1", "--note", "One", "--date", "2023-01-10"], env: ["PLANWATCH_ACTOR": "alice"])
        try h.run(["update", "1", "--note", "Two", "--date", "2023-01-11"], env: ["PLANWATCH_ACTOR": "alice"])
        try h.run(["extend", "1", "--to", "2023-06-30", "--reason", "Later"], env: ["PLANWATCH_ACTOR": "bob"])
        let head = try h.ok(["verify"])
        let before = try h.snapshot()
        let refused = try h.run(["restore", copy])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("would discard 4 later audit entries: 2 by alice (update), 2 by bob (extend); run again with --discard-later-changes"),
                "\(refused.stderr)")
        #expect(try h.snapshot() == before)
        // Another database (same commands, other moments) is not an earlier state of this one.
        let stranger = try Harness()
        defer { stranger.cleanUp() }
        try stranger.logged()
        let strangerDB = stranger.db
        let foreign = try h.run(["restore", strangerDB, "--discard-later-changes"])
        #expect(foreign.status == 1 && foreign.stderr.contains("is not an earlier state of this database"), "\(foreign.stderr)")
        #expect(try h.snapshot() == before)
        let restored = try h.ok(["restore", copy, "--discard-later-changes"])
        #expect(restored.contains("4 later audit entries discarded"))
        let replaced = head.split(separator: "\n").first { $0.hasPrefix("head:") }.map { String($0.dropFirst(6)) } ?? "?"
        #expect(try h.ok(["history"]).contains("replaced head \(replaced)"), "head line: \(head)")
        #expect(try h.ok(["verify"]).hasPrefix("ok:"))
        #expect(try h.ok(["restore", strangerDB, "--force"]).contains("Restored"))
    }
}

/// Runs sqlite3 on a database (the test's stand-in for someone editing the file behind planwatch's back).
private func sqlite(_ database: String, _ sql: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    try OutsideTool.run("sqlite3", [database, sql], sourceLocation: sourceLocation)
}

/// Edits the database and rebuilds its whole audit chain, as someone who can write the file could.
private func rechain(_ database: String, _ sql: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    try OutsideTool.run("python3", [root.appendingPathComponent("Tests/scripts/rechain.py").path, database, sql], sourceLocation: sourceLocation)
}

/// What an attacker who knows the schema also runs: the derived last-update date recomputed from the updates left.
private let recomputeLastUpdate = "UPDATE action SET last_update_on = (SELECT max(on_date) FROM progress_update u WHERE u.action_id = action.id);"

@Suite("hardening: what verify sees, and a trail its writer cannot rewrite unseen", .serialized)
struct VerifyHardeningTests {
    /// A logged database with two updates on one date and one on another, by two people.
    private func story() throws -> Harness {
        let h = try Harness()
        try h.logged()
        try h.run(["update", "1", "--note", "One", "--date", "2023-01-10"], env: ["PLANWATCH_ACTOR": "alice"])
        try h.run(["update", "1", "--note", "Two", "--date", "2023-01-10", "--percent", "30"], env: ["PLANWATCH_ACTOR": "alice"])
        try h.run(["update", "1", "--note", "Three", "--date", "2023-02-01"], env: ["PLANWATCH_ACTOR": "bob"])
        #expect(try h.ok(["verify"]).hasPrefix("ok:"))
        return h
    }

    private func problems(_ h: Harness, _ arguments: [String] = []) throws -> String {
        let result = try h.run(["verify"] + arguments)
        #expect(result.status == 1, "verify passed: \(result.stdout)")
        return result.stdout
    }

    private func head(_ h: Harness) throws -> String {
        let lines = try h.ok(["verify"]).split(separator: "\n")
        return lines.first { $0.hasPrefix("head: ") }.map { String($0.dropFirst(6)) } ?? "none"
    }

    @Test("the schema is compared in full: a disarmed guard, a spy trigger, an extra table", arguments: [
        ("DROP TRIGGER progress_update_no_update; CREATE TRIGGER progress_update_no_update BEFORE UPDATE ON progress_update WHEN 0 BEGIN SELECT 1; END;",
         "trigger progress_update_no_update differs from this planwatch's schema"),
        ("CREATE TABLE spy (note TEXT); CREATE TRIGGER spy_copy AFTER INSERT ON progress_update BEGIN INSERT INTO spy VALUES (new.note); END;",
         "trigger spy_copy is not part of planwatch's schema"),
        ("CREATE TABLE spy (note TEXT);", "table spy is not part of planwatch's schema"),
        ("DROP INDEX progress_update_action;", "index progress_update_action is missing from the schema"),
        ("DROP TRIGGER audit_entry_no_delete;", "trigger audit_entry_no_delete is missing from the schema (an append-only guard was removed)"),
    ])
    func schema(sql: String, expected: String) throws {
        let h = try story()
        defer { h.cleanUp() }
        try sqlite(h.db, sql)
        let output = try problems(h)
        #expect(output.contains(expected), "\(output)")
    }

    @Test("every column of an update is covered, and their order: recorded_at edited, two same-date updates swapped")
    func updates() throws {
        let h = try story()
        defer { h.cleanUp() }
        try sqlite(h.db, """
            DROP TRIGGER progress_update_no_update;
            UPDATE progress_update SET recorded_at = '2020-01-01T00:00:00.000Z' WHERE note = 'Three';
            """)
        #expect(try problems(h).contains("action 1: its progress updates differ from the audit trail (their text, recording time or order was changed)"))

        let swapped = try story()
        defer { swapped.cleanUp() }
        try sqlite(swapped.db, """
            DROP TRIGGER progress_update_no_update;
            UPDATE progress_update SET id = -1 WHERE note = 'One';
            UPDATE progress_update SET id = (SELECT id FROM progress_update WHERE note = 'One' OR id = -1 ORDER BY id LIMIT 1) + 1000 WHERE note = 'Two';
            UPDATE progress_update SET id = 1000 + 1 WHERE id = -1;
            """)
        #expect(try problems(swapped).contains("action 1: its progress updates differ from the audit trail"))
    }

    @Test("a tail cut off without the derived last-update date set back is caught by plain verify")
    func cutTailLeavesDerivedDate() throws {
        let h = try story()
        defer { h.cleanUp() }
        try rechain(h.db, "DELETE FROM progress_update WHERE note = 'Three'; DELETE FROM audit_entry WHERE seq > (SELECT max(seq) FROM audit_entry WHERE after LIKE '%\"note\":\"Two\"%' OR entity = 'action' AND after LIKE '%\"percent\":30%');")
        let found = try problems(h)
        #expect(found.contains("action 1: its last update date is 2023-02-01 on the action row but 2023-01-10 from its updates"), "\(found)")
    }

    @Test("a rebuilt chain passes plain verify but fails against a head, a backup and a signed checkpoint taken before it", arguments: [
        // An edited note, the audit entry edited to match.
        "UPDATE progress_update SET note = 'Forged' WHERE note = 'One'; UPDATE audit_entry SET after = replace(after, '\"note\":\"One\"', '\"note\":\"Forged\"') WHERE entity = 'progress_update';",
        // The tail cut off: the last update and its entries gone, and the action's kept last-update date set back to match.
        "DELETE FROM progress_update WHERE note = 'Three'; DELETE FROM audit_entry WHERE seq > (SELECT max(seq) FROM audit_entry WHERE after LIKE '%\"note\":\"Two\"%' OR entity = 'action' AND after LIKE '%\"percent\":30%'); " + recomputeLastUpdate,
        // An update in the middle deleted and the entries after it renumbered.
        "DELETE FROM progress_update WHERE note = 'One'; DELETE FROM audit_entry WHERE entity = 'progress_update' AND after LIKE '%\"note\":\"One\"%'; UPDATE audit_entry SET seq = -seq WHERE seq > (SELECT count(*) FROM audit_entry WHERE seq < (SELECT min(seq) FROM audit_entry WHERE after LIKE '%Two%')); UPDATE audit_entry SET seq = -seq - 1 WHERE seq < 0;",
    ])
    func rebuiltChain(attack: String) throws {
        let h = try story()
        defer { h.cleanUp() }
        let key = h.folder.appendingPathComponent("checkpoint.key").path
        #expect(try h.ok(["checkpoint", "--key", key]).contains("Made a new checkpoint key"))
        let noted = try head(h)
        let backup = h.folder.appendingPathComponent("backup.sqlite").path
        try h.ok(["backup", backup])
        #expect(try h.ok(["verify", "--expect", noted, "--against", backup, "--key", key + ".pub"]).contains("1 signed checkpoint hold"))

        try rechain(h.db, attack)
        // Whoever rewrote the trail rebuilt it well: on its own, verify cannot tell.
        #expect(try h.ok(["verify"]).hasPrefix("ok:"))
        let expected = try problems(h, ["--expect", noted])
        #expect(expected.contains("--expect"), "\(expected)")
        let against = try problems(h, ["--against", backup])
        #expect(against.contains("backup '\(backup)'"), "\(against)")
        let signed = try problems(h, ["--key", key + ".pub"])
        #expect(signed.contains("checkpoint"), "\(signed)")
    }

    @Test("a checkpoint signed by another key, or none at all, fails verify --key; a bad --expect is refused")
    func otherKey() throws {
        let h = try story()
        defer { h.cleanUp() }
        let mine = h.folder.appendingPathComponent("mine.key").path, theirs = h.folder.appendingPathComponent("theirs.key").path
        let none = try h.run(["verify", "--key", mine + ".pub"])
        #expect(none.status == 1 && none.stderr.contains("no key file"), "\(none.stderr)")
        try h.ok(["checkpoint", "--key", theirs])
        try h.ok(["checkpoint", "--key", mine])
        #expect(try problems(h, ["--key", mine + ".pub"]).contains("is not signed by this key"))
        let bad = try h.run(["verify", "--expect", "12:xyz"])
        #expect(bad.status != 0 && bad.stderr.contains("expect: '12:xyz' is not valid"), "\(bad.stderr)")
        let unsigned = try story()
        defer { unsigned.cleanUp() }
        #expect(try problems(unsigned, ["--key", mine + ".pub"]).contains("the trail holds no signed checkpoint"))
    }
}

@Suite("hardening: writers beside a long import", .serialized)
struct ConcurrencyHardeningTests {
    @Test("8 writers beside an import that holds the write lock for seconds: each waits, says so, and lands; nobody sees a lock error")
    func writersBesideImport() throws {
        let h = try Harness()
        defer { h.cleanUp() }
        try h.logged()
        let plan = h.folder.appendingPathComponent("plan.json")
        FileManager.default.createFile(atPath: plan.path, contents: nil)
        try OutsideTool.run("python3", [root.appendingPathComponent("Benchmarks/generate.py").path, "--actions", "20000", "--seed", "5"],
                            stdout: try FileHandle(forWritingTo: plan))

        final class Box: @unchecked Sendable { var results: [Harness.Result] = []; let lock = NSLock() }
        let box = Box()
        let importer = Thread {
            let result = (try? h.run(["import", plan.path])) ?? Harness.Result(status: -1, stdout: "", stderr: "did not run")
            box.lock.lock(); box.results.append(result); box.lock.unlock()
        }
        importer.start()
        // Wait until the import holds the write lock (it reads its whole file first; on a loaded machine that takes a while).
        var locked = false
        for _ in 0..<600 where !locked && box.results.isEmpty {
            let probe = Process()
            probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            probe.arguments = ["sqlite3", "-cmd", ".timeout 0", h.db, "BEGIN IMMEDIATE; ROLLBACK;"]
            probe.standardOutput = FileHandle.nullDevice
            probe.standardError = FileHandle.nullDevice
            try probe.run()
            probe.waitUntilExit()
            #expect(probe.terminationStatus != 127, "sqlite3 is missing: run scripts/test")
            locked = probe.terminationStatus != 0 && probe.terminationStatus != 127
            if !locked { Thread.sleep(forTimeInterval: 0.2) }
        }
        #expect(locked, "the import never held the write lock while the writers could run")
        DispatchQueue.concurrentPerform(iterations: 8) { writer in
            for round in 1...3 {
                let result = (try? h.run(["update", "1", "--note", "writer \(writer) round \(round)", "--date", "2023-01-10"]))
                    ?? Harness.Result(status: -1, stdout: "", stderr: "did not run")
                box.lock.lock(); box.results.append(result); box.lock.unlock()
            }
        }
        while box.results.count < 25 { Thread.sleep(forTimeInterval: 0.1) }
        #expect(box.results.allSatisfy { $0.status == 0 }, "\(box.results.filter { $0.status != 0 }.map(\.stderr))")
        #expect(!box.results.contains { $0.stderr.contains("locked") || $0.stderr.contains("SQLite") })
        #expect(box.results.contains { $0.stderr.contains("another planwatch is writing to") }, "no writer had to wait: the test did not overlap")
        let detail = try JSONSerialization.jsonObject(with: Data(try h.ok(["action", "show", "1", "--format", "json"]).utf8)) as? [String: Any]
        #expect((detail?["updates"] as? [Any])?.count == 24)
        #expect(try h.ok(["verify"]).hasPrefix("ok:"))
    }
}

@Suite("global options before the command, as in an alias", .serialized)
struct GlobalOptionPlacementTests {
    /// One command of each group, with `--db` and `--actor` in the place the closure puts them.
    static let commands: [[String]] = [
        ["init"],
        ["partnership", "add", "dundee", "--name", "Dundee City"],
        ["partnership", "link", "dundee", "--inspector", "Link inspector (Tayside)", "--from", "2022-01-01"],
        ["qi", "add", "--name", "Leadership of improvement and change"],
        ["inspection", "add", "dundee-2021", "--partnership", "dundee", "--title", "Children at risk of harm", "--published", "2022-02-01"],
        ["inspection", "grade", "dundee-2021", "--qi", "2.1", "--grade", "good"],
        ["finding", "add", "dundee-2021", "--kind", "improvement", "--text", "Support was limited"],
        ["plan", "submit", "dundee-2021", "--date", "2022-03-10"],
        ["action", "add", "--finding", "1", "--ref", "2.1", "--title", "Commission counselling", "--owner", "Head of Service", "--agency", "Council", "--due", "2023-03-31"],
        ["update", "1", "--note", "- still recruiting", "--date", "2023-01-10", "--percent", "30"],
        ["extend", "1", "--to", "2023-06-30", "--reason", "Delayed", "--date", "2023-03-01"],
        ["review", "add", "dundee", "--date", "2023-05-10", "--kind", "meeting", "--summary", "Contract delayed", "--next", "2023-11-10"],
        ["action", "list", "--as-of", "2023-08-01"],
        ["report", "overdue", "--as-of", "2023-08-01"],
        ["report", "owners", "--as-of", "2023-08-01"],
        ["follow", "dundee", "--as-of", "2023-08-01"],
        ["export", "--format", "csv", "--as-of", "2023-08-01"],
        ["complete", "1", "--evidence", "Contract signed", "--date", "2023-06-01"],
        ["verify"],
    ]

    @Test("--db and --actor before the command give the same output and audit entries as after it")
    func placements() throws {
        let before = try Harness(), after = try Harness()
        defer { before.cleanUp(); after.cleanUp() }
        for command in GlobalOptionPlacementTests.commands {
            // PLANWATCH_DB points elsewhere: only the options can find the database.
            let first = try before.run(["--db", "plan.sqlite", "--actor", "Link inspector"] + command, env: ["PLANWATCH_DB": "elsewhere.sqlite"])
            let second = try after.run(command + ["--db", "plan.sqlite", "--actor", "Link inspector"], env: ["PLANWATCH_DB": "elsewhere.sqlite"])
            #expect(first.status == 0 && second.status == 0, "\(command): \(first.stderr) \(second.stderr)")
            let normalise = { (text: String) in
                text.split(separator: "\n").filter { !$0.hasPrefix("head: ") }.joined(separator: "\n")
            }
            #expect(normalise(first.stdout) == normalise(second.stdout), "\(command)")
        }
        // The audit trails agree in every field but the moment.
        func trail(_ h: Harness) throws -> [[String: String]] {
            let entries = try JSONSerialization.jsonObject(with: Data(try h.ok(["history", "--format", "json"]).utf8)) as? [[String: Any]] ?? []
            return try entries.map { entry in
                try entry.filter { $0.key != "at" }.mapValues { value in
                    String(decoding: try JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys]), as: UTF8.self)
                }
            }
        }
        let trailBefore = try trail(before)
        #expect(trailBefore.count > 15)
        #expect(trailBefore == (try trail(after)))
        #expect(trailBefore.allSatisfy { $0["actor"] == "[\"Link inspector\"]" })
        #expect(!FileManager.default.fileExists(atPath: before.folder.appendingPathComponent("elsewhere.sqlite").path))
        // After the command wins over before it.
        let both = try before.run(["--db", "missing.sqlite", "action", "list", "--db", "plan.sqlite"], env: [:])
        #expect(both.status == 0, "\(both.stderr)")
        // The root's help names them.
        let help = try before.run(["--help"])
        #expect(help.stdout.contains("USAGE: planwatch [--db <path>] [--actor <name>] <subcommand>"))
    }
}
