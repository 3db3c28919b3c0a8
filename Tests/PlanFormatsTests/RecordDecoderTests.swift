import Foundation
import ImprovementPlan
import Testing
@testable import PlanFormats

private let seedFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../seeds")

/// What the quick decoder gives for `json`, and what JSONDecoder gives (nil: it refused).
private func both<T: Decodable>(_ type: T.Type, _ json: String) -> (quick: T?, standard: T?) {
    let data = Data(json.utf8)
    let quick = data.withUnsafeBytes { RecordDecoder.decode(T.self, from: $0) }
    return (quick, try? JSONDecoder().decode(T.self, from: data))
}

@Suite("Plan-file records decoded quickly, or left to JSONDecoder")
struct RecordDecoderTests {
    @Test("each seed plan file decodes whole to what JSONDecoder gives", arguments: PlanFileStreamTests.seeds)
    func seeds(seed: String) throws {
        let json = try String(contentsOf: seedFolder.appendingPathComponent("\(seed).json"), encoding: .utf8)
        let (quick, standard) = both(PlanFile.self, json)
        #expect(quick != nil, "the quick decoder gave up on a plain plan file")
        #expect(quick == standard)
    }

    static let update = #"{"action": "I-1/1", "date": "2024-01-02", "actor": "Jo", "note": NOTE, "percent": PERCENT}"#

    static func update(note: String, percent: String = "50") -> String {
        update.replacingOccurrences(of: "NOTE", with: note).replacingOccurrences(of: "PERCENT", with: percent)
    }

    @Test("strings: escapes, surrogate pairs and text beyond ASCII read as JSONDecoder reads them", arguments: [
        #""plain""#, #""say \"hi\" \\ \/ done""#, #""tab\tnew\nline\r\b\f""#, #""caf\u00e9 \u65E5\u672C""#, #""pair \ud83d\ude00 end""#,
        #""Éilidh Mac an t-Saoir 日本語""#, #""""#, "\"" + String(repeating: "long text ", count: 40) + "\"",
    ])
    func strings(note: String) {
        let (quick, standard) = both(ProgressUpdate.self, Self.update(note: note))
        #expect(quick != nil && quick == standard)
    }

    @Test("what the quick decoder is not sure of goes to JSONDecoder (it gives up), never read another way", arguments: [
        // Escapes JSON does not have, a lone or reversed surrogate, a raw control character, a broken \u.
        #""bad \q escape""#, #""lone \ud83d here""#, #""reversed \ude00\ud83d""#, "\"raw \u{01} control\"", #""\u12""#,
        // Not a string at all, or not JSON.
        "42", "null", "[\"a\"]", "{\"a\": 1}", "'single'", "\"unterminated",
    ])
    func refusedStrings(note: String) {
        let (quick, standard) = both(ProgressUpdate.self, Self.update(note: note))
        #expect(quick == nil || quick == standard)
        if standard == nil { #expect(quick == nil) }
    }

    @Test("numbers: plain integers are read; fractions, exponents, leading zeros and overflow are JSONDecoder's to judge", arguments: [
        ("0", true), ("-0", true), ("100", true), ("7", true),
        ("1.0", false), ("1e2", false), ("01", false), ("99999999999999999999", false), ("-", false), ("+1", false), ("1.", false),
    ])
    func numbers(percent: String, quickly: Bool) {
        let (quick, standard) = both(ProgressUpdate.self, Self.update(note: "\"n\"", percent: percent))
        if quickly { #expect(quick != nil) }
        #expect(quick == nil || quick == standard)
        if standard == nil { #expect(quick == nil) }
    }

    @Test("a record JSONDecoder refuses, the quick decoder gives up on too (so the message is JSONDecoder's)", arguments: [
        #"{"action": "I-1/1", "date": "2024-01-02", "actor": "Jo"}"#,                               // no note
        #"{"action": "I-1/1", "date": "2024-02-30", "actor": "Jo", "note": "n"}"#,                  // no such day
        #"{"action": "I-1/1", "date": "2024-01-02", "actor": "Jo", "note": "n", "status": "done"}"#, // not a status
        #"{"action": 7, "date": "2024-01-02", "actor": "Jo", "note": "n"}"#,                        // a number for text
        #"{"action": "I-1/1", "date": "2024-01-02", "actor": "Jo", "note": "n", "note": "m"}"#,     // a key twice
        #"{"action": "I-1/1", "date": "2024-01-02", "actor": "Jo", "note": "n"} trailing"#,
        #"["action"]"#, "",
    ])
    func refusedRecords(json: String) {
        let (quick, standard) = both(ProgressUpdate.self, json)
        #expect(quick == nil)
        if !json.contains("\"note\": \"m\"") { #expect(standard == nil) }
    }

    @Test("keys in any order, unknown keys, null for what is optional, and the older name 'author' read as JSONDecoder reads them", arguments: [
        #"{"note": "n", "actor": "Jo", "date": "2024-01-02", "action": "I-1/1"}"#,
        #"{"action": "I-1/1", "date": "2024-01-02", "actor": "Jo", "note": "n", "extra": {"deep": [1, 2.5, true, null]}}"#,
        #"{"action": "I-1/1", "date": "2024-01-02", "actor": "Jo", "note": "n", "status": null, "percent": null, "evidence": null}"#,
        #"{"action": "I-1/1", "date": "2024-01-02", "author": "Jo", "note": "n", "status": "in-progress"}"#,
        " \n\t{ \"action\" : \"I-1/1\" , \"date\" : \"2024-01-02\" , \"actor\" : \"Jo\" , \"note\" : \"n\" } \n",
    ])
    func shapes(json: String) {
        let (quick, standard) = both(ProgressUpdate.self, json)
        #expect(quick != nil && quick == standard)
    }

    private struct Reading: Decodable, Equatable {
        let value: Double
        let count: Int64?
    }

    @Test("decimal numbers read to the same Double as JSONDecoder reads (correctly rounded both ways)", arguments: [
        "12.5", "0.1", "1e-3", "2E+2", "123456789.123456789", "-0", "5", "0.30000000000000004", "1.7976931348623157e308", "4.9e-324",
    ])
    func doubles(text: String) {
        let (quick, standard) = both(Reading.self, "{\"value\": \(text), \"count\": 3}")
        #expect(quick != nil && quick == standard)
        #expect(quick.map { $0.value.bitPattern } == standard.map { $0.value.bitPattern })
    }
}
