import ImprovementPlan
import PlanFormats
@testable import PlanHTML
import Foundation
import Testing

@Suite("HTML pages and chart geometry")
struct PageTests {
    static func progress(red: Int, amber: Int, green: Int, complete: Int, withdrawn: Int) -> PartnershipProgress {
        var p = PartnershipProgress(partnership: "p", name: "P", inspection: nil, plan: nil, lastReview: nil, nextReview: nil,
                                    asOf: CalendarDate(year: 2025, month: 1, day: 31)!)
        p.red = red; p.amber = amber; p.green = green; p.complete = complete; p.withdrawn = withdrawn
        return p
    }

    @Test("RAG segments are in proportion to the counts, in the order red, amber, green, complete, withdrawn, and fill the bar")
    func segments() {
        let s = Charts.ragSegments(PageTests.progress(red: 1, amber: 2, green: 0, complete: 1, withdrawn: 0))
        #expect(s.map { $0["rag"] as? String } == ["red", "amber", "green", "complete", "withdrawn"])
        #expect(s.map { $0["width"] as? String } == ["60", "120", "0", "60", "0"])
        #expect(s.map { $0["x"] as? String } == ["0", "60", "180", "180", "240"])
        let none = Charts.ragSegments(PageTests.progress(red: 0, amber: 0, green: 0, complete: 0, withdrawn: 0))
        #expect(none.allSatisfy { $0["width"] as? String == "0" })
        let thirds = Charts.ragSegments(PageTests.progress(red: 1, amber: 1, green: 1, complete: 0, withdrawn: 0))
        #expect(thirds.compactMap { Double($0["width"] as? String ?? "") }.reduce(0, +) == 240)
    }

    @Test("coordinates are written with one decimal; axis tops are 1, 2 or 5 times a power of ten")
    func numbers() {
        #expect(Charts.n(12.34) == "12.3")
        #expect(Charts.n(-0.25) == "-0.3" || Charts.n(-0.25) == "-0.2")
        #expect(Charts.n(.nan) == "0")
        #expect([0, 1, 3, 10, 11, 49, 50, 51].map(Charts.niceCeiling) == [1, 1, 5, 10, 20, 50, 50, 100])
    }

    @Test("section anchors keep letters, digits and hyphens, and never clash")
    func anchors() {
        #expect(HTMLPage.anchor("west-dunbartonshire", index: 4) == "p5-west-dunbartonshire")
        #expect(HTMLPage.anchor("\"><script>", index: 0) == "p1-script")
        #expect(HTMLPage.anchor("a b", index: 0) != HTMLPage.anchor("a b", index: 1))
    }

    @Test("a report page escapes every cell and heading and marks RAG words")
    func report() throws {
        var table = Table(columns: [.init("title"), .init("rag", isRAG: true)])
        table.append(["<b>x</b> & \"y\"", "red"])
        let page = try HTMLPage.report(title: "T <i>", blocks: [.heading("H & H"), .table(table, empty: "none"), .text("line \u{1B}[31m")])
        #expect(page.contains("<title>T &lt;i&gt;</title>"))
        #expect(page.contains("<td>&lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot;</td>"))
        #expect(page.contains("<span class=\"rag rag-red\">red</span>"))
        #expect(page.contains("<h2>H &amp; H</h2>"))
        #expect(!page.contains("\u{1B}"))
        let empty = try HTMLPage.report(title: "T", blocks: [.table(Table(columns: [.init("a")]), empty: "Nothing <here>.")])
        #expect(empty.contains("<p class=\"empty\">Nothing &lt;here&gt;.</p>"))
        #expect(!empty.contains("<table>"))
    }

    @Test("the burn-up is drawn from its points: the last point's numbers are the ones written")
    func burnUp() throws {
        let jan = CalendarDate(year: 2024, month: 1, day: 1)!, feb = CalendarDate(year: 2024, month: 2, day: 1)!
        let chart = try #require(Charts.burnUp([BurnUpPoint(month: jan, through: jan.lastOfMonth, due: 1, completed: 0),
                                                BurnUpPoint(month: feb, through: feb.adding(days: 9), due: 3, completed: 2)], total: 4))
        #expect(chart["lastDue"] as? Int == 3 && chart["lastCompleted"] as? Int == 2)
        #expect(chart["due"] as? String == "40,156 580,88")
        #expect(Charts.burnUp([], total: 3) == nil)
    }
}

/// WCAG 2.1 contrast: text colours at least 4.5:1 on white, the fills of the RAG patterns at least 3:1 (non-text).
@Suite("contrast")
struct ContrastTests {
    static func luminance(_ hex: Substring) -> Double? {
        guard hex.count == 6, let value = Int(hex, radix: 16) else { return nil }
        let channels = [(value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF].map { c -> Double in
            let s = Double(c) / 255
            return s <= 0.03928 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
    }

    static func contrast(_ hex: Substring) -> Double {
        guard let l = luminance(hex) else { return 0 }
        return 1.05 / (l + 0.05)
    }

    /// `#rrggbb` values after `prefix` in `text`.
    static func colours(in text: String, after prefix: String) -> [Substring] {
        text.components(separatedBy: prefix).dropFirst().map { Substring($0.prefix(6)) }
    }

    @Test("the checker itself: black is 21:1, white 1:1, #777777 just under 4.5:1")
    func checker() {
        #expect(abs(ContrastTests.contrast("000000") - 21) < 0.01)
        #expect(abs(ContrastTests.contrast("ffffff") - 1) < 0.01)
        #expect(ContrastTests.contrast("777777") < 4.5 && ContrastTests.contrast("767676") >= 4.5)
    }

    /// The style sheet's `:root` variables as name → hex.
    static func variables() -> [String: Substring] {
        let root = HTMLPage.css.components(separatedBy: ":root {").dropFirst().first?.components(separatedBy: "}").first ?? ""
        var result: [String: Substring] = [:]
        for declaration in root.split(separator: ";") {
            let parts = declaration.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            guard parts.count == 2, parts[0].hasPrefix("--"), parts[1].hasPrefix("#") else { continue }
            result[parts[0]] = Substring(parts[1].dropFirst())
        }
        return result
    }

    @Test("every colour variable of the style sheet but the table rule reaches 4.5:1 on white; the rule only draws borders")
    func text() {
        let variables = ContrastTests.variables()
        #expect(Set(variables.keys) == ["--ink", "--muted", "--rule", "--red", "--amber", "--green", "--complete", "--withdrawn"])
        for (name, value) in variables where name != "--rule" {
            #expect(ContrastTests.contrast(value) >= 4.5, "\(name) #\(value) is \(ContrastTests.contrast(value)):1")
        }
        // A line between rows is decoration, not text (WCAG 1.4.11 exempts it); it must never colour words.
        let uses = HTMLPage.css.components(separatedBy: "var(--rule)").dropLast().map { $0.suffix(40) }
        #expect(!uses.isEmpty)
        for use in uses { #expect(use.contains("border"), "var(--rule) used outside a border: \(use)") }
    }

    @Test("the RAG patterns' base fills reach 3:1 on white")
    func fills() {
        let page = HTMLPage.text(PackageResources.page_mustache)
        let bases = page.components(separatedBy: "<pattern id=\"pat-").dropFirst()
            .compactMap { $0.components(separatedBy: "fill=\"#").dropFirst().first.map { Substring($0.prefix(6)) } }
        #expect(bases.count == 5)
        // Withdrawn is light grey by design: its word and its lines carry it, and it sits inside the bar's dark outline.
        for (index, base) in bases.enumerated() where index < 4 {
            #expect(ContrastTests.contrast(base) >= 3, "#\(base) is \(ContrastTests.contrast(base)):1")
        }
    }
}
