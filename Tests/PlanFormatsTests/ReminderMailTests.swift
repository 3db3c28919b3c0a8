import Foundation
import Testing
@testable import PlanFormats

/// The pieces of an Internet message that `remind` writes by hand (the end-to-end tests read whole messages with
/// Python's email package in its strict policy).
@Suite("reminder mail")
struct ReminderMailTests {
    @Test("quoted-printable: CRLF line ends, '=' and non-ASCII bytes encoded, a space ending a line encoded, no line over 76")
    func quotedPrintable() {
        #expect(ReminderMail.quotedPrintable("a=b\n") == "a=3Db\r\n")
        #expect(ReminderMail.quotedPrintable("due → soon\n") == "due =E2=86=92 soon\r\n")
        #expect(ReminderMail.quotedPrintable("-- \n") == "--=20\r\n")
        #expect(ReminderMail.quotedPrintable("tab\tinside\n") == "tab\tinside\r\n")
        let long = ReminderMail.quotedPrintable(String(repeating: "é", count: 60) + "\n")
        let lines = long.components(separatedBy: "\r\n").dropLast()
        #expect(lines.count == 5 && lines.allSatisfy { $0.count <= 76 })
        // An encoded byte is never split by a soft break.
        #expect(lines.dropLast().allSatisfy { $0.hasSuffix("=") && !$0.dropLast().hasSuffix("=") && $0.count % 3 == 1 })
    }

    @Test("headers: printable ASCII as it is, anything else as RFC 2047 encoded words; long lines folded before a space")
    func headers() {
        #expect(ReminderMail.encodedHeader("planwatch: 1 overdue (dundee)") == "planwatch: 1 overdue (dundee)")
        let encoded = ReminderMail.encodedHeader("planwatch: Comhairle nan Eilean Siar — 2 overdue")
        #expect(encoded.hasPrefix("=?utf-8?B?") && encoded.allSatisfy(\.isASCII))
        let words = encoded.components(separatedBy: "\r\n ")
        #expect(words.allSatisfy { $0.count <= 75 })
        let decoded = words.map { word -> String in
            let base64 = word.dropFirst("=?utf-8?B?".count).dropLast(2)
            return String(decoding: Data(base64Encoded: String(base64)) ?? Data(), as: UTF8.self)
        }.joined()
        #expect(decoded == "planwatch: Comhairle nan Eilean Siar — 2 overdue")
        let subject = "Subject: " + Array(repeating: "word", count: 30).joined(separator: " ")
        let folded = ReminderMail.folded(subject)
        #expect(folded.components(separatedBy: "\r\n").allSatisfy { $0.count <= 78 })
        #expect(folded.replacingOccurrences(of: "\r\n", with: "") == subject)
        #expect(ReminderMail.folded("To: a <a@b.org>") == "To: a <a@b.org>")
    }
}
