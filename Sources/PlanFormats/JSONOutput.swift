import Foundation

/// The one JSON style of every command: camelCase fields, sorted keys,
/// pretty-printed, dates as `YYYY-MM-DD`.
public enum JSONOutput {
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}

extension JSONOutput {
    /// A value encoded as a JSON fragment to sit inside a document that is
    /// being streamed: lines after the first indented by `indent` spaces.
    public static func fragment<T: Encodable>(_ value: T, indent: Int) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let text = String(decoding: try encoder.encode(value), as: UTF8.self)
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
