import Foundation
import Testing
@testable import ImprovementPlan
@testable import PlanFormats

@Suite("readings files")
struct ReadingsSheetTests {
    static let today = CalendarDate(year: 2025, month: 6, day: 1)!

    static func read(_ text: String) throws(PlanError) -> ReadingsSheet {
        try ReadingsSheet.read(records: try ReadingsSheet.records(Data(text.utf8)), today: today)
    }

    @Test("loose headings in any order, semicolons, blank rows, ignored columns named")
    func loose() throws {
        let sheet = try Self.read("Comments;Result;Indicator;Period ending;Team\n;42%;wd-views;30/06/2024;North\n\n;\"1,204\";wd-count;2024-09-30;South\n")
        #expect(sheet.readings.map(\.value) == [42, 1204])
        #expect(sheet.readings.map(\.measure) == ["wd-views", "wd-count"])
        #expect(sheet.rows == [2, 4])
        #expect(sheet.ignored == ["Team"])
        #expect(ReadingsSheet.hasHeader([["measure", "date", "value"]]))
        #expect(!ReadingsSheet.hasHeader([["Ref", "Action", "Owner", "Timescale"]]))
    }

    @Test("a correction column reads yes and no", arguments: [("yes", true), ("No", false), ("", false), ("correction", true)])
    func supersedes(cell: String, expected: Bool) throws {
        let sheet = try Self.read("measure,date,value,correction\nm,2024-06-30,1,\(cell)\n")
        #expect(sheet.readings.first?.supersedes == expected)
    }

    @Test("bad rows: each named by row and field, every one listed", arguments: [
        ("measure,date,value\nm,2024-06-30,lots\n", ["row 2: value: 'lots' is not valid (expected a number, like 42.5)"]),
        ("measure,date,value\nm,2024-02-30,1\n", ["row 2: date: '2024-02-30' is not a real date (use 2025-03-31, 31/03/2025, 31.03.2025, "
                                                  + "31-Mar-25, 31 March 2025, March 2025, Q4 2024/25, 2024/25, Spring 2025, 2025, today, +30d or -2w)"]),
        ("measure,date,value\n,2024-06-30,1\nm,,1\nm,2024-06-30,\n", ["row 2: measure: a value is required", "row 3: date: a value is required",
                                                                     "row 4: value: a value is required"]),
        ("measure,date,value,supersedes\nm,2024-06-30,1,perhaps\n", ["row 2: supersedes: 'perhaps' is not valid (expected yes or no)"]),
        ("measure,date,value,indicator\nm,2024-06-30,1,x\n", ["row 1: field measure: columns 'measure' and 'indicator' are both the measure"]),
        ("measure,date\nm,2024-06-30\n", ["no readings header: a file of readings has measure, date and value columns"]),
        ("measure,date,value\n", ["the file has a readings header but no readings"]),
        ("measure,date,value\nm,\"2024-06-30,1\n", ["row 2: a quoted cell starts here and is never closed"]),
    ])
    func bad(text: String, expected: [String]) {
        #expect(throws: PlanError.problems(expected)) { try Self.read(text) }
    }

    @Test("an empty file says so")
    func empty() {
        #expect(throws: PlanError.self) { try ReadingsSheet.records(Data()) }
    }
}
