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

    public mutating func record<T: Codable & Sendable>(_ record: T, in section: PlanFile.Section<T>) throws {
        // Nested four spaces in, as the whole-document encoder nests it: its blank line inside an empty list stays blank.
        var text = JSONOutput.escapingInvisible(try encoder.encode(record))
        var bytes: [UInt8] = Array(records == 0 ? "\n    ".utf8 : ",\n    ".utf8)
        text.withUTF8 { utf8 in
            bytes.reserveCapacity(bytes.count + utf8.count + utf8.count / 8)
            for (index, byte) in utf8.enumerated() {
                bytes.append(byte)
                if byte == UInt8(ascii: "\n"), index + 1 < utf8.count, utf8[index + 1] != UInt8(ascii: "\n") {
                    bytes.append(contentsOf: [0x20, 0x20, 0x20, 0x20])
                }
            }
        }
        output(String(decoding: bytes, as: UTF8.self))
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
