import ImprovementPlan
import PlanFormats
@testable import PlanHTML
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
