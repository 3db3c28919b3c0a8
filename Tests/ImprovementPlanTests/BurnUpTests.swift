import Testing
@testable import ImprovementPlan

/// The dashboard's burn-up: due and complete by the end of each month, counted from the report's rows.
@Suite("burn-up")
struct BurnUpTests {
    static func d(_ text: String) -> CalendarDate {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        return CalendarDate(year: parts[0], month: parts[1], day: parts[2])!
    }

    static func row(due: String?, status: ActionStatus = .inProgress, completed: String? = nil, asOf: String = "2024-12-31") -> ActionRow {
        let action = Action(id: 1, inspection: "i", ref: "1", title: "t", owner: "o", agency: "a", originalDue: due.map(d),
                            status: status, completed: completed.map(d), evidence: status == .complete ? "e" : nil, created: d("2023-01-01"))
        return ActionRow(action: action, id: 1, partnership: "p", lastUpdate: nil, asOf: d(asOf), thresholds: .standard)
    }

    static func points(_ rows: [(ActionRow, String?)], from: String, asOf: String) -> [BurnUpPoint] {
        var tally = BurnUpTally()
        for (row, completed) in rows { tally.add(row, completed: completed.map(d)) }
        return tally.points(from: d(from), asOf: d(asOf))
    }

    @Test("an action due on a month's last day counts in that month; due on the first of the next, in the next")
    func monthEdges() {
        let p = BurnUpTests.points([(BurnUpTests.row(due: "2024-01-31"), nil), (BurnUpTests.row(due: "2024-02-01"), nil)],
                                   from: "2024-01-10", asOf: "2024-03-15")
        #expect(p.map(\.due) == [1, 2, 2])
        #expect(p.map(\.month) == [BurnUpTests.d("2024-01-01"), BurnUpTests.d("2024-02-01"), BurnUpTests.d("2024-03-01")])
        #expect(p.map(\.through) == [BurnUpTests.d("2024-01-31"), BurnUpTests.d("2024-02-29"), BurnUpTests.d("2024-03-15")])
    }

    @Test("the last month stops at the as-of day: due the day after is not yet due")
    func asOfDay() {
        let p = BurnUpTests.points([(BurnUpTests.row(due: "2024-03-15"), nil), (BurnUpTests.row(due: "2024-03-16"), nil)],
                                   from: "2024-03-01", asOf: "2024-03-15")
        #expect(p.count == 1)
        #expect(p.last?.due == 1)
    }

    @Test("completed counts only complete rows, by their completion day; withdrawn rows count in neither line")
    func completions() {
        let rows: [(ActionRow, String?)] = [
            (BurnUpTests.row(due: "2024-02-28", status: .complete, completed: "2024-02-10"), "2024-02-10"),
            (BurnUpTests.row(due: "2024-02-28", status: .inProgress), "2024-02-11"),
            (BurnUpTests.row(due: "2024-01-15", status: .withdrawn), nil),
            (BurnUpTests.row(due: nil, status: .complete, completed: "2023-11-30"), "2023-11-30"),
        ]
        let p = BurnUpTests.points(rows, from: "2024-01-01", asOf: "2024-02-29")
        #expect(p.map(\.completed) == [1, 2])
        #expect(p.map(\.due) == [0, 2])
    }

    @Test("a start after the as-of day draws nothing; the same day draws one point")
    func empty() {
        #expect(BurnUpTests.points([], from: "2024-04-01", asOf: "2024-03-31").isEmpty)
        #expect(BurnUpTests.points([], from: "2024-03-31", asOf: "2024-03-31").count == 1)
    }

    @Test("a month is its first and last day, leap years included")
    func monthDays() {
        #expect(BurnUpTests.d("2024-02-17").lastOfMonth == BurnUpTests.d("2024-02-29"))
        #expect(BurnUpTests.d("2023-02-17").lastOfMonth == BurnUpTests.d("2023-02-28"))
        #expect(BurnUpTests.d("2023-12-31").firstOfMonth == BurnUpTests.d("2023-12-01"))
    }
}
