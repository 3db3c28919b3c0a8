import Testing
@testable import ImprovementPlan

@Suite("validation: the one set of checks every record passes")
struct ValidationTests {
    let today = CalendarDate(year: 2024, month: 6, day: 1)!

    func action(status: ActionStatus = .notStarted, percent: Int = 0, start: CalendarDate? = nil, due: CalendarDate? = nil,
                completed: CalendarDate? = nil, title: String = "Title", ref: String = "1.1") -> Action {
        Action(inspection: "d-1", ref: ref, title: title, owner: "Owner", agency: "Agency", start: start, originalDue: due,
               status: status, percent: percent, completed: completed, created: today)
    }

    @Test("the supported date range: its ends accepted, the days beyond refused")
    func dateRange() throws {
        #expect(throws: Never.self) { try DateInput.parse("1990-01-01", today: today) }
        #expect(throws: Never.self) { try DateInput.parse("2199-12-31", today: today) }
        #expect(throws: DateInput.Problem.outOfRange("1989-12-31")) { try DateInput.parse("1989-12-31", today: today) }
        #expect(throws: DateInput.Problem.outOfRange("2200-01-01")) { try DateInput.parse("2200-01-01", today: today) }
        #expect(throws: DateInput.Problem.outOfRange("31/12/9999")) { try DateInput.parse("31/12/9999", today: today) }
        #expect(throws: DateInput.Problem.outOfRange("+99999y")) { try DateInput.parse("+99999y", today: today) }
        #expect(throws: DateInput.Problem.outOfRange("-99999d")) { try DateInput.parse("-99999d", today: today) }
        #expect(try DateInput.parse("-2w", today: today) == CalendarDate(year: 2024, month: 5, day: 18))
    }

    @Test("day counts: 0 and 36,500 accepted, -1 and 36,501 refused")
    func dayCounts() {
        #expect(throws: Never.self) { try Thresholds.check(days: 0, field: "days") }
        #expect(throws: Never.self) { try Thresholds.check(days: 36_500, field: "days") }
        #expect(throws: PlanError.self) { try Thresholds.check(days: -1, field: "days") }
        #expect(throws: PlanError.self) { try Thresholds.check(days: 36_501, field: "days") }
        #expect(throws: PlanError.self) { try Thresholds.check(days: Int.max, field: "days") }
    }

    @Test("blank means no visible character: white space and format characters alone are blank")
    func blank() {
        #expect(!Validation.hasVisibleText(""))
        #expect(!Validation.hasVisibleText(" \t\u{00A0}\u{200B}\u{FEFF}\u{2060}"))
        #expect(Validation.hasVisibleText(" a "))
        #expect(Validation.hasVisibleText("東"))
    }

    @Test("one-line fields refuse line breaks and tabs; multi-line fields keep them; NUL is refused everywhere")
    func characters() {
        for text in ["a\nb", "a\r\nb", "a\rb", "a\tb", "a\u{2028}b"] {
            #expect(throws: PlanError.self) { try Validation.line(text, field: "owner") }
            #expect(throws: Never.self) { try Validation.text(text, field: "note") }
        }
        #expect(throws: PlanError.self) { try Validation.text("a\u{0}b", field: "note") }
        #expect(throws: Never.self) { try Validation.line("O'Brien — “lead” 👩‍⚕️", field: "owner") }
    }

    @Test("an action's status, percent and dates agree")
    func actionConsistency() {
        let june = CalendarDate(year: 2024, month: 6, day: 30)!, may = CalendarDate(year: 2024, month: 5, day: 1)!
        #expect(throws: Never.self) { try action().validate() }
        #expect(throws: Never.self) { try action(start: may, due: may).validate() }  // due on its start day
        #expect(throws: PlanError.self) { try action(start: june, due: may).validate() }
        #expect(throws: PlanError.self) { try action(percent: 1).validate() }
        #expect(throws: Never.self) { try action(status: .inProgress, percent: 100).validate() }
        #expect(throws: PlanError.self) { try action(status: .complete, percent: 100).validate() }  // no completion date
        #expect(throws: PlanError.self) { try action(status: .complete, percent: 90, completed: may).validate() }
        #expect(throws: Never.self) { try action(status: .complete, percent: 100, completed: may).validate() }
        #expect(throws: PlanError.self) { try action(percent: 101).validate() }
        #expect(throws: PlanError.self) { try action(ref: "1\r\n2").validate() }
        #expect(throws: PlanError.self) { try action(title: "\u{200B}").validate() }
    }

    @Test("an update: not after today, within the range, percent 0 to 100")
    func update() {
        func update(_ date: CalendarDate, percent: Int? = nil) -> ProgressUpdate {
            ProgressUpdate(action: "d-1/1", date: date, author: "a", note: "n", percent: percent)
        }
        #expect(throws: Never.self) { try update(today).validate(today: today) }
        #expect(throws: PlanError.self) { try update(today.adding(days: 1)).validate(today: today) }
        #expect(throws: PlanError.self) { try update(CalendarDate(year: 1989, month: 12, day: 31)!).validate(today: today) }
        #expect(throws: PlanError.self) { try update(today, percent: -1).validate(today: today) }
        #expect(throws: Never.self) { try update(today, percent: 100).validate(today: today) }
    }
}
