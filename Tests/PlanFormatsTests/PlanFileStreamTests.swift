import Foundation
import ImprovementPlan
import Testing
@testable import PlanFormats

private func gathered(_ source: some PlanFileRecords) throws -> PlanFile { try PlanFile(records: source) }

private let seedFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../seeds")

private func temporaryFile(_ text: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("planwatch-stream-\(UUID().uuidString).json")
    try Data(text.utf8).write(to: url)
    return url
}

@Suite("Plan files read a record at a time")
struct PlanFileStreamTests {
    static let seeds = ["dundee-2021", "west-dunbartonshire-2022", "glasgow-city", "stirling", "inverclyde-2017"]

    @Test("each seed streamed from disk gives the same records as decoding it whole, whatever the window", arguments: seeds)
    func seedsAgree(seed: String) throws {
        let url = seedFolder.appendingPathComponent("\(seed).json")
        let whole = try JSONDecoder().decode(PlanFile.self, from: Data(contentsOf: url))
        #expect(!whole.actions.isEmpty)
        // One byte at a time, a window shorter than most records, and the default.
        for chunk in [1, 7, 100, PlanFileStream.chunk] {
            #expect(try gathered(PlanFileStream(path: url.path, chunk: chunk)) == whole, "window of \(chunk) bytes")
        }
        let bytes = Array(try Data(contentsOf: url))
        #expect(try gathered(PlanFileStream(bytes: bytes, name: seed)) == whole)
        for chunk in [1, 7, 100] {
            #expect(try gathered(PlanFileStream(bytes: bytes, name: seed, chunk: chunk)) == whole, "in memory, window of \(chunk) bytes")
        }
    }

    @Test("the window stays a few chunks wide however long the file, keys straddling a chunk's end included")
    func windowStaysNarrow() throws {
        // 20,000 actions (about 3 MB) read through a 4 kB window: every few records a key crosses a chunk's end.
        let actions = (1...20_000).map { n in
            #"{"inspection":"d-1","ref":"\#(n)","title":"Action number \#(n) of the long list","owner":"Owner \#(n % 7)","agency":"NHS","created":"2024-01-01","findings":[1]}"#
        }
        let text = #"{"format":"planwatch-plan-file","version":1,"partnerships":[{"key":"d","name":"D"}],"actions":["#
            + actions.joined(separator: ",") + "]}"
        let url = try temporaryFile(text)
        defer { try? FileManager.default.removeItem(at: url) }
        let stream = try PlanFileStream(path: url.path, chunk: 4096)
        #expect(stream.windowCapacity <= 4 * 4096, "after the syntax check: \(stream.windowCapacity) bytes")
        var count = 0
        try stream.forEach(PlanFile.Section<Action>.actions) { _, _ in count += 1 }
        #expect(count == 20_000)
        #expect(stream.windowCapacity <= 4 * 4096, "after reading the actions: \(stream.windowCapacity) bytes")
    }

    @Test("lists are found in any order, unknown keys and null lists pass, escapes and a byte-order mark are read")
    func anyOrder() throws {
        let text = """
            \u{FEFF}{ "actions" : [ {"inspection": "d-1", "ref": "1.1", "title": "Tit\\u006ce \\"quoted\\"", "owner": "o", "agency": "a",
                          "created": "2024-01-01", "findings": [1]} ],
              "note \\u00e9": {"nested": [1, -2.5e+3, true, false, null, "x"]},
              "updates": null,
              "partnerships": [{"key": "d", "name": "D"}], "version": 1, "format": "planwatch-plan-file" }
            """
        let url = try temporaryFile(text)
        defer { try? FileManager.default.removeItem(at: url) }
        for chunk in [1, 16, PlanFileStream.chunk] {
            let file = try gathered(PlanFileStream(path: url.path, chunk: chunk))
            #expect(file.partnerships.map(\.key) == ["d"])
            #expect(file.actions.map(\.title) == ["Title \"quoted\""])
            #expect(file.updates.isEmpty)
        }
    }

    @Test("syntax and shape problems name the file and where, in one line", arguments: [
        ("", "f: not valid JSON (the file is empty)"),
        ("{", "f: not valid JSON (the file ends too early at line 1, column 2)"),
        ("[]", "f: the document: expected an object"),
        ("{\"format\":\"planwatch-plan-file\",\n\"version\":1,\n\"partnerships\":[{\"key\":\"x\",}]}", "f: not valid JSON (expected a key in quotes at line 3, column 28)"),
        ("{\"format\":\"planwatch-plan-file\",\"version\":1,\"partnerships\":[{\"key\":\"x\" \"name\":\"y\"}]}", "f: not valid JSON (expected ',' or '}' at line 1, column 72)"),
        ("{\"format\":\"planwatch-plan-file\",\"version\":1} {}", "f: not valid JSON (more text after the document's end at line 1, column 46)"),
        ("{\"format\":\"planwatch-plan-file\",\"version\":1,\"x\":tru}", "f: not valid JSON (expected a value at line 1, column 49)"),
        ("{\"format\":\"planwatch-plan-file\",\"version\":1,\"x\":01}", "f: not valid JSON (expected ',' or '}' at line 1, column 50)"),
        ("{\"format\":\"planwatch-plan-file\",\"version\":1,\"x\":\"a\\qb\"}", "f: not valid JSON (an unknown escape in text at line 1, column 52)"),
        ("{\"format\":\"planwatch-plan-file\",\"version\":1,\"x\":\"a\tb\"}", "f: not valid JSON (a control character inside text (escape it) at line 1, column 51)"),
        ("{\"format\":\"planwatch-plan-file\",\"version\":1,\"x\":-}", "f: not valid JSON (a number without digits at line 1, column 49)"),
        ("{\"format\":\"planwatch-plan-file\",\"version\":1,\"x\":" + String(repeating: "[", count: 600) + "}", "f: not valid JSON (nested too deeply at line 1, column 561)"),
        ("{\"version\":1}", "f: format: is required"),
        ("{\"format\":\"planwatch-plan-file\"}", "f: version: is required"),
        ("{\"format\":\"planwatch-plan-file\",\"version\":\"1\"}", "f: version: expected a whole number"),
        ("{\"format\":\"other\",\"version\":1}", "f: format: format is 'other', expected 'planwatch-plan-file'"),
        ("{\"format\":\"planwatch-plan-file\",\"version\":1,\"actions\":[],\"actions\":[]}", "f: actions: given twice"),
    ])
    func problems(json: String, expected: String) throws {
        #expect(throws: PlanError.refused(expected)) { _ = try PlanFileStream(bytes: Array(json.utf8), name: "f") }
    }

    @Test("a key given twice is refused in a small object and a large one, escaped or not, through any window; the same key in two objects is not")
    func repeatedKeys() throws {
        func refusal(_ json: String, chunk: Int) -> String? {
            do {
                _ = try PlanFileStream(bytes: Array(json.utf8), name: "f", chunk: chunk)
                return nil
            } catch PlanError.refused(let message) {
                return message
            } catch {
                return "\(error)"
            }
        }
        let head = "{\"format\":\"planwatch-plan-file\",\"version\":1,\"x\":"
        let many = (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        for chunk in [1, 7, PlanFileStream.chunk] {
            #expect(refusal(head + "{" + many + ",\"k5\":1}}", chunk: chunk)?.contains("the key 'k5' appears twice in one object") == true)
            #expect(refusal(head + "{\"k39\":0," + many + "}}", chunk: chunk)?.contains("the key 'k39' appears twice in one object") == true)
            #expect(refusal(head + "{" + many + ",\"k40\":1}}", chunk: chunk) == nil)
            #expect(refusal(head + "{\"name\":1,\"n\\u0061me\":2}}", chunk: chunk)?.contains("the key 'name' appears twice in one object") == true)
            #expect(refusal(head + "[{\"a\":1,\"b\":{\"a\":2,\"c\":{}}},{\"a\":3,\"b\":{\"a\":4}}]}", chunk: chunk) == nil)
        }
    }

    @Test("a record that is valid JSON but not the record expected is named by list and index")
    func badRecord() throws {
        let json = "{\"format\":\"planwatch-plan-file\",\"version\":1,\"partnerships\":[{\"key\":\"a\",\"name\":\"A\"},{\"key\":\"b\"}],\"actions\":7}"
        let stream = try PlanFileStream(bytes: Array(json.utf8), name: "f")
        var seen: [String] = []
        #expect(throws: PlanError.refused("f: partnerships[1].name: is required")) {
            try stream.forEach(.partnerships) { _, p in seen.append(p.key) }
        }
        #expect(seen == ["a"])
        #expect(throws: PlanError.refused("f: actions: expected a list")) { try stream.forEach(.actions) { _, _ in } }
    }

    @Test("a string is skipped to its closing quote whatever its length and wherever an escape, a control or a quote falls, through any window")
    func stringsSkipped() throws {
        // Each special piece: whether the text is still valid JSON with it inside.
        let pieces: [([UInt8], Bool)] = [(Array(#"\""#.utf8), true), (Array(#"\\"#.utf8), true), (Array(#"\n"#.utf8), true),
                                         (Array(#"\u00e9"#.utf8), true), (Array("é".utf8), true), ([0x01], false), ([0x09], false),
                                         ([0x1F], false), ([0x7F], true), (Array(#"\x"#.utf8), false)]
        for length in 0..<20 {
            for place in 0...length {
                for (piece, valid) in pieces {
                    var text = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    text.insert(contentsOf: piece, at: place)
                    let bytes = [UInt8(ascii: "\"")] + text + [UInt8(ascii: "\"")]
                    // The value is followed by more bytes, so the scan must stop at the closing quote.
                    let file = bytes + Array(" , 1".utf8)
                    for chunk in [nil, 1, 5, 8, 64] as [Int?] {
                        var scanner = JSONScanner(ByteWindow(bytes: file, chunk: chunk), at: 0)
                        if valid {
                            try scanner.skipValue()
                            #expect(scanner.position == bytes.count, "length \(length), \(piece) at \(place), window \(String(describing: chunk))")
                        } else {
                            #expect(throws: (any Error).self) { try scanner.skipValue() }
                        }
                    }
                }
            }
        }
    }

    @Test("a missing file or a folder is refused as no file")
    func missing() throws {
        #expect(throws: PlanError.notFound(entity: "file", key: "/nonexistent/plan.json")) { _ = try PlanFileStream(path: "/nonexistent/plan.json") }
        #expect(throws: PlanError.notFound(entity: "file", key: "/tmp")) { _ = try PlanFileStream(path: "/tmp") }
    }
}
