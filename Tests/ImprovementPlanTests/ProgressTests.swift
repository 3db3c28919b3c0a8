import Testing
@testable import ImprovementPlan

/// The status machine of a progress update, and the percentage every way in reads.
@Suite("progress on an action")
struct ProgressTests {
    static let day = CalendarDate(year: 2025, month: 3, day: 1)!

    static func action(_ status: ActionStatus = .inProgress, percent: Int = 40, start: CalendarDate? = nil) -> Action {
        Action(id: 7, inspection: "fife-2024", ref: "1.1", title: "t", owner: "o", agency: "a", start: start,
               originalDue: day.adding(days: 30), status: status, percent: percent, completed: status == .complete ? day : nil,
               evidence: status == .complete ? "done" : nil, created: day.adding(days: -60))
    }

    static func update(_ status: ActionStatus? = nil, percent: Int? = nil, evidence: String? = nil, on date: CalendarDate = day) -> ProgressUpdate {
        ProgressUpdate(action: "fife-2024/1.1", date: date, author: "me", note: "n", status: status, percent: percent, evidence: evidence)
    }

    @Test("a percent moves it; completing sets the date and the evidence; 100% is not complete until the status says so")
    func moves() throws {
        let started = try Self.action(.notStarted, percent: 0).applying(Self.update(percent: 10))
        #expect(started.status == .inProgress && started.percent == 10)
        let done = try Self.action().applying(Self.update(.complete, evidence: "Audit report", on: Self.day.adding(days: 5)))
        #expect(done.status == .complete && done.percent == 100 && done.completed == Self.day.adding(days: 5) && done.evidence == "Audit report")
        let full = try Self.action().applying(Self.update(percent: 100))
        #expect(full.percent == 100 && full.completed == nil)
        let note = try Self.action().applying(Self.update())
        #expect(note == Self.action())
    }

    @Test("withdrawn never moves; complete reopens only with a status")
    func refusals() throws {
        #expect(throws: PlanError.refused("action 7 (fife-2024/1.1) is withdrawn; its status and percent cannot change")) {
            try Self.action(.withdrawn).applying(Self.update(percent: 50))
        }
        // A note alone on a withdrawn action is fine.
        #expect(try Self.action(.withdrawn).applying(Self.update()).status == .withdrawn)
        #expect(throws: PlanError.refused("action 7 (fife-2024/1.1) is complete; to reopen it give --status in-progress")) {
            try Self.action(.complete, percent: 100).applying(Self.update(percent: 99))
        }
        let reopened = try Self.action(.complete, percent: 100).applying(Self.update(.inProgress, percent: 90))
        #expect(reopened.status == .inProgress && reopened.percent == 90 && reopened.completed == nil)
    }

    @Test("percent boundaries: 0 and 100 accepted, -1 and 101 refused", arguments: [(-1, false), (0, true), (100, true), (101, false)])
    func percentBounds(value: Int, accepted: Bool) throws {
        let result = Result { try Self.action().applying(Self.update(percent: value)) }
        #expect(((try? result.get()) != nil) == accepted)
        if !accepted {
            #expect(throws: PlanError.invalidValue(field: "percent", value: String(value), expected: "a whole number from 0 to 100")) {
                try result.get()
            }
        }
    }

    @Test("progress is dated on or after the start: the day before is refused, the start itself accepted")
    func notBeforeStart() throws {
        let action = Self.action(start: Self.day)
        #expect(throws: PlanError.refused("date: 2025-02-28 is before action 7 (fife-2024/1.1) starts (2025-03-01)")) {
            try action.checkProgressDate(Self.day.adding(days: -1))
        }
        try action.checkProgressDate(Self.day)
        try Self.action().checkProgressDate(Self.day.adding(days: -1000))
    }

    @Test("a percentage as typed or in a cell", arguments: [("40", 40), ("40%", 40), (" 40 % ", 40), ("0", 0), ("100%", 100)])
    func percentText(text: String, value: Int) throws {
        #expect(try Validation.percent(text: text) == value)
    }

    @Test("not a percentage", arguments: ["", "%", "forty", "40.5", "101", "-1", "4 0"])
    func notPercentText(text: String) {
        #expect(throws: PlanError.invalidValue(field: "percent", value: text, expected: "a whole number from 0 to 100")) {
            try Validation.percent(text: text)
        }
    }
}
