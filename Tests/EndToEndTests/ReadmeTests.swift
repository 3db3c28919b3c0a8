import Foundation
import Testing

/// The README's walkthrough is a transcript: each `$ planwatch ...` line is
/// run in a fresh folder and its output must be what the README shows.
@Suite("README walkthrough")
struct ReadmeTests {
    /// Splits a command line the way a shell would for plain words and "double-quoted" text.
    static func words(_ line: String) -> [String] {
        var words: [String] = [], current = "", quoted = false, started = false
        for character in line {
            if character == "\"" { quoted.toggle(); started = true; continue }
            if character == " " && !quoted {
                if started { words.append(current) }
                current = ""; started = false
                continue
            }
            current.append(character); started = true
        }
        if started { words.append(current) }
        return words
    }

    @Test("every command in the walkthrough prints what the README shows")
    func walkthrough() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        guard let start = text.range(of: "```text\n$ planwatch"), let end = text.range(of: "\n```", range: start.upperBound..<text.endIndex) else {
            Issue.record("README has no walkthrough block")
            return
        }
        let block = String(text[text.index(start.lowerBound, offsetBy: 8)..<end.lowerBound])
        var steps: [(command: String, output: String)] = []
        for line in block.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("$ planwatch ") {
                steps.append((String(line.dropFirst(12)), ""))
            } else if !steps.isEmpty {
                steps[steps.count - 1].output += line + "\n"
            }
        }
        #expect(steps.count >= 10)
        let h = try Harness()
        defer { h.cleanUp() }
        for step in steps {
            let result = try h.run(ReadmeTests.words(step.command),
                                   env: ["PLANWATCH_DB": "planwatch.sqlite", "PLANWATCH_ACTOR": "Link inspector (Tayside)"])
            let expected = step.output.trimmingCharacters(in: .newlines)
            #expect(result.status == 0, "planwatch \(step.command): \(result.stderr)")
            #expect(result.stdout.trimmingCharacters(in: .newlines) == expected, "planwatch \(step.command)")
        }
    }
}
