import Foundation
import Testing
@testable import ImprovementPlan
@testable import PlanStore

/// The audit trail's subjects are built and parsed in one place; the bytes
/// are those earlier planwatch wrote.
@Suite("audit subjects")
struct AuditSubjectTests {
    static let day = CalendarDate(year: 2024, month: 9, day: 5)!

    @Test("each subject's entity and key are the stored strings, and parse back to the same subject", arguments: [
        (AuditSubject.partnership("dundee"), "partnership", "dundee"),
        (.linkAssignment(partnership: "dundee", from: day), "link_assignment", "dundee@2024-09-05"),
        (.qualityIndicator("2.1"), "quality_indicator", "2.1"),
        (.qualityIndicator("Leadership and direction"), "quality_indicator", "Leadership and direction"),
        (.inspection("dundee-2021"), "inspection", "dundee-2021"),
        (.actionPlan(inspection: "dundee-2021"), "action_plan", "dundee-2021"),
        (.inspectionChange(inspection: "dundee-2021", on: day), "inspection_change", "dundee-2021@2024-09-05"),
        (.evaluation(inspection: "dundee-2021", qi: "2.1"), "evaluation", "dundee-2021/2.1"),
        (.evaluation(inspection: "dundee-2021", qi: "Impact on children / young people"), "evaluation", "dundee-2021/Impact on children / young people"),
        (.finding(inspection: "dundee-2021", number: 12), "finding", "dundee-2021#12"),
        (.action(42), "action", "42"),
        (.progressUpdate(action: 42), "progress_update", "42"),
        (.deadlineExtension(action: 42), "deadline_extension", "42"),
        (.linkingReview(partnership: "fife", on: day, kind: .progressReview), "linking_review", "fife@2024-09-05/progress-review"),
        (.database(.checkpoint), "database", "checkpoint"),
        (.database(.restore), "database", "restore"),
        (.outcomeMeasure("wd-views-in-meetings"), "outcome_measure", "wd-views-in-meetings"),
        (.measureReading(measure: "wd-views-in-meetings", on: day), "measure_reading", "wd-views-in-meetings@2024-09-05"),
        (.user("a.smith"), "user", "a.smith"),
        (.apiToken(7), "api_token", "7"),
        (.extensionRequest(action: 42, id: 3), "extension_request", "42#3"),
        (.completionSignOff(action: 42, id: 4), "completion_signoff", "42#4"),
    ])
    func roundTrip(subject: AuditSubject, entity: String, key: String) {
        #expect(subject.entity.rawValue == entity)
        #expect(subject.key == key)
        #expect(AuditSubject(entity: entity, key: key) == subject)
    }

    @Test("keys that name no subject are nil, not a guess", arguments: [
        ("action", "x"), ("finding", "dundee-2021#"), ("finding", "dundee-2021"), ("link_assignment", "dundee@2024-02-30"),
        ("linking_review", "fife@2024-09-05/chat"), ("linking_review", "fife@2024-09-05"), ("database", "vacuum"), ("budget", "1"),
        ("inspection_change", "dundee-2021"), ("measure_reading", "wd-views"), ("measure_reading", "wd-views@2024-13-01"),
    ])
    func unknown(entity: String, key: String) {
        #expect(AuditSubject(entity: entity, key: key) == nil)
    }

    @Test("undo's command names the entry it reverts")
    func undoCommand() {
        #expect(UndoCommand.name(reverting: 17) == "undo #17")
        #expect(UndoCommand.reverted("undo #17") == 17)
        #expect(UndoCommand.reverted("update") == nil && UndoCommand.reverted("undo #x") == nil)
    }

    @Test("every entry of a database made by the first release names a subject, and the subject gives its key back")
    func fixtureSubjects() throws {
        try withMigratedFixture { store in
            let entries = try store.auditEntries()
            #expect(entries.count == 106)
            for entry in entries {
                let subject = AuditSubject(entity: entry.entity, key: entry.key)
                #expect(subject?.key == entry.key && subject?.entity.rawValue == entry.entity, "\(entry.entity) \(entry.key)")
            }
            #expect(try store.verify().ok)
        }
    }
}
