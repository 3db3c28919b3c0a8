import Foundation
import Testing

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
private let checker = root.appendingPathComponent("Tests/scripts/check_html.py").path
private let asOf = "2025-01-31"

/// The page with runs of whitespace made one space, so a template's
/// indentation can change without a new golden file.
private func normalised(_ html: String) -> String {
    html.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).joined(separator: " ")
}

@Suite("the dashboard and the HTML reports", .serialized)
struct DashboardTests {
    @Test("the seed dashboard at a fixed date matches its golden file (whitespace normalised)")
    func golden() throws {
        let h = try Harness.seeded()
        defer { h.cleanUp() }
        let page = try h.ok(["dashboard", "--as-of", asOf])
        let file = root.appendingPathComponent("Tests/EndToEndTests/Golden/dashboard.html")
        if ProcessInfo.processInfo.environment["PLANWATCH_UPDATE_GOLDEN"] == "1" {
            try Data(page.utf8).write(to: file)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(normalised(page) == normalised(expected), "the dashboard differs from Golden/dashboard.html")
    }

    @Test("headless Chromium shows every partnership with RAG bars of the JSON report's counts, and the page fetches nothing")
    func browser() throws {
        let h = try Harness.seeded()
        defer { h.cleanUp() }
        let page = h.folder.appendingPathComponent("dashboard.html").path
        try h.ok(["dashboard", "--as-of", asOf, "--out", page])
        let progress = h.folder.appendingPathComponent("progress.json")
        try Data(try h.ok(["report", "progress", "--as-of", asOf, "--format", "json"]).utf8).write(to: progress)
        let screenshot = h.folder.appendingPathComponent("dashboard.png").path
        try OutsideTool.run("python3", [checker, "browser", page, progress.path, screenshot])
        #expect((try? FileManager.default.attributesOfItem(atPath: screenshot)[.size] as? Int) ?? 0 > 10_000)
        try OutsideTool.run("python3", [checker, "parse", page])
    }

    @Test("--pdf prints A4 pages through Chromium, a section per partnership, and pdftoppm makes them PNG pages")
    func pdf() throws {
        let h = try Harness.seeded()
        defer { h.cleanUp() }
        let pdf = h.folder.appendingPathComponent("dashboard.pdf").path
        let out = try h.ok(["dashboard", "--as-of", asOf, "--pdf", pdf])
        #expect(out == "Wrote \(pdf)\n")
        let progress = h.folder.appendingPathComponent("progress.json")
        try Data(try h.ok(["report", "progress", "--as-of", asOf, "--format", "json"]).utf8).write(to: progress)
        try OutsideTool.run("python3", [checker, "pdf", pdf, progress.path, h.folder.appendingPathComponent("pages").path])
    }

    @Test("without Chromium --pdf fails in one line naming the Debian package, and writes nothing")
    func noChromium() throws {
        let h = try Harness.seeded()
        defer { h.cleanUp() }
        let pdf = h.folder.appendingPathComponent("dashboard.pdf").path
        let before = try h.snapshot()
        let result = try h.run(["dashboard", "--pdf", pdf, "--out", h.folder.appendingPathComponent("d.html").path],
                               env: ["PLANWATCH_CHROMIUM": "/nonexistent/chromium"])
        #expect(result.status != 0)
        #expect(result.stderr == "planwatch: pdf: no Chromium found to print with; install the Debian package chromium (apt-get install chromium) or set PLANWATCH_CHROMIUM\n")
        #expect(!FileManager.default.fileExists(atPath: pdf))
        #expect(!FileManager.default.fileExists(atPath: h.folder.appendingPathComponent("d.html").path))
        #expect(try h.snapshot() == before)
    }

    @Test("bad options fail in one line, write no page and leave the database unchanged")
    func badInput() throws {
        let h = try Harness.seeded()
        defer { h.cleanUp() }
        let out = h.folder.appendingPathComponent("d.html").path
        let cases: [([String], String)] = [
            (["--partnership", "dundy"], "planwatch: no partnership 'dundy' (did you mean 'dundee'?)"),
            (["--as-of", "2025-02-30"], "planwatch: as-of: '2025-02-30' is not a real date"),
            (["--list-limit", "0"], "planwatch: list-limit: 0 is not valid (expected 1 to 10000)"),
            (["--out", "/nonexistent-folder/d.html"], "planwatch: out: cannot write '/nonexistent-folder/d.html'"),
        ]
        for (arguments, message) in cases {
            let before = try h.snapshot()
            let result = try h.run(["dashboard"] + arguments + (arguments.contains("--out") ? [] : ["--out", out]))
            #expect(result.status != 0, "dashboard \(arguments)")
            #expect(result.stderr.hasPrefix(message), "dashboard \(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "dashboard \(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: out))
            #expect(try h.snapshot() == before)
        }
    }

    @Test("--partnership picks and orders the sections; follow --format html is that partnership's section")
    func selection() throws {
        let h = try Harness.seeded()
        defer { h.cleanUp() }
        let page = try h.ok(["dashboard", "--as-of", asOf, "--partnership", "west-dunbartonshire,dundee"])
        let sections = page.components(separatedBy: "<section class=\"partnership\"").dropFirst()
            .compactMap { $0.components(separatedBy: "data-partnership=\"").dropFirst().first?.components(separatedBy: "\"").first }
        #expect(sections == ["west-dunbartonshire", "dundee"])
        let follow = try h.ok(["follow", "dundee", "--as-of", asOf, "--format", "html"])
        #expect(follow.contains("<title>Dundee City: follow-up as of \(asOf)</title>"))
        #expect(follow.components(separatedBy: "<section class=\"partnership\"").count == 2)
        #expect(!follow.contains("overview-row"))
        let file = h.folder.appendingPathComponent("follow.html")
        try Data(follow.utf8).write(to: file)
        try OutsideTool.run("python3", [checker, "parse", file.path])
    }

    @Test("hostile text (markup, quotes, ANSI escapes, 100 kB titles) shows as text and the page still parses as HTML5")
    func hostile() throws {
        let h = try Harness()
        defer { h.cleanUp() }
        let script = "<script>alert('x')</script>"
        let long = String(repeating: "Very long title & more ", count: 4_400)
        try h.ok(["init"])
        try h.ok(["partnership", "add", "evil", "--name", "\"Evil\" \(script) </svg></table>"])
        try h.ok(["inspection", "add", "evil-2024", "--partnership", "evil", "--title", "</svg><img src=x onerror=alert(1)>",
                  "--published", "2024-01-15"])
        try h.ok(["finding", "add", "evil-2024", "--kind", "improvement", "--text", "Finding \u{1B}[31mred\u{1B}[0m"])
        try h.ok(["action", "add", "--finding", "1", "--ref", "1", "--title", script, "--owner", "O'Brien \"the\" <b>owner</b>",
                  "--agency", "Agency \u{1B}]0;title\u{07}", "--due", "2024-03-31", "--date", "2024-01-20"])
        try h.ok(["action", "add", "--finding", "1", "--ref", "2", "--title", long, "--owner", "Owner", "--agency", "Agency",
                  "--due", "2024-06-30", "--date", "2024-01-20"])
        try h.ok(["review", "add", "evil", "--date", "2024-05-01", "--kind", "meeting", "--summary", "]]></title><script>x</script>"])
        let pages = [
            ("dashboard", try h.ok(["dashboard", "--as-of", "2024-07-31"])),
            ("overdue", try h.ok(["report", "overdue", "--as-of", "2024-07-31", "--format", "html"])),
            ("follow", try h.ok(["follow", "evil", "--as-of", "2024-07-31", "--format", "html"])),
        ]
        for (name, page) in pages {
            #expect(!page.contains("<script"), "\(name): a script element")
            #expect(!page.contains("<img"), "\(name): an img element")
            #expect(!page.contains("<b>owner"), "\(name): markup from the data")
            #expect(!page.contains("\u{1B}") && !page.contains("\u{07}"), "\(name): a control character")
            #expect(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), "\(name): the title is not shown as text")
            #expect(page.contains("Very long title &amp; more"), "\(name): the long title is missing")
            let file = h.folder.appendingPathComponent("\(name).html")
            try Data(page.utf8).write(to: file)
            try OutsideTool.run("python3", [checker, "parse", file.path])
        }
        #expect(pages[0].1.contains("&quot;Evil&quot; &lt;script&gt;"))
    }

    @Test("every report's --format html is one page whose tables hold the rows of its CSV")
    func reportPages() throws {
        let h = try Harness.seeded()
        defer { h.cleanUp() }
        let reports: [[String]] = [["report", "overdue"], ["report", "progress"], ["report", "due-soon", "--within", "90"],
                                   ["report", "stale"], ["report", "owners"], ["report", "linking"], ["report", "outcomes"],
                                   ["report", "changes", "--since", "2024-01-01"], ["action", "list"]]
        for report in reports {
            let page = try h.ok(report + ["--as-of", asOf, "--format", "html"])
            #expect(page.hasPrefix("<!DOCTYPE html>"), "\(report)")
            #expect(page.components(separatedBy: "<!DOCTYPE html>").count == 2, "\(report): more than one page")
            let file = h.folder.appendingPathComponent("report.html")
            try Data(page.utf8).write(to: file)
            try OutsideTool.run("python3", [checker, "parse", file.path])
            if report == ["report", "progress"] || report == ["action", "list"] {
                let csvRows = try h.ok(report + ["--as-of", asOf, "--format", "csv"]).split(whereSeparator: \.isNewline).count - 1
                #expect(page.components(separatedBy: "<tr>").count - 2 == csvRows, "\(report): rows differ from the CSV")
            }
        }
    }
}
