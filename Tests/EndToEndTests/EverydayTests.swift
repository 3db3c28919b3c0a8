import Foundation
import Testing

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

private func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

/// A plan typed in by hand over several months, each step with the day it
/// happened (`--date`), as a link inspector catching up would type it.
///
///     2024-03-01  fife-2024 published
///     2024-04-01  1.1 Chronology training (start 2024-04-01, due 2024-09-30), 1.2 Audit chronologies (due 2024-12-31)
///     2024-04-15  1.3 Health visitor chronologies (due 2024-06-30)
///     2024-05-10  1.1 in progress, 25%
///     2024-06-01  review 1 (meeting; next 2024-09-01)
///     2024-06-20  1.3 in progress, 50%
///     2024-07-10  1.3 complete (ten days after its deadline)
///     2024-08-15  1.1 extended to 2024-12-31
///     2024-09-05  review 2 (progress review; not yet confident)
///     2024-10-01  1.1 60%
private func typedPlan(_ engine: Engine) throws -> Harness {
    let h = try Harness(engine: engine)
    try h.ok(["init"])
    try h.ok(["partnership", "add", "fife", "--name", "Fife", "--council", "Fife Council"])
    try h.ok(["partnership", "link", "fife", "--inspector", "Link inspector (Fife)", "--from", "2024-01-01"])
    try h.ok(["inspection", "add", "fife-2024", "--partnership", "fife", "--title", "Services for children at risk of harm",
              "--published", "2024-03-01", "--confidence", "confident"])
    try h.ok(["finding", "add", "fife-2024", "--kind", "improvement", "--text", "Chronologies were weak"])
    try h.ok(["action", "add", "--finding", "1", "--ref", "1.1", "--title", "Chronology training", "--owner", "Chief Social Work Officer",
              "--agency", "Fife Council", "--start", "2024-04-01", "--due", "2024-09-30", "--date", "2024-04-01"])
    // The trailing space and the double space are the same owner as above.
    try h.ok(["action", "add", "--finding", "1", "--ref", "1.2", "--title", "Audit chronologies", "--owner", "Chief  Social Work Officer ",
              "--agency", "Fife Council", "--due", "2024-12-31", "--date", "2024-04-01"])
    try h.ok(["action", "add", "--finding", "1", "--ref", "1.3", "--title", "Health visitor chronologies", "--owner", "Head of Nursing",
              "--agency", "NHS Fife", "--due", "2024-06-30", "--date", "2024-04-15"])
    try h.ok(["update", "fife-2024/1.1", "--note", "Training designed", "--status", "in-progress", "--percent", "25", "--date", "2024-05-10"])
    try h.ok(["review", "add", "fife", "--date", "2024-06-01", "--kind", "meeting", "--summary", "First review",
              "--next", "2024-09-01", "--confidence", "confident"])
    try h.ok(["update", "fife-2024/1.3", "--note", "Pilot started", "--status", "in-progress", "--percent", "50", "--date", "2024-06-20"])
    try h.ok(["complete", "fife-2024/1.3", "--evidence", "All health visitors use the template", "--date", "2024-07-10"])
    try h.ok(["extend", "fife-2024/1.1", "--to", "2024-12-31", "--reason", "Trainer unavailable", "--date", "2024-08-15"])
    try h.ok(["review", "add", "fife", "--date", "2024-09-05", "--kind", "progress-review", "--summary", "Second review",
              "--next", "2024-12-05", "--confidence", "not-yet-confident"])
    try h.ok(["update", "fife-2024/1.1", "--note", "Half the staff trained", "--percent", "60", "--date", "2024-10-01"])
    return h
}

/// `action list --format json --as-of D`, as ref → (status, percent, due, rag).
private func standing(_ h: Harness, asOf: String) throws -> [String: [String]] {
    let rows = try json(try h.ok(["action", "list", "--format", "json", "--as-of", asOf])) as? [[String: Any]] ?? []
    var result: [String: [String]] = [:]
    for row in rows {
        result["\(row["ref"] ?? "")"] = ["\(row["status"] ?? "")", "\(row["percent"] ?? "")", "\(row["due"] ?? "none")", "\(row["rag"] ?? "")"]
    }
    return result
}

@Suite("the link inspector's everyday questions (issue 21)", .serialized)
struct EverydayTests {
    // MARK: 1 and 2: a plan typed in by hand, replayed

    @Test("stale counts from the day an action was logged: 90 days idle is not stale, 91 is", arguments: Engine.allCases)
    func staleFromTheDateLogged(engine: Engine) throws {
        let h = try typedPlan(engine)
        defer { h.cleanUp() }
        func stale(_ asOf: String) throws -> [(String, Int)] {
            let report = try json(try h.ok(["report", "stale", "--format", "json", "--as-of", asOf])) as? [String: Any]
            return (report?["rows"] as? [[String: Any]] ?? []).map { ("\($0["ref"] ?? "")", $0["daysSinceUpdate"] as? Int ?? -1) }
        }
        // 1.2 was logged on 2024-04-01 and never updated: 90 days on 2024-06-30, 91 on 2024-07-01.
        #expect(try stale("2024-06-29").isEmpty)
        #expect(try stale("2024-06-30").isEmpty)
        #expect(try stale("2024-07-01").map(\.0) == ["1.2"])
        #expect(try stale("2024-07-01").map(\.1) == [91])
        // By mid-September 1.1 (last update 2024-05-10: 128 days) is stale too; 1.3 is complete.
        let september = try stale("2024-09-15")
        #expect(september.map(\.0) == ["1.2", "1.1"], "\(september)")
        #expect(september.map(\.1) == [167, 128])
    }

    @Test("--as-of is the plan as it stood: status, percent and deadline on three past days and either side of each event", arguments: Engine.allCases)
    func asOfIsThePast(engine: Engine) throws {
        let h = try typedPlan(engine)
        defer { h.cleanUp() }
        // 2024-05-01: nothing has happened yet; 1.3 counts from 2024-04-15.
        let may = try standing(h, asOf: "2024-05-01")
        #expect(may["1.1"] == ["not-started", "0", "2024-09-30", "green"])
        #expect(may["1.2"] == ["not-started", "0", "2024-12-31", "green"])
        #expect(may["1.3"]?.prefix(3) == ["not-started", "0", "2024-06-30"])
        // 2024-07-05: 1.1 at 25%; 1.3 at 50% and five days overdue.
        let july = try standing(h, asOf: "2024-07-05")
        #expect(july["1.1"]?.prefix(3) == ["in-progress", "25", "2024-09-30"])
        #expect(july["1.3"] == ["in-progress", "50", "2024-06-30", "red"])
        // 2024-09-01: 1.1's deadline is the extended one (agreed 2024-08-15); 1.3 complete.
        let september = try standing(h, asOf: "2024-09-01")
        #expect(september["1.1"]?.prefix(3) == ["in-progress", "25", "2024-12-31"])
        #expect(september["1.3"] == ["complete", "100", "2024-06-30", "complete"])
        // Today: 1.1 at 60%, overdue since its extended deadline.
        let today = try standing(h, asOf: "today")
        #expect(today["1.1"] == ["in-progress", "60", "2024-12-31", "red"])
        // An event counts from its own day: the day before it did not happen, the day after it has.
        #expect(try standing(h, asOf: "2024-05-09")["1.1"]?.prefix(2) == ["not-started", "0"])
        #expect(try standing(h, asOf: "2024-05-10")["1.1"]?.prefix(2) == ["in-progress", "25"])
        #expect(try standing(h, asOf: "2024-05-11")["1.1"]?.prefix(2) == ["in-progress", "25"])
        #expect(try standing(h, asOf: "2024-07-09")["1.3"]?.first == "in-progress")
        #expect(try standing(h, asOf: "2024-07-10")["1.3"]?.first == "complete")
        #expect(try standing(h, asOf: "2024-08-14")["1.1"]?[2] == "2024-09-30")
        #expect(try standing(h, asOf: "2024-08-15")["1.1"]?[2] == "2024-12-31")
        // An action recorded later is not there before its day.
        #expect(try standing(h, asOf: "2024-04-14")["1.3"] == nil)
        #expect(try standing(h, asOf: "2024-04-15")["1.3"] != nil)
        // The reviews as they stood, and the progress report's review dates.
        let reviews = try json(try h.ok(["review", "list", "--format", "json", "--as-of", "2024-09-04"])) as? [[String: Any]] ?? []
        #expect(reviews.map { "\($0["date"] ?? "")" } == ["2024-06-01"])
        let progress = try json(try h.ok(["report", "progress", "--format", "json", "--as-of", "2024-09-04"])) as? [String: Any]
        let fife = (progress?["partnerships"] as? [[String: Any]])?.first
        #expect(fife?["lastReview"] as? String == "2024-06-01")
        #expect(fife?["nextReview"] as? String == "2024-09-01")
        #expect(fife?["followUpOverdue"] as? Bool == true)
    }

    @Test("report changes between the two reviews: 1.1 extended, 1.3 completed late; the second review listed", arguments: Engine.allCases)
    func changesBetweenReviews(engine: Engine) throws {
        let h = try typedPlan(engine)
        defer { h.cleanUp() }
        func changes(_ arguments: [String]) throws -> (rows: [String: [String]], reviews: [String]) {
            let report = try json(try h.ok(["report", "changes", "--format", "json"] + arguments)) as? [String: Any]
            let window = (report?["partnerships"] as? [[String: Any]])?.first
            var rows: [String: [String]] = [:]
            for row in window?["rows"] as? [[String: Any]] ?? [] { rows["\(row["action"] ?? "")"] = row["changes"] as? [String] ?? [] }
            return (rows, (window?["reviews"] as? [[String: Any]] ?? []).map { "\($0["date"] ?? "")" })
        }
        // From the day after the first review to the day of the second, both ends included.
        let between = try changes(["--since", "2024-06-02", "--until", "2024-09-05"])
        #expect(between.rows == ["fife-2024/1.1": ["extended"], "fife-2024/1.3": ["completed", "slipped"]], "\(between.rows)")
        #expect(between.reviews == ["2024-09-05"])
        // "Since the last review", asked the day before the second: the same window less its last day.
        let sinceLast = try changes(["--since", "last-review", "--as-of", "2024-09-04"])
        #expect(sinceLast.rows == between.rows)
        #expect(sinceLast.reviews.isEmpty)
        // A window that ends the day before the extension holds only the completion.
        let july = try changes(["--since", "2024-06-02", "--until", "2024-08-14"])
        #expect(july.rows == ["fife-2024/1.3": ["completed", "slipped"]])
        // One that starts on the day of the extension holds 1.1 (its 60% update came later: progressed too).
        let autumn = try changes(["--since", "2024-08-15", "--until", "2024-10-01"])
        #expect(autumn.rows["fife-2024/1.1"] == ["extended", "progressed"], "\(autumn.rows)")
        #expect(autumn.rows["fife-2024/1.3"] == nil)
    }

    // MARK: 3: owners

    @Test("owners: names kept trimmed, --owner matches part of a name, owner list shows spellings, the digest holds every open action", arguments: Engine.allCases)
    func owners(engine: Engine) throws {
        let h = try typedPlan(engine)
        defer { h.cleanUp() }
        let spellings = try json(try h.ok(["owner", "list", "--format", "json"])) as? [[String: Any]] ?? []
        #expect(spellings.map { "\($0["owner"] ?? "")" } == ["Chief Social Work Officer", "Head of Nursing"])
        #expect(spellings.first?["actions"] as? Int == 2)
        // Another spelling of the same owner is shown beside it, counted.
        try h.ok(["action", "add", "--finding", "1", "--ref", "2.1", "--title", "Refresh guidance", "--owner", "chief social work officer.",
                  "--agency", "Fife Council", "--due", "2024-10-31", "--date", "2024-09-01"])
        let table = try h.ok(["owner", "list"])
        #expect(table.contains("1 owner is spelt more than one way."), "\(table)")
        let grouped = try json(try h.ok(["owner", "list", "--format", "json"])) as? [[String: Any]] ?? []
        #expect(grouped.prefix(2).map { "\($0["owner"] ?? "")" } == ["Chief Social Work Officer", "chief social work officer."])
        #expect(grouped.prefix(2).map { $0["spellings"] as? Int } == [2, 2])
        // Any part of the name, any case: all three of the owner's actions.
        let report = try json(try h.ok(["report", "owners", "--owner", "SOCIAL WORK", "--format", "json", "--as-of", "2024-09-20"])) as? [String: Any]
        let digests = report?["owners"] as? [[String: Any]] ?? []
        let refs = digests.flatMap { d in ["overdue", "dueSoon", "other"].flatMap { (d[$0] as? [[String: Any]] ?? []).map { "\($0["ref"] ?? "")" } } }
        #expect(refs.sorted() == ["1.1", "1.2", "2.1"], "\(digests)")
        // The due-soon part shows days left: 2.1 is due 2024-10-31, 41 days after 2024-09-20 (due soon within 60).
        let text = try h.ok(["report", "owners", "--owner", "social work", "--as-of", "2024-09-20", "--due-soon-days", "60"])
        #expect(text.contains("Days left") && text.contains("Due soon") && text.contains("Other open actions"), "\(text)")
        #expect(text.split(separator: "\n").contains { $0.contains("2.1") && $0.contains("41") }, "\(text)")
        // A name no owner holds is an error that offers the nearest.
        let none = try h.run(["report", "owners", "--owner", "Head of Nursng"])
        #expect(none.status == 1)
        #expect(none.stderr == "planwatch: no owner 'Head of Nursng' (did you mean 'Head of Nursing'?)\n")
    }

    // MARK: 4: escalation and closing

    @Test("escalation, a change of confidence and closing the plan are recorded, dated, in follow and the linking report", arguments: Engine.allCases)
    func escalationAndClosing(engine: Engine) throws {
        let h = try typedPlan(engine)
        defer { h.cleanUp() }
        try h.ok(["review", "add", "fife", "--date", "2024-11-01", "--kind", "progress-review", "--summary", "Still slow",
                  "--escalation", "formal-monitoring"])
        try h.ok(["inspection", "change", "fife-2024", "--confidence", "not-yet-confident", "--reason", "Audit not started", "--date", "2024-11-02"])
        let linking = try json(try h.ok(["report", "linking", "--format", "json", "--as-of", "2024-11-03"])) as? [String: Any]
        let fife = (linking?["partnerships"] as? [[String: Any]])?.first
        #expect(fife?["escalation"] as? String == "formal-monitoring")
        #expect(fife?["needsAttention"] as? Bool == true)
        #expect((fife?["attention"] as? [String])?.contains("not-confident") == true, "\(String(describing: fife))")
        // The day before the change, the escalation was still none.
        let before = try json(try h.ok(["report", "linking", "--format", "json", "--as-of", "2024-10-31"])) as? [String: Any]
        #expect(((before?["partnerships"] as? [[String: Any]])?.first?["escalation"] as? String) == "none")
        try h.ok(["plan", "submit", "fife-2024", "--date", "2024-05-01"])
        try h.ok(["plan", "agree", "fife-2024", "--by", "Chief Officers Group", "--date", "2024-05-15"])
        try h.ok(["plan", "close", "fife-2024", "--date", "2024-12-01"])
        let follow = try h.ok(["follow", "fife", "--format", "csv"])
        #expect(follow.contains("inspection-change") && follow.contains("plan-closed"), "\(follow)")
        let history = try h.ok(["history", "--format", "csv"])
        #expect(history.contains("plan close") && history.contains("inspection change"))
        // The partnership's own history tells the change in words (it used to leave inspection changes out).
        let own = try h.ok(["history", "--partnership", "fife"])
        #expect(own.contains("changed inspection fife-2024 on 2024-11-02: confidence confident → not-yet-confident; reason: Audit not started"), "\(own)")
        #expect(own.contains("escalation none → formal-monitoring"), "\(own)")
    }

    // MARK: 5: values that start with a dash

    @Test("values that start with '-' are values; a number out of range says its range", arguments: Engine.allCases)
    func dashValues(engine: Engine) throws {
        let h = try typedPlan(engine)
        defer { h.cleanUp() }
        try h.ok(["update", "fife-2024/1.2", "--note", "- still recruiting", "--date", "2024-09-01"])
        try h.ok(["action", "add", "--finding", "1", "--title", "-2 FTE vacancy", "--owner", "Lead", "--agency", "Fife Council"])
        let before = try h.snapshot()
        let negative = try h.run(["update", "fife-2024/1.2", "--note", "x", "--percent", "-1"])
        #expect(negative.status == 1)
        #expect(negative.stderr == "planwatch: percent: '-1' is not valid (expected a whole number from 0 to 100)\n")
        #expect(try h.snapshot() == before)
        #expect(try h.ok(["action", "list", "--format", "csv"]).contains("'-2 FTE vacancy"))
    }

    // MARK: 6: sheets and dates as councils write them

    @Test("a tab-separated sheet with the dates councils write, RAG Blue as complete; the command line takes the same dates", arguments: Engine.allCases)
    func councilSheets(engine: Engine) throws {
        let h = try Harness(engine: engine)
        defer { h.cleanUp() }
        try h.ok(["init"])
        try h.ok(["partnership", "add", "fife", "--name", "Fife"])
        try h.ok(["inspection", "add", "fife-2024", "--partnership", "fife", "--title", "Services", "--published", "2024-06-01"])
        let sheet = """
            Ref\tAction\tLead officer\tLead agency\tTimescale\tRAG
            1\tTrain staff\tChief Social Work Officer \tFife Council\t31-Mar-25\tAmber
            2\tAudit files\tHead of Nursing\tNHS Fife\tQ2 2024/25\tBlue
            3\tNew guidance\tLead Officer\tFife Council\tSpring 2025\tGreen
            4\tDashboard\tLead Officer\tFife Council\t31.03.2026\t
            5\tReview\tLead Officer\tFife Council\t2026\t

            """
        let file = h.folder.appendingPathComponent("plan.tsv")
        try Data(sheet.utf8).write(to: file)
        try h.ok(["import", file.path, "--inspection", "fife-2024", "--date", "2024-07-01"])
        let rows = try json(try h.ok(["action", "list", "--format", "json", "--as-of", "2024-07-01"])) as? [[String: Any]] ?? []
        #expect(rows.map { "\($0["due"] ?? "")" } == ["2025-03-31", "2024-09-30", "2025-05-31", "2026-03-31", "2026-12-31"])
        #expect(rows.map { "\($0["status"] ?? "")" } == ["not-started", "complete", "not-started", "not-started", "not-started"])
        #expect(rows.first?["owner"] as? String == "Chief Social Work Officer")
        // The same sheet with semicolons.
        try h.ok(["inspection", "add", "fife-copy", "--partnership", "fife", "--title", "Copy", "--published", "2024-06-01"])
        let semicolons = h.folder.appendingPathComponent("plan.csv")
        try Data(sheet.replacingOccurrences(of: "\t", with: ";").utf8).write(to: semicolons)
        try h.ok(["import", semicolons.path, "--inspection", "fife-copy", "--date", "2024-07-01"])
        #expect(try h.ok(["action", "list", "--inspection", "fife-copy", "--format", "csv"]).split(separator: "\r\n").count == 6)
        // Typed at the command line, the same forms.
        try h.ok(["action", "add", "--inspection", "fife-2024", "--title", "Typed", "--owner", "o", "--agency", "a", "--due", "March 2027"])
        try h.ok(["action", "add", "--inspection", "fife-2024", "--title", "Typed too", "--owner", "o", "--agency", "a", "--due", "Q3 2026/27"])
        let typed = try h.ok(["action", "list", "--inspection", "fife-2024", "--format", "csv"])
        #expect(typed.contains("2027-03-31") && typed.contains("2026-12-31"))
        let bad = try h.run(["report", "overdue", "--as-of", "2025-02-30"])
        #expect(bad.stderr.hasPrefix("planwatch: as-of: '2025-02-30' is not a real date (use 2025-03-31, 31/03/2025, 31.03.2025, 31-Mar-25,"))
    }

    // MARK: 7: output people read

    @Test("tables fit the terminal: at 80 and 100 columns no line is wider, and what was left out is named", arguments: Engine.allCases)
    func fitTheTerminal(engine: Engine) throws {
        let h = try Harness(engine: engine)
        defer { h.cleanUp() }
        try h.ok(["demo", "--db", h.db])
        for width in [80, 100] {
            for command in [["action", "list"], ["report", "progress"], ["report", "linking"], ["report", "overdue"], ["report", "due-soon", "--within", "365"],
                            ["report", "stale"], ["report", "owners"], ["follow", "glasgow-city"]] {
                let result = try h.run(command, env: ["COLUMNS": String(width)])
                #expect(result.status == 0)
                let wide: [String] = result.stdout.split(separator: "\n").map(String.init).filter { $0.count > width }
                #expect(wide.isEmpty, "\(command) at \(width): \(wide.first ?? "")")
            }
        }
        let narrow = try h.run(["report", "progress"], env: ["COLUMNS": "80"])
        #expect(narrow.stdout.contains("(left out to fit 80 columns: Inspection, Not started"), "\(narrow.stdout)")
        #expect(narrow.stdout.hasPrefix("Progress by partnership") && narrow.stdout.contains("Partnership") && narrow.stdout.contains("Red"))
        // Human headings in text and Markdown, the JSON names in CSV.
        let overdue = try h.ok(["report", "overdue"])
        #expect(overdue.contains("Days overdue") && !overdue.contains("daysOverdue"))
        #expect(try h.ok(["report", "overdue", "--format", "markdown"]).contains("| Days overdue |"))
        #expect(try h.ok(["report", "overdue", "--format", "csv"]).hasPrefix("id,partnership,ref,title,owner,agency,due,originalDue,daysOverdue"))
    }

    @Test("Markdown shows stored markup as text", arguments: Engine.allCases)
    func markdownEscapes(engine: Engine) throws {
        let h = try typedPlan(engine)
        defer { h.cleanUp() }
        try h.ok(["action", "add", "--finding", "1", "--title", "*Urgent* review of <script> | pipes_and_underscores", "--owner", "Lead",
                  "--agency", "Fife Council", "--due", "2024-05-01", "--date", "2024-04-01"])
        let markdown = try h.ok(["report", "overdue", "--format", "markdown", "--as-of", "2024-06-01"])
        #expect(markdown.contains("\\*Urgent\\* review of \\<script\\> \\| pipes\\_and\\_underscores"), "\(markdown)")
        #expect(!markdown.contains("<script>"))
    }

    @Test("every command's help keeps each example command on one line, at any width, and no sentence broken in the source", arguments: Engine.allCases)
    func helpExamples(engine: Engine) throws {
        let h = try Harness(engine: engine)
        defer { h.cleanUp() }
        // Every command, found from the help itself.
        var commands: [[String]] = [[]]
        var index = 0
        while index < commands.count {
            let help = try h.run(commands[index] + ["--help"], env: ["COLUMNS": "60"]).stdout
            if let start = help.range(of: "SUBCOMMANDS:\n") {
                // The section ends at its first blank line (the "See 'planwatch help'" line comes after).
                let section = help[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false).prefix { !$0.isEmpty }
                for line in section where line.hasPrefix("  ") && !line.hasPrefix("   ") {
                    let name = String(line.dropFirst(2).prefix { $0 != " " })
                    if !name.isEmpty, !commands.contains(commands[index] + [name]) { commands.append(commands[index] + [name]) }
                }
            }
            #expect(commands.count < 200, "the walk over the help found \(commands.count) commands")
            if commands.count >= 200 { break }
            index += 1
        }
        #expect(commands.count > 50, "\(commands.count) commands")
        for command in commands {
            let help = try h.run(command + ["--help"], env: ["COLUMNS": "60"]).stdout
            #expect(help.contains("Example"), "\(command): no example")
            // The example is of this command: a word alone would pass for the wrong reason.
            let mine = (["planwatch"] + command).joined(separator: " ")
            #expect(help.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix(mine + (command.isEmpty ? " " : "")) },
                    "\(command): no example line starts '\(mine)'")
            let lines = help.split(separator: "\n", omittingEmptySubsequences: false)
            for (number, line) in lines.enumerated() where line.trimmingCharacters(in: .whitespaces).hasPrefix("planwatch ") {
                // An example is whole on its line: the next line is blank or another example.
                let next = number + 1 < lines.count ? lines[number + 1].trimmingCharacters(in: .whitespaces) : ""
                #expect(next.isEmpty || next.hasPrefix("planwatch ") || next.hasPrefix("$ planwatch"), "\(command): '\(line)' continues as '\(next)'")
                // Quotes balance: nothing of it went onto another line.
                #expect(line.filter { $0 == "\"" }.count % 2 == 0, "\(command): \(line)")
            }
            // On a terminal wide enough that nothing is wrapped, no sentence of the text is
            // broken across lines: a break there is in the source and shows at every width.
            let wide = try h.run(command + ["--help"], env: ["COLUMNS": "1000"]).stdout
            let prose = wide.split(separator: "\n", omittingEmptySubsequences: false).prefix { !$0.hasPrefix("USAGE:") }
                .filter { !$0.hasPrefix(" ") && !$0.isEmpty }
            for (line, next) in zip(prose, prose.dropFirst()) {
                let ends = line.last.map { $0.isLowercase || $0 == "," } ?? false
                let continues = next.first.map { $0.isLowercase || $0 == "(" } ?? false
                #expect(!(ends && continues), "\(command): a sentence broken in the source: '\(line.suffix(40))' / '\(next.prefix(40))'")
            }
        }
    }

    // MARK: 8: JSON a script can rely on

    @Test("every --format json output validates against docs/output.schema.json, today and in the past", arguments: Engine.allCases)
    func jsonSchema(engine: Engine) throws {
        let h = try typedPlan(engine)
        defer { h.cleanUp() }
        try h.ok(["review", "add", "fife", "--date", "2024-11-01", "--kind", "progress-review", "--summary", "Still slow",
                  "--escalation", "formal-monitoring", "--actions", "1,2"])
        try h.ok(["inspection", "change", "fife-2024", "--confidence", "needs-external-support", "--reason", "No progress", "--date", "2024-11-02"])
        try h.ok(["inspection", "grade", "fife-2024", "--qi", "2.1", "--grade", "weak"])
        try h.ok(["plan", "submit", "fife-2024", "--date", "2024-05-01"])
        try h.ok(["withdraw", "fife-2024/1.2", "--reason", "Merged into 1.1", "--date", "2024-11-05"])
        try h.ok(["demo", "--db", h.db])
        let commands: [(String, [String])] = [
            ("report overdue", ["report", "overdue"]), ("report due-soon", ["report", "due-soon", "--within", "400"]),
            ("report stale", ["report", "stale"]), ("report progress", ["report", "progress"]), ("report owners", ["report", "owners"]),
            ("report linking", ["report", "linking"]), ("report changes", ["report", "changes", "--since", "2024-01-01"]),
            ("action list", ["action", "list"]), ("action show", ["action", "show", "fife-2024/1.1"]), ("owner list", ["owner", "list"]),
            ("follow", ["follow", "fife"]), ("partnership list", ["partnership", "list"]), ("partnership show", ["partnership", "show", "fife"]),
            ("inspection list", ["inspection", "list"]), ("inspection show", ["inspection", "show", "fife-2024"]),
            ("finding list", ["finding", "list"]), ("review list", ["review", "list"]), ("history", ["history"]), ("qi list", ["qi", "list"]),
            ("verify", ["verify"]), ("report outcomes", ["report", "outcomes"]), ("measure list", ["measure", "list"]),
            ("measure show", ["measure", "show", "wd-views-in-meetings"]),
        ]
        let schema = root.appendingPathComponent("docs/output.schema.json").path
        let checker = root.appendingPathComponent("Tests/scripts/check_exports.py").path
        for asOf in ["today", "2024-09-01"] {
            for (name, command) in commands {
                let past = name.hasPrefix("report") || name == "action list" || name == "action show" || name == "follow" || name == "review list" || name == "measure show"
                if asOf != "today" && !past { continue }
                let output = try h.ok(command + ["--format", "json"] + (past ? ["--as-of", asOf] : []))
                let file = h.folder.appendingPathComponent("out.json")
                try Data(output.utf8).write(to: file)
                try OutsideTool.run("python3", [checker, "output", schema, "command: \(name)", file.path])
                if name.hasPrefix("report") {
                    let envelope = try json(output) as? [String: Any]
                    #expect(envelope?["report"] as? String == String(name.dropFirst("report ".count)))
                    #expect(envelope?["asOf"] is String && envelope?["thresholds"] is [String: Any] && envelope?["totals"] is [String: Any])
                }
            }
        }
    }

    @Test("the JSON examples of docs/reports.md are valid outputs of their commands", arguments: Engine.allCases)
    func reportDocs(engine: Engine) throws {
        let text = try String(contentsOf: root.appendingPathComponent("docs/reports.md"), encoding: .utf8)
        let schema = root.appendingPathComponent("docs/output.schema.json").path
        let checker = root.appendingPathComponent("Tests/scripts/check_exports.py").path
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("planwatch-docs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var checked: [String] = []
        for block in text.components(separatedBy: "```json\n").dropFirst() {
            guard let body = block.components(separatedBy: "\n```").first,
                  let value = try json(body) as? [String: Any] else { continue }
            let name = (value["report"] as? String).map { "report \($0)" } ?? "follow"
            let file = folder.appendingPathComponent("example.json")
            try Data(body.utf8).write(to: file)
            try OutsideTool.run("python3", [checker, "output", schema, "command: \(name)", file.path])
            checked.append(name)
        }
        #expect(checked == ["report overdue", "report due-soon", "report stale", "report progress", "report owners", "report linking",
                            "report changes", "report outcomes", "follow"])
    }

    @Test("one name for one thing: actor and nextReview in every output and in the plan file; older files' author and next still read", arguments: Engine.allCases)
    func sameNames(engine: Engine) throws {
        let h = try typedPlan(engine)
        defer { h.cleanUp() }
        let reviews = try json(try h.ok(["review", "list", "--format", "json"])) as? [[String: Any]] ?? []
        #expect(reviews.count == 2 && reviews.allSatisfy { $0["nextReview"] is String && $0["next"] == nil })
        let shown = try json(try h.ok(["action", "show", "fife-2024/1.1", "--format", "json"])) as? [String: Any] ?? [:]
        let updates = shown["updates"] as? [[String: Any]] ?? []
        #expect(updates.count == 2 && updates.allSatisfy { $0["actor"] is String && $0["author"] == nil })
        #expect((shown["history"] as? [[String: Any]])?.allSatisfy { $0["actor"] is String } == true)
        let exported = try h.ok(["export", "--format", "json"])
        #expect(exported.contains("\"actor\"") && exported.contains("\"nextReview\""))
        #expect(!exported.contains("\"author\"") && !exported.contains("\"next\""))

        // A plan file in the older names imports; it exports in the new ones, and the trail still verifies.
        let old = h.folder.appendingPathComponent("old.json")
        let older = exported.replacingOccurrences(of: "\"actor\"", with: "\"author\"").replacingOccurrences(of: "\"nextReview\"", with: "\"next\"")
        try Data(older.utf8).write(to: old)
        let fresh = try Harness(engine: engine)
        defer { fresh.cleanUp() }
        try fresh.ok(["init"])
        try fresh.ok(["import", old.path])
        #expect(try fresh.ok(["export", "--format", "json"]) == exported)
        #expect(try fresh.ok(["verify"]).contains("ok"))
        // Undo reads the update back from the trail, where it is stored under its first name.
        try h.ok(["update", "fife-2024/1.1", "--note", "Typed in error", "--percent", "70"])
        try h.ok(["undo"])
        #expect(try h.ok(["verify"]).contains("ok"))
    }

    // MARK: 9: mistakes

    @Test("mistakes are met with what was meant: keys, commands, options, a folder as --db, dates before the start", arguments: Engine.allCases)
    func mistakes(engine: Engine) throws {
        let h = try typedPlan(engine)
        defer { h.cleanUp() }
        let before = try h.snapshot()
        let cases: [([String], String)] = [
            (["follow", "fiffe"], "planwatch: no partnership 'fiffe' (did you mean 'fife'?)\n"),
            (["report", "overdue", "--inspection", "fife-2042"], "planwatch: no inspection 'fife-2042' (did you mean 'fife-2024'?)\n"),
            (["folow", "fife"], "planwatch: unknown command 'folow' (did you mean 'follow'?)\n"),
            (["report", "overdu"], "planwatch: unknown command 'report overdu' (did you mean 'report overdue'?)\n"),
            (["action", "list", "--ownr", "x"], "planwatch: Unknown option '--ownr'. Did you mean '--owner'?\n"),
            (["--db", h.folder.path, "action", "list"], "planwatch: '\(h.folder.path)' is not a planwatch database (it is a folder, not a file)\n"),
            (["update", "fife-2024/1.1", "--note", "x", "--date", "2024-03-31"],
             "planwatch: date: 2024-03-31 is before action 1 (fife-2024/1.1) starts (2024-04-01)\n"),
        ]
        for (arguments, message) in cases {
            let result = try h.run(arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr == message, "\(arguments): \(result.stderr)")
        }
        #expect(try h.snapshot() == before)
        // The owner's own RAG, where a sheet gave one, shows in the list and in show.
        let sheet = h.folder.appendingPathComponent("rag.csv")
        try Data("Ref,Action,Owner,Agency,Timescale,RAG\n9,Own view,Lead,Fife Council,2025-03-31,Amber\n".utf8).write(to: sheet)
        try h.ok(["import", sheet.path, "--inspection", "fife-2024", "--date", "2024-07-01"])
        let list = try h.ok(["action", "list"])
        #expect(list.contains("Own RAG") && list.split(separator: "\n").contains { $0.contains("Own view") && $0.contains("amber") })
        #expect(try h.ok(["action", "show", "fife-2024/9"]).contains("Self-assessed: amber"))
    }
}
