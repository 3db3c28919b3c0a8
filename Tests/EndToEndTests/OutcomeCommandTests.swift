import Foundation
import Testing

/// A database with the logged plan and one measure (baseline 2022-03-31) with one reading.
private func measured(_ engine: Engine) throws -> Harness {
    let h = try Harness(engine: engine)
    try h.logged()
    try h.ok(["measure", "add", "dd-mh-wait", "--partnership", "dundee", "--name", "Weeks waiting for mental health support",
              "--unit", "weeks", "--direction", "lower", "--baseline", "18@2022-03-31", "--target", "8@2024-03-31",
              "--trajectory", "14@2023-03-31", "--finding", "dundee-2021#1", "--action", "dundee-2021/2.1",
              "--source", "CAMHS waiting list, quarterly"])
    try h.ok(["measure", "reading", "dd-mh-wait", "--date", "2022-06-30", "--value", "17"])
    return h
}

@Suite("outcome measures from the command line", .serialized)
struct OutcomeCommandTests {
    static let badCases: [(arguments: [String], expected: String)] = [
        (["measure", "reading", "dd-mh-wiat", "--date", "2022-09-30", "--value", "16"], "no measure 'dd-mh-wiat' (did you mean 'dd-mh-wait'?)"),
        (["measure", "reading", "dd-mh-wait", "--date", "2022-03-30", "--value", "16"], "date: 2022-03-30 is before the baseline of measure 'dd-mh-wait' (2022-03-31)"),
        (["measure", "reading", "dd-mh-wait", "--date", "2022-09-30", "--value", "sixteen"], "value: 'sixteen' is not valid (expected a number, like 42.5)"),
        (["measure", "reading", "dd-mh-wait", "--date", "2022-06-30", "--value", "16"], "date: measure 'dd-mh-wait' already has a reading on 2022-06-30 (17); give --supersede to correct it"),
        (["measure", "reading", "dd-mh-wait", "--date", "2022-09-30", "--value", "16", "--supersede"], "date: measure 'dd-mh-wait' has no reading on 2022-09-30 to supersede"),
        (["measure", "reading", "dd-mh-wait", "--date", "+30d", "--value", "16"], "is in the future"),
        (["measure", "add", "x", "--partnership", "dundee", "--name", "n", "--unit", "%", "--direction", "sideways",
          "--baseline", "1@2022-01-01", "--target", "2@2023-01-01"], "direction: 'sideways' is not valid (expected one of higher, lower)"),
        (["measure", "add", "x", "--partnership", "dundee", "--name", "n", "--unit", "%", "--direction", "higher",
          "--baseline", "1@2022-01-01", "--target", "2@2021-01-01"], "target: its date 2021-01-01 is not after the baseline's (2022-01-01)"),
        (["measure", "add", "x", "--partnership", "dundee", "--name", "n", "--unit", "%", "--direction", "higher",
          "--baseline", "12", "--target", "2@2023-01-01"], "baseline: '12' is not valid (expected VALUE@DATE, like 42.5@2024-03-31)"),
        (["measure", "add", "dd-mh-wait", "--partnership", "dundee", "--name", "n", "--unit", "%", "--direction", "higher",
          "--baseline", "1@2022-01-01", "--target", "2@2023-01-01"], "measure 'dd-mh-wait' already exists"),
        (["measure", "add", "x", "--partnership", "dundee", "--name", "n", "--unit", "%", "--direction", "higher",
          "--baseline", "1@2022-01-01", "--target", "2@2023-01-01", "--finding", "dundee-2021#9"], "no finding 'dundee-2021#9'"),
        (["measure", "add", "x", "--partnership", "nowhere", "--name", "n", "--unit", "%", "--direction", "higher",
          "--baseline", "1@2022-01-01", "--target", "2@2023-01-01"], "no partnership 'nowhere'"),
        (["measure", "show", "nope"], "no measure 'nope'"),
        (["undo"], "never deleted; record a corrected one with --supersede"),
    ]

    @Test("each bad input names its field, exits non-zero and writes nothing", arguments: 0..<OutcomeCommandTests.badCases.count, Engine.allCases)
    func badInput(index: Int, engine: Engine) throws {
        let (arguments, expected) = Self.badCases[index]
        let h = try measured(engine)
        defer { h.cleanUp() }
        let before = try h.snapshot()
        let result = try h.run(arguments)
        #expect(result.status != 0)
        #expect(result.stderr.contains(expected), "stderr was: \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "more than one line: \(result.stderr)")
        #expect(try h.snapshot() == before, "database changed by planwatch \(arguments.joined(separator: " "))")
    }

    @Test("a correction supersedes the reading of its date; both stay, the history shows the change, verify holds", arguments: Engine.allCases)
    func supersede(engine: Engine) throws {
        let h = try measured(engine)
        defer { h.cleanUp() }
        try h.ok(["measure", "reading", "dd-mh-wait", "--date", "2022-06-30", "--value", "16", "--supersede", "--note", "Late returns added"])
        let shown = try JSONSerialization.jsonObject(with: Data(try h.ok(["measure", "show", "dd-mh-wait", "--format", "json"]).utf8)) as? [String: Any]
        let readings = try #require(shown?["readings"] as? [[String: Any]])
        #expect(readings.count == 2)
        #expect(readings.last?["supersedes"] as? Bool == true)
        let outcome = try #require(shown?["outcome"] as? [String: Any])
        #expect((outcome["latest"] as? [String: Any])?["value"] as? Double == 16)
        #expect(try h.ok(["history"]).contains("measure_reading dd-mh-wait@2022-06-30"))
        #expect(try h.ok(["verify"]).hasPrefix("ok"))
    }

    @Test("a readings file: loose headings, many measures, all or nothing", arguments: Engine.allCases)
    func readingsFile(engine: Engine) throws {
        let h = try measured(engine)
        defer { h.cleanUp() }
        try h.ok(["measure", "add", "dd-views", "--partnership", "dundee", "--name", "Views heard", "--unit", "%", "--direction", "higher",
                  "--baseline", "40@2022-03-31", "--target", "70@2025-03-31"])
        let csv = "Indicator;Period ending;Result;Data source;Comments\n"
            + "dd-views;30/06/2022;42%;CP minimum dataset;\n"
            + "dd-mh-wait;2022-09-30;16;CAMHS;Fewer referrals\n"
            + "dd-views;2022-09-30;45.5;CP minimum dataset;\n"
        let file = h.folder.appendingPathComponent("Q2 readings.csv")
        try Data(csv.utf8).write(to: file)
        #expect(try h.ok(["import", file.path]).contains("Imported 3 readings of 2 measures"))
        let list = try h.ok(["measure", "show", "dd-views", "--format", "csv"])
        #expect(list.contains("2022-06-30,42%,CP minimum dataset"))
        #expect(list.contains("2022-09-30,45.5%"))
    }

    @Test("one bad row among 1,000 stops the file: the row and field are named, nothing is written", arguments: Engine.allCases)
    func oneBadRow(engine: Engine) throws {
        let h = try measured(engine)
        defer { h.cleanUp() }
        var csv = "measure,date,value,source\n"
        var day = 19_100  // days since 1970: 2022-04-18
        for n in 0..<1_000 {
            let date = Date(timeIntervalSince1970: Double(day) * 86_400)
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withFullDate]
            csv += "dd-mh-wait,\(formatter.string(from: date)),\(n == 500 ? "about 12" : String(10 + n % 7)),daily feed\n"
            day += 1
        }
        let file = h.folder.appendingPathComponent("daily.csv")
        try Data(csv.utf8).write(to: file)
        let before = try h.snapshot()
        let result = try h.run(["import", file.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("row 502: value: 'about 12' is not valid (expected a number, like 42.5)"), "stderr was: \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "more than one line: \(result.stderr)")
        #expect(try h.snapshot() == before)
        // Without the bad row, the file imports (one reading, 2022-06-30, is already held: the store names that row).
        let fixed = csv.replacingOccurrences(of: "about 12", with: "12")
        try Data(fixed.utf8).write(to: file)
        let again = try h.run(["import", file.path])
        #expect(again.status != 0 && again.stderr.contains("date: measure 'dd-mh-wait' already has a reading on 2022-06-30"), "\(again.stderr)")
        #expect(try h.snapshot() == before)
    }

    @Test("the plan file carries measures and readings: exported, imported into an empty database, exported again, byte for byte", arguments: Engine.allCases)
    func roundTrip(engine: Engine) throws {
        let h = try measured(engine)
        defer { h.cleanUp() }
        try h.ok(["measure", "reading", "dd-mh-wait", "--date", "2022-06-30", "--value", "16.5", "--supersede"])
        let first = try h.ok(["export", "--format", "json"])
        #expect(first.contains("\"measures\"") && first.contains("\"supersedes\" : true"))
        let file = h.folder.appendingPathComponent("plan.json")
        try Data(first.utf8).write(to: file)
        let other = try Harness(engine: engine)
        defer { other.cleanUp() }
        try other.ok(["init"])
        _ = try other.ok(["import", file.path])
        #expect(try other.ok(["export", "--format", "json"]) == first)
        // Imported again, nothing changes.
        #expect(try other.ok(["import", file.path]).contains("nothing new"))
    }

    @Test("report outcomes ties the measure to its action: all done and no improvement stands out", arguments: Engine.allCases)
    func actionsDoneNoImpact(engine: Engine) throws {
        let h = try measured(engine)
        defer { h.cleanUp() }
        for (date, value) in [("2022-09-30", 18), ("2022-12-31", 17), ("2023-03-31", 19), ("2023-06-30", 18), ("2023-09-30", 17)] {
            try h.ok(["measure", "reading", "dd-mh-wait", "--date", date, "--value", String(value)])
        }
        try h.ok(["complete", "1", "--evidence", "Contract signed", "--date", "2023-03-01"])
        let report = try JSONSerialization.jsonObject(with: Data(try h.ok(["report", "outcomes", "--as-of", "2023-10-31", "--format", "json"]).utf8)) as? [String: Any]
        let rows = try #require(report?["measures"] as? [[String: Any]])
        #expect(rows.first?["flags"] as? [String] == ["actions-done-no-impact"])
        #expect(rows.first?["trend"] as? String == "no-clear-change")
        #expect(rows.first?["targetStatus"] as? String == "open")
        // Before the action was complete, no flag.
        let earlier = try JSONSerialization.jsonObject(with: Data(try h.ok(["report", "outcomes", "--as-of", "2023-02-28", "--format", "json"]).utf8)) as? [String: Any]
        #expect(((earlier?["measures"] as? [[String: Any]])?.first?["flags"] as? [String]) == [])
        let table = try h.ok(["report", "outcomes", "--as-of", "2023-10-31"])
        #expect(table.contains("Actions done, no impact yet (1)"))
    }

    @Test("the sparkline is digits when piped or NO_COLOR, and its direction is shown", arguments: Engine.allCases)
    func sparkline(engine: Engine) throws {
        let h = try measured(engine)
        defer { h.cleanUp() }
        try h.ok(["measure", "reading", "dd-mh-wait", "--date", "2022-09-30", "--value", "12"])
        let out = try h.ok(["report", "outcomes", "--as-of", "2022-10-31"])
        #expect(out.contains("81 down is better"))
        #expect(!out.contains("█"))
    }
}
