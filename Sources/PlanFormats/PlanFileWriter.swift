import Foundation
import ImprovementPlan

/// Writes a plan file as it streams from the store, byte for byte the
/// document `JSONOutput.encode(PlanFile)` writes (pretty-printed, sorted
/// keys), holding one record at a time: a national database exports in
/// flat memory.
public struct PlanFileWriter: PlanFileSink {
    private let output: (String) -> Void
    private let encoder: JSONEncoder
    private var first = true
    private var records = 0
    /// The document's scalar fields, written in their sorted places among the lists.
    private var scalars: [(key: String, value: String)]

    public init(output: @escaping (String) -> Void) {
        self.output = output
        encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        scalars = [("format", JSONOutput.quoted(PlanFile.formatName)), ("version", String(PlanFile.currentVersion))]
        output("{\n")
    }

    private mutating func field(_ key: String, _ value: String) {
        output((first ? "" : ",\n") + "  " + JSONOutput.quoted(key) + " : " + value)
        first = false
    }

    /// The scalars whose keys sort before `key` (all of them when nil).
    private mutating func scalars(before key: String?) {
        while let next = scalars.first, key.map({ next.key < $0 }) ?? true {
            field(next.key, next.value)
            scalars.removeFirst()
        }
    }

    public mutating func beginList(_ key: String) {
        scalars(before: key)
        field(key, "[")
        records = 0
    }

    public mutating func record<T: Encodable>(_ record: T) throws {
        // Nested four spaces in, as the whole-document encoder nests it: its blank line inside an empty list stays blank.
        let text = JSONOutput.escapingInvisible(try encoder.encode(record)).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n").dropFirst(4)
        output((records == 0 ? "\n    " : ",\n    ") + text)
        records += 1
    }

    public mutating func endList() {
        // Foundation writes an empty list as a blank line between the brackets.
        output(records == 0 ? "\n\n  ]" : "\n  ]")
    }

    /// Ends the document.
    public mutating func finish() {
        scalars(before: nil)
        output("\n}\n")
    }
}
