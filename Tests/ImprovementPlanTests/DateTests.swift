import Foundation
import Testing
@testable import ImprovementPlan

@Suite("Calendar dates and date input")
struct DateTests {
    let today = CalendarDate(year: 2025, month: 3, day: 31)!

    @Test("a day's bytes are its stored form, for every year a day number reaches: before year 0, four digits and past 9999")
    func isoBytes() {
        // -800,000 days is before year 0; 3,000,000 is past year 9999.
        for number in Array(stride(from: -800_000, through: 3_000_000, by: 991)) + [-719_528, -719_529, -719_162, 2_932_896, 2_932_897] {
            let date = CalendarDate(dayNumber: number)
            var bytes: [UInt8] = []
            date.withISO { bytes = Array($0) }
            #expect(String(decoding: bytes, as: UTF8.self) == date.iso, "day \(number)")
        }
        var first: [UInt8] = []
        CalendarDate(year: 1, month: 1, day: 1)!.withISO { first = Array($0) }
        #expect(first == Array("0001-01-01".utf8))
    }

    @Test("day numbers round-trip across leap years and centuries")
    func dayNumbers() {
        for number in stride(from: -800_000, through: 800_000, by: 997) {
            #expect(CalendarDate(dayNumber: number).dayNumber == number)
        }
        #expect(CalendarDate(year: 1970, month: 1, day: 1)?.dayNumber == 0)
        #expect(CalendarDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CalendarDate(year: 2025, month: 2, day: 29) == nil)
        #expect(CalendarDate(year: 1900, month: 2, day: 29) == nil)
        #expect(CalendarDate(year: 2000, month: 2, day: 29) != nil)
    }

    @Test("dates order as their day numbers do, across month, year and leap-day edges")
    func order() {
        let days = stride(from: -800_000, through: 800_000, by: 9_973).map(CalendarDate.init(dayNumber:))
            + (-3...3).map { CalendarDate(year: 2024, month: 2, day: 29)!.adding(days: $0) }
            + (-3...3).map { CalendarDate(year: 1999, month: 12, day: 31)!.adding(days: $0) }
        for a in days {
            for b in days.prefix(40) + days.suffix(14) {
                #expect((a < b) == (a.dayNumber < b.dayNumber), "\(a) \(b)")
            }
        }
    }

    @Test("accepted forms", arguments: [
        ("2025-03-31", "2025-03-31"), ("31/03/2025", "2025-03-31"), ("1/4/2025", "2025-04-01"), ("31 March 2025", "2025-03-31"),
        ("31 Mar 2025", "2025-03-31"), ("1st April 2025", "2025-04-01"), ("today", "2025-03-31"), ("+30d", "2025-04-30"),
        ("-2w", "2025-03-17"), ("+1m", "2025-04-30"), ("yesterday", "2025-03-30"), (" 2025-03-31 ", "2025-03-31"),
    ])
    func accepted(input: String, expected: String) throws {
        #expect(try DateInput.parse(input, today: today).iso == expected)
    }

    @Test("a month is its last day, everywhere a date is read")
    func monthOnly() throws {
        #expect(try DateInput.parse("February 2024", today: today).iso == "2024-02-29")
        #expect(try DateInput.parse("March 2027", today: today).iso == "2027-03-31")
    }

    @Test("the forms councils' sheets hold: dots, dashes with a month's name, quarters, financial years, seasons, years",
          arguments: [
        ("31.03.2025", "2025-03-31"), ("1.4.25", "2025-04-01"), ("31-Mar-24", "2024-03-31"), ("31-March-2024", "2024-03-31"),
        ("Mar-25", "2025-03-31"), ("31 Mar 25", "2025-03-31"),
        // A financial year runs April to March: Q1 ends in June, Q4 in the March after.
        ("Q1 2024/25", "2024-06-30"), ("Q2 2024/25", "2024-09-30"), ("Q3 2024/25", "2024-12-31"), ("Q4 2024/25", "2025-03-31"),
        ("q2 2024-25", "2024-09-30"), ("2024/25 Q2", "2024-09-30"), ("Q4 2099/00", "2100-03-31"),
        // A calendar quarter when the year is one year.
        ("Q1 2025", "2025-03-31"), ("Q4 2025", "2025-12-31"),
        ("2024/25", "2025-03-31"), ("2024-2025", "2025-03-31"), ("FY 2024/25", "2025-03-31"), ("financial year 2024/25", "2025-03-31"),
        ("Spring 2025", "2025-05-31"), ("summer 2025", "2025-08-31"), ("Autumn 2025", "2025-11-30"),
        ("Winter 2025", "2026-02-28"), ("Winter 2024/25", "2025-02-28"),
        ("2025", "2025-12-31"), ("End of 2025", "2025-12-31"), ("by March 2026", "2026-03-31"), ("End of Q3 2025/26.", "2025-12-31"),
    ])
    func councilForms(input: String, expected: String) throws {
        #expect(try DateInput.parse(input, today: today).iso == expected)
    }

    @Test("periods that do not hold together are refused", arguments: [
        "Q5 2024/25", "Q0 2025", "2024/26", "2024/2026", "Spring", "Monsoon 2025", "Q2", "202", "20255", "31-Foo-25", "March 25",
    ])
    func badPeriods(input: String) {
        #expect(throws: DateInput.Problem.self) { try DateInput.parse(input, today: today) }
    }

    @Test("impossible and unreadable dates are refused with the text", arguments: [
        ("2025-02-30", DateInput.Problem.impossible("2025-02-30")), ("31/02/2025", .impossible("31/02/2025")),
        ("30 February 2025", .impossible("30 February 2025")), ("2025-13-01", .impossible("2025-13-01")),
        ("soon", .unrecognised("soon")), ("", .empty), ("2025/03/31", .unrecognised("2025/03/31")), ("+d", .unrecognised("+d")),
    ])
    func refused(input: String, problem: DateInput.Problem) {
        #expect(throws: problem) { try DateInput.parse(input, today: today) }
    }

    @Test("the byte-level reader of numeric dates agrees with the general parser", arguments: [
        "2025-03-31", "31/03/2025", "1/3/2025", "01/3/25", "29/02/2024", "29/02/2025", "2025-02-30", "2025-13-01", "00/01/2025",
        "2025-1-031", "2025/03/31", "31-03-2025", "31/03/202", "31/03/20255", "131/03/2025", "31//2025", "31/03/", "/03/2025",
        "2025-03-31-", "0000-01-01", "9999-12-31", "1/1/00", "12/12/12", "31.03.2025", " 31/03/2025", "2025-03-3a",
    ])
    func numericAgrees(input: String) {
        func outcome(_ parse: () throws(DateInput.Problem) -> CalendarDate?) -> String {
            do { return try parse()?.iso ?? "not numeric" } catch { return "\(error)" }
        }
        let general = outcome { () throws(DateInput.Problem) in try DateInput.general(input, today: today) }
        let numeric = outcome { () throws(DateInput.Problem) in try DateInput.numeric(input) }
        // The fast reader either declines (the general parser then runs) or gives the same answer.
        #expect(numeric == "not numeric" || numeric == general, "\(input): numeric \(numeric), general \(general)")
        // The shapes a spreadsheet repeats are always taken by the fast reader.
        if ["2025-03-31", "31/03/2025", "1/3/2025", "29/02/2025", "2025-13-01"].contains(input) { #expect(numeric != "not numeric") }
    }

    @Test("grades read as numbers or words")
    func grades() {
        #expect(Grade.parse("good")?.value == 4)
        #expect(Grade.parse("Very Good")?.value == 5)
        #expect(Grade.parse("6")?.label == "excellent")
        #expect(Grade.parse("7") == nil)
        #expect(Grade.parse("0") == nil)
        #expect(Grade.parse("great") == nil)
    }
}

@Suite("White space")
struct WhiteSpaceTests {
    @Test("isBlank and trimmed agree with Foundation's whitespacesAndNewlines on every scalar to U+3100")
    func agreesWithFoundation() {
        for value in UInt32(0)...0x3100 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = String(scalar)
            #expect(text.isBlank == text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "U+\(String(value, radix: 16))")
            let padded = "\(text)a\(text)b\(text)"
            #expect(padded.trimmed == padded.trimmingCharacters(in: .whitespacesAndNewlines), "U+\(String(value, radix: 16))")
        }
        #expect("".isBlank && " \t\n\u{00A0}\u{3000}".isBlank && !" x ".isBlank)
        #expect(" \u{2003}dundee-2021/1.2\r\n".trimmed == "dundee-2021/1.2")
    }

    @Test("a name is trimmed, with each run of spaces one space; tabs and breaks inside stay; plain ASCII names come back as they are",
          arguments: [
            ("Chief Social Work Officer", "Chief Social Work Officer"), ("Chief  Social Work Officer ", "Chief Social Work Officer"),
            (" Head of Service", "Head of Service"), ("a\u{00A0}\u{00A0}b", "a b"), ("a \u{2003} b", "a b"), ("a\tb", "a\tb"),
            ("a \tb", "a \tb"), ("x\u{7F}y", "x\u{7F}y"), ("Éilidh  Mac", "Éilidh Mac"), ("\u{3000}NHS Fife\u{3000}", "NHS Fife"),
            ("a", "a"), ("  ", ""), ("", ""), ("\tA B\n", "A B"),
          ])
    func normalisedNames(name: String, expected: String) {
        #expect(name.normalisedName == expected)
    }
}
