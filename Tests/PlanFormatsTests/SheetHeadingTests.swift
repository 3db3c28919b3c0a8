import Foundation
import Testing
import ImprovementPlan
@testable import PlanFormats

/// Headings as councils write them, each to its field, and the near misses
/// that must stay unmatched.
@Suite("sheet headings")
struct SheetHeadingTests {
    typealias Field = ActionSheet.Field

    @Test("real-world headings name their field", arguments: [
        ("Ref", Field.ref), ("Ref.", .ref), ("No.", .ref), ("Action No.", .ref), ("Reference Number", .ref), ("Item", .ref),
        ("Ref (e.g. 1.1)", .ref), ("Improvement Ref", .ref),
        ("Area for Improvement", .area), ("AREAS FOR IMPROVEMENT:", .area), ("Area for improvement (from inspection report)", .area),
        ("Recommendation", .area), ("Priority Area", .area), ("Finding / Area for improvement", .area),
        ("Action", .title), ("Actions to be taken", .title), ("What we will do", .title), ("Improvement Action(s)", .title),
        ("Action/Task", .title), ("Agreed actions", .title),
        ("Lead Officer", .owner), ("Lead Officer(s)", .owner), ("Owner / Lead", .owner), ("Responsible Officer", .owner),
        ("Lead person (name and role)", .owner), ("Named lead", .owner), ("Who", .owner), ("Accountable officer", .owner),
        ("Lead Agency", .agency), ("Lead Agency/Agencies", .agency), ("Lead Agencies", .agency), ("Organisation", .agency),
        ("Lead organisation(s)", .agency), ("Lead Partner", .agency),
        ("Timescale", .due), ("Timescale (target date)", .due), ("Timescales", .due), ("By When", .due), ("Target Date", .due),
        ("Deadline", .due), ("Completion date", .due), ("Revised target date", .due), ("When", .due),
        ("Original timescale", .originalDue),
        ("Measure of Success", .measure), ("Measures of success", .measure), ("How will we know?", .measure),
        ("Monitoring and Evaluation", .measure), ("Expected outcome(s)", .measure), ("Success criteria", .measure),
        ("RAG", .rag), ("R/A/G", .rag), ("RAG Status", .rag), ("RAG rating (self-assessed)", .rag), ("Self-assessed RAG", .rag),
        ("Progress to date (Q2)", .progress), ("Progress Update", .progress), ("Commentary", .progress), ("Comments", .progress),
        ("Update on progress", .progress), ("Current position", .progress),
        ("Status", .status), ("Action status", .status), ("% complete", .percent), ("Percent complete", .percent),
        ("Date completed", .completed), ("Evidence", .evidence), ("Start date", .start), ("Description", .description),
    ])
    func named(heading: String, field: Field) {
        #expect(ActionSheet.field(heading) == field, "\(heading)")
    }

    @Test("near misses name no field", arguments: [
        "Officer notes", "Lead officer comments", "Notes", "Partnership", "Target group", "Outcome achieved?", "Action plan",
        "N/A", "Date of last review", "Officer's initials", "Agency contact phone", "Actioned by", "Status of evidence?",
        "Progress RAG trend", "Due diligence", "Reference documents", "Priority", "Theme", "",
    ])
    func unnamed(heading: String) {
        #expect(ActionSheet.field(heading) == nil, "\(heading) read as \(String(describing: ActionSheet.field(heading)))")
    }

    @Test("a heading matched whole wins over one matched without its brackets, whichever comes first")
    func wholeWins() throws {
        for header in ["Action,Owner,Agency,RAG (derived),Self-assessed RAG", "Action,Owner,Agency,Self-assessed RAG,RAG (derived)"] {
            let sheet = try ActionSheet.read(Data((header + "\nx,o,a,Red,Green\n").utf8), today: CalendarDate(year: 2025, month: 1, day: 1)!)
            #expect(sheet.columns[.rag] == "Self-assessed RAG" && sheet.ignored == ["RAG (derived)"], "\(header)")
        }
    }

    @Test("a council's sheet with these headings imports whole, the columns it took named")
    func councilSheet() throws {
        let csv = """
            No.,Area for Improvement,Improvement Action(s),Lead Officer(s),Lead Agency/Agencies,Timescale (target date),Monitoring and Evaluation,R/A/G,Progress to date (Q2),Officer notes
            1.1,Chronologies,Chronology training for all staff,Chief Social Work Officer,Fife Council,31/03/2025,Audit of 20 files,Amber,Half trained,call back
            1.2,Chronologies,Audit chronologies,Head of Nursing,NHS Fife,Q4 2024/25,Audit report,Green,,
            """
        let sheet = try ActionSheet.read(Data(csv.utf8), today: CalendarDate(year: 2025, month: 1, day: 1)!)
        #expect(sheet.rows.count == 2)
        #expect(sheet.columns[.owner] == "Lead Officer(s)" && sheet.columns[.agency] == "Lead Agency/Agencies")
        #expect(sheet.columns[.due] == "Timescale (target date)" && sheet.columns[.rag] == "R/A/G" && sheet.columns[.ref] == "No.")
        #expect(sheet.ignored == ["Officer notes"])
        #expect(sheet.rows.first?.due == CalendarDate(year: 2025, month: 3, day: 31))
        #expect(sheet.rows.last?.due == CalendarDate(year: 2025, month: 3, day: 31))
        #expect(sheet.rows.first?.owner == "Chief Social Work Officer" && sheet.rows.first?.progress == "Half trained")
    }
}
