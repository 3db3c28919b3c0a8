import Foundation
import ImprovementPlan

/// The one JSON style of every command: camelCase fields, sorted keys,
/// pretty-printed, dates as `YYYY-MM-DD`. Characters a terminal would act on
/// or that reorder text (DEL, the C1 controls such as U+009B, U+2028/U+2029,
/// the bidirectional marks) are written as `\uXXXX` escapes: the same
/// string to any JSON reader, nothing live on a screen.
public enum JSONOutput {
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return escapingInvisible(try encoder.encode(value)) + "\n"
    }

    /// The encoder's UTF-8 with the characters above escaped. JSON's own
    /// syntax is ASCII, so any such character is inside a string.
    static func escapingInvisible(_ data: Data) -> String {
        let text = String(decoding: data, as: UTF8.self)
        // Each of these characters starts with one of these bytes in UTF-8.
        guard data.contains(where: { $0 == 0x7F || $0 == 0xC2 || $0 == 0xD8 || $0 == 0xE2 }) else { return text }
        var output = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value == 0x7F || (0x80...0x9F).contains(value) || value == 0x2028 || value == 0x2029 || Sanitise.isReordering(scalar) {
                let hex = String(value, radix: 16)
                output.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).unicodeScalars)
            } else {
                output.append(scalar)
            }
        }
        return String(output)
    }
}

extension JSONOutput {
    /// A value encoded as a JSON fragment to sit inside a document that is
    /// being streamed: lines after the first indented by `indent` spaces.
    public static func fragment<T: Encodable>(_ value: T, indent: Int) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let text = escapingInvisible(try encoder.encode(value))
        return text.replacingOccurrences(of: "\n", with: "\n" + String(repeating: " ", count: indent))
    }

    /// A string as a JSON string literal.
    public static func quoted(_ text: String) -> String {
        (try? fragment(text, indent: 0)) ?? "\"\""
    }
}

/// Facts about this build that outputs name.
public enum PlanFormatsInfo {
    public static let version = "0.1.0"
}

/// The one shape of every report's JSON (`report ... --format json`):
/// `report` (its name), `asOf`, the report's list under one key (`rows` of
/// actions, `partnerships` or `owners`), the `thresholds` it was computed
/// with, and `totals` over the list. docs/json.md and docs/output.schema.json
/// describe each.
public struct ReportEnvelope<Item: Encodable, Totals: Encodable>: Encodable {
    public var report: String
    public var asOf: CalendarDate
    public var listKey: String
    public var items: [Item]
    public var thresholds: Thresholds
    public var totals: Totals

    public init(report: String, asOf: CalendarDate, listKey: String, items: [Item], thresholds: Thresholds, totals: Totals) {
        self.report = report; self.asOf = asOf; self.listKey = listKey; self.items = items
        self.thresholds = thresholds; self.totals = totals
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(report, forKey: Key("report"))
        try container.encode(asOf, forKey: Key("asOf"))
        try container.encode(items, forKey: Key(listKey))
        try container.encode(thresholds, forKey: Key("thresholds"))
        try container.encode(totals, forKey: Key("totals"))
    }
}

/// The totals of a report that is one list of actions.
public struct CountTotals: Codable, Sendable {
    public var count: Int
    public init(count: Int) { self.count = count }
}
