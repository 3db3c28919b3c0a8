import Foundation
import Testing
@testable import ImprovementPlan

private func d(_ text: String) -> CalendarDate {
    guard let date = CalendarDate(iso: text) else { Issue.record("bad test date \(text)"); return CalendarDate(dayNumber: 0) }
    return date
}

private func facts(_ status: ActionStatus = .inProgress, percent: Int = 0, start: String? = nil, original: String? = "2025-03-31",
                   due: String? = nil, completed: String? = nil, last: String = "2025-03-01") -> ActionFacts {
    ActionFacts(status: status, percent: percent, start: start.map(d), originalDue: original.map(d),
                due: (due ?? original).map(d), completed: completed.map(d), lastActivity: d(last))
}

@Suite("Rules of PRODUCT.md section 3")
struct RulesTests {
    @Test("overdue: due today is not overdue, due yesterday is one day overdue", arguments: [
        ("2025-03-31", nil as Int?), ("2025-04-01", 1), ("2025-03-30", nil), ("2025-05-01", 31),
    ])
    func overdueBoundaries(asOf: String, expected: Int?) {
        #expect(Rules.daysOverdue(facts(), asOf: d(asOf)) == expected)
    }

    @Test("only open actions can be overdue", arguments: [ActionStatus.complete, .withdrawn])
    func closedNeverOverdue(status: ActionStatus) {
        let c = Rules.classify(facts(status, completed: status == .complete ? "2025-04-10" : nil), asOf: d("2026-01-01"))
        #expect(c.daysOverdue == nil)
        #expect(c.rag == (status == .complete ? .complete : .withdrawn))
    }

    @Test("not started counts as open and can be overdue")
    func notStartedOverdue() {
        #expect(Rules.classify(facts(.notStarted), asOf: d("2025-04-01")).rag == .red)
    }

    @Test("ageing buckets", arguments: [(1, AgeingBucket.upTo30), (30, .upTo30), (31, .upTo90), (90, .upTo90),
                                        (91, .upTo180), (180, .upTo180), (181, .over180)])
    func buckets(days: Int, bucket: AgeingBucket) {
        #expect(AgeingBucket(daysOverdue: days) == bucket)
    }

    @Test("due soon: from today to today + N days, both ends included", arguments: [
        ("2025-03-31", true), ("2025-03-03", true), ("2025-03-02", false), ("2025-04-01", false),
    ])
    func dueSoon(asOf: String, expected: Bool) {
        #expect(Rules.isDueSoon(facts(), asOf: d(asOf), within: 28) == expected)
    }

    @Test("slipped: extended, or completed after the deadline")
    func slipped() {
        #expect(!Rules.isSlipped(facts()))
        #expect(Rules.isSlipped(facts(due: "2025-06-30")))
        #expect(Rules.isSlipped(facts(.complete, completed: "2025-04-01")))
        #expect(!Rules.isSlipped(facts(.complete, completed: "2025-03-31")))
        let late = Rules.classify(facts(.complete, completed: "2025-04-01"), asOf: d("2025-05-01"))
        #expect(late.flags.contains(.slipped) && late.flags.contains(.completedLate) && late.rag == .complete)
    }

    @Test("stale: more than N days since the last update", arguments: [("2025-05-30", false), ("2025-05-31", true)])
    func stale(asOf: String, expected: Bool) {
        // last activity 2025-03-01; 90 days later is 2025-05-30.
        #expect(Rules.isStale(facts(original: "2026-01-01"), asOf: d(asOf), days: 90) == expected)
    }

    @Test("behind schedule: more than 20 points below the elapsed share")
    func behind() {
        // 100-day span from 2025-01-01 to 2025-04-11; on day 50, 50% elapsed.
        let base = (start: "2025-01-01", due: "2025-04-11", asOf: "2025-02-20")
        #expect(!Rules.isBehindSchedule(facts(percent: 30, start: base.start, original: base.due), asOf: d(base.asOf), margin: 20))
        #expect(Rules.isBehindSchedule(facts(percent: 29, start: base.start, original: base.due), asOf: d(base.asOf), margin: 20))
        #expect(!Rules.isBehindSchedule(facts(percent: 0, original: base.due), asOf: d(base.asOf), margin: 20), "no start date")
        #expect(!Rules.isBehindSchedule(facts(.complete, percent: 0, start: base.start, original: base.due, completed: "2025-02-01"),
                                        asOf: d(base.asOf), margin: 20))
    }

    @Test("no deadline: never overdue, flagged, still open")
    func noDeadline() {
        let c = Rules.classify(facts(original: nil, last: "2026-01-01"), asOf: d("2026-02-01"))
        #expect(c.daysOverdue == nil && c.flags == [.noDeadline] && c.rag == .green)
    }

    @Test("RAG: red beats amber; amber for due soon, slipped, stale, behind; green otherwise")
    func rag() {
        #expect(Rules.classify(facts(due: "2025-06-30"), asOf: d("2025-07-01")).rag == .red)
        #expect(Rules.classify(facts(), asOf: d("2025-03-15")).rag == .amber)
        #expect(Rules.classify(facts(original: "2025-12-31", due: "2026-01-31"), asOf: d("2025-03-15")).rag == .amber)
        #expect(Rules.classify(facts(original: "2025-12-31"), asOf: d("2025-03-15")).rag == .green)
    }

    @Test("a plan is late when not submitted by its due date", arguments: [
        (nil as String?, "2025-03-15", false), (nil, "2025-03-16", true), ("2025-03-15", "2025-06-01", false), ("2025-03-16", "2025-06-01", true),
    ])
    func latePlan(submitted: String?, asOf: String, expected: Bool) {
        #expect(Rules.isPlanLate(due: d("2025-03-15"), submitted: submitted.map(d), asOf: d(asOf)) == expected)
    }

    @Test("follow-up overdue when the next review date passed without a review")
    func followUp() {
        #expect(!Rules.isFollowUpOverdue(nextReview: d("2025-06-01"), lastReview: d("2025-01-01"), asOf: d("2025-06-01")))
        #expect(Rules.isFollowUpOverdue(nextReview: d("2025-06-01"), lastReview: d("2025-01-01"), asOf: d("2025-06-02")))
        #expect(!Rules.isFollowUpOverdue(nextReview: d("2025-06-01"), lastReview: d("2025-06-01"), asOf: d("2025-07-01")))
    }

    @Test("a set of flags holds each flag alone, lists any mix in the rules' order, and is an array of names in JSON")
    func flagSet() throws {
        for flag in ActionFlag.allCases {
            let one: ActionFlags = [flag]
            #expect(Array(one) == [flag] && one.count == 1 && one.contains(flag))
            #expect(ActionFlag.allCases.filter { one.contains($0) } == [flag])
            var all = ActionFlags(ActionFlag.allCases)
            all.remove(flag)
            #expect(Array(all) == ActionFlag.allCases.filter { $0 != flag } && !all.contains(flag))
        }
        // Every subset of the seven, inserted in reverse, comes back in the order of the cases.
        for mask in 0..<(1 << ActionFlag.allCases.count) {
            let chosen = ActionFlag.allCases.indices.filter { mask & (1 << $0) != 0 }.map { ActionFlag.allCases[$0] }
            let set = ActionFlags(chosen.reversed())
            #expect(Array(set) == chosen && set.count == chosen.count && set.isEmpty == chosen.isEmpty)
        }
        let encoder = JSONEncoder()
        let json = String(decoding: try encoder.encode(ActionFlags([.stale, .overdue])), as: UTF8.self)
        #expect(json == #"["overdue","stale"]"#)
        #expect(try JSONDecoder().decode(ActionFlags.self, from: Data(json.utf8)) == [.overdue, .stale])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ActionFlags.self, from: Data(#"["late"]"#.utf8)) }
    }

    @Test("amber comes from due-soon, slipped, stale or behind-schedule, and from no other flag", arguments: ActionFlag.allCases)
    func amberFlags(flag: ActionFlag) {
        let amber: Set<ActionFlag> = [.dueSoon, .slipped, .stale, .behindSchedule]
        #expect(ActionFlag.makeAmber.contains(flag) == amber.contains(flag))
    }

    @Test("overdue totals count each row in its bucket, overall and per partnership, and are bucket names to counts in JSON")
    func overdueTotals() throws {
        #expect(AgeingBucket.allCases.map(\.index) == Array(AgeingBucket.allCases.indices))
        let asOf = d("2025-12-31")
        func row(_ partnership: String, daysOverdue: Int) -> ActionRow {
            let due = asOf.adding(days: -daysOverdue)
            return ActionRow(id: 1, ref: "1", partnership: partnership, inspection: "i", title: "t", owner: "o", agency: "a",
                             selfAssessment: nil, facts: ActionFacts(status: .inProgress, percent: 0, start: nil, originalDue: due, due: due,
                                                                     completed: nil, lastActivity: due),
                             lastUpdate: nil, asOf: asOf, thresholds: .standard)
        }
        var totals = OverdueTotals()
        let empty = ["1-30": 0, "31-90": 0, "91-180": 0, "over 180": 0]
        #expect(totals.total == 0 && totals.totals == empty && totals.partnerships.isEmpty)
        for (partnership, days) in [("a", 1), ("a", 30), ("a", 31), ("b", 181), ("b", 91), ("c", 90)] {
            totals.add(row(partnership, daysOverdue: days))
        }
        totals.add(row("c", daysOverdue: 0))  // due today: not overdue, not counted
        #expect(totals.total == 6 && totals.totals == ["1-30": 2, "31-90": 2, "91-180": 1, "over 180": 1])
        #expect(totals.partnerships.map(\.partnership) == ["a", "b", "c"] && totals.partnerships.map(\.total) == [3, 2, 1])
        #expect(totals.partnerships.map(\.totals) == [["1-30": 2, "31-90": 1, "91-180": 0, "over 180": 0],
                                                       ["1-30": 0, "31-90": 0, "91-180": 1, "over 180": 1],
                                                       ["1-30": 0, "31-90": 1, "91-180": 0, "over 180": 0]])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(totals), as: UTF8.self)
        #expect(json.hasPrefix(#"{"byAgeing":{"1-30":2,"31-90":2,"91-180":1,"over 180":1},"byPartnership":[{"byAgeing":{"1-30":2,"31-90":1,"91-180":0,"over 180":0},"count":3,"partnership":"a"}"#))
        #expect(try JSONDecoder().decode(OverdueTotals.self, from: Data(json.utf8)) == totals)
    }
}
