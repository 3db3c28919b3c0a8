import Foundation
import Testing
@testable import ImprovementPlan
@testable import PlanStore

/// The audit trail's directly written JSON must be the bytes Foundation's
/// encoder writes (sorted keys, unescaped slashes): verify and history read
/// both, and entries written before and after must look alike.
@Suite("Audit JSON")
struct AuditJSONTests {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func encoded<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Text that exercises every escape: all control characters, quote,
    /// backslash, slash, DEL, accents, a line separator and an emoji.
    static let hostile: String = {
        var text = "Chief \"Social\" Work\\Officer / 'lead' é\u{2028}😀\u{7F}"
        for value in 0..<0x20 { text.unicodeScalars.append(Unicode.Scalar(UInt8(value))) }
        return text
    }()

    static let date = CalendarDate(year: 2025, month: 3, day: 31)!

    @Test("actions, every field present and every optional absent")
    func actions() throws {
        let full = Action(id: 42, inspection: "dundee-2021", ref: "1.2", findings: [1, 3], title: Self.hostile, description: "d/e",
                          owner: "Owner", agency: "NHS", supportingAgencies: ["Police", Self.hostile], start: Self.date,
                          originalDue: Self.date, due: Self.date.adding(days: 30), measure: "m", status: .complete, percent: 100,
                          completed: Self.date, evidence: Self.hostile, selfAssessment: .amber, created: Self.date)
        let bare = Action(inspection: "x", ref: "", title: "", owner: "", agency: "", originalDue: nil, created: Self.date)
        for action in [full, bare] {
            #expect(action.auditJSON == (try Self.encoded(action)))
        }
    }

    @Test("progress updates, extensions and findings")
    func others() throws {
        let updates = [ProgressUpdate(action: "a/1", date: Self.date, author: Self.hostile, note: "n", status: .withdrawn, percent: 0,
                                      evidence: "e"),
                       ProgressUpdate(action: "a/1", date: Self.date, author: "me", note: Self.hostile)]
        for update in updates {
            // The trail keeps the first name, author, at the same sorted place as actor; undo reads it back.
            #expect(update.auditJSON == (try Self.encoded(update)).replacingOccurrences(of: #""actor":"#, with: #""author":"#))
            #expect(try JSONDecoder().decode(ProgressUpdate.self, from: Data(update.auditJSON.utf8)) == update)
        }
        let reviews = [PlanFile.Review(partnership: "p", date: Self.date, inspector: Self.hostile, kind: .meeting, summary: Self.hostile,
                                       actions: ["a/1", "b/2.1"], confidence: .notYetConfident, next: Self.date.adding(days: 90)),
                       PlanFile.Review(partnership: "p", date: Self.date, inspector: nil, kind: .writtenReturn, summary: "s")]
        for review in reviews {
            #expect(review.auditJSON == (try Self.encoded(review)).replacingOccurrences(of: #""nextReview":"#, with: #""next":"#))
            #expect(try JSONDecoder().decode(PlanFile.Review.self, from: Data(review.auditJSON.utf8)) == review)
        }
        let extensions = [DeadlineExtension(action: "a/1", from: Self.date, to: Self.date.adding(days: 1), reason: Self.hostile,
                                            agreedBy: "link inspector", recorded: Self.date),
                          DeadlineExtension(action: "a/1", from: Self.date, to: Self.date, reason: "r", agreedBy: nil, recorded: Self.date)]
        for x in extensions { #expect(x.auditJSON == (try Self.encoded(x))) }
        let findings = [Finding(id: 7, inspection: "i", number: 12, kind: .priority, text: Self.hostile, qi: "2.1", themes: ["a", "b/c"]),
                        Finding(inspection: "i", number: 1, kind: .strength, text: "t")]
        for finding in findings { #expect(finding.auditJSON == (try Self.encoded(finding))) }
    }

    /// A record whose direct JSON differs from its encoding, so the path taken shows.
    struct Marked: Encodable, AuditJSONRepresentable {
        var value = 1
        var auditJSON: String { #"{"direct":true}"# }
    }

    @Test("the audit writer takes the direct path for these records and the encoder for the rest")
    func dispatch() throws {
        #expect(try AuditWriter.json(Marked()) == #"{"direct":true}"#)
        // The records written in bulk take the direct path: their writer is what the trail holds.
        let action = Action(inspection: "x", ref: "1", title: "t", owner: "o", agency: "a", originalDue: nil, created: Self.date)
        let update = ProgressUpdate(action: "x/1", date: Self.date, author: "me", note: "n")
        let review = PlanFile.Review(partnership: "p", date: Self.date, inspector: nil, kind: .meeting, summary: "s", next: Self.date.adding(days: 1))
        #expect(try AuditWriter.json(action) == action.auditJSON)
        #expect(try AuditWriter.json(update) == update.auditJSON && update.auditJSON.contains(#""author":"#))
        #expect(try AuditWriter.json(review) == review.auditJSON && review.auditJSON.contains(#""next":"#))
        let plan = ActionPlan(inspection: "i")
        #expect(!((plan as Any) is any AuditJSONRepresentable))
        #expect(try AuditWriter.json(plan) == (try Self.encoded(plan)))
        #expect(try AuditWriter.json(ActionPlan?.none) == nil)
    }

    @Test("audit timestamps match ISO8601DateFormatter to the millisecond", arguments: [
        0.0, 1.0005, 1.0004, 1.9996, 59.9999, 86_399.9996, 951_782_400.25, 1_763_700_000.123456, 1_763_700_000.9995, -1.5, -86_400.0004,
        4_102_444_799.999,
    ])
    func timestamps(seconds: Double) {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let date = Date(timeIntervalSince1970: seconds)
        #expect(PlanStore.timestamp(date) == formatter.string(from: date))
    }
}
