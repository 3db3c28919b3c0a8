import Foundation

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
