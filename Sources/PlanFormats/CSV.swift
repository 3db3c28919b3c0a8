/// Writing CSV (RFC 4180). Reading CSV is the importer's job and uses a CSV library.
///
/// Every decision is made on Unicode scalars or bytes, never on Swift
/// `Character`s: `"\r\n"` is one Character, equal neither to `"\r"` nor to
/// `"\n"`, and a check written with Characters let a CRLF through unquoted,
/// so the text after it began a row of its own (and could start a formula).
public enum CSV {
    /// Quotes a cell when it holds a comma, quote or line break (CR or LF,
    /// alone or together), drops control characters a terminal would act on
    /// (ESC, BEL, backspace, C1 controls; tab and line breaks stay), and
    /// neutralises a cell a spreadsheet would run as a formula (one starting
    /// with `=`, `+`, `-`, `@`, tab or carriage return) by prefixing `'`.
    public static func cell(_ value: String) -> String {
        // Most cells need nothing done: one pass over the bytes says so.
        var copy = value
        if copy.withUTF8(isPlain) { return value }
        var scalars = String.UnicodeScalarView()
        for scalar in value.unicodeScalars where !isDropped(scalar) { scalars.append(scalar) }
        var text = String(scalars)
        if let first = text.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) {
            // A plain negative number or an ISO date is data, not a formula.
            if !isPlainNumber(text) { text = "'" + text }
        }
        if text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            var quoted = String.UnicodeScalarView()
            quoted.append("\"")
            for scalar in text.unicodeScalars {
                if scalar == "\"" { quoted.append("\"") }
                quoted.append(scalar)
            }
            quoted.append("\"")
            return String(quoted)
        }
        return text
    }

    /// A control character that never reaches a cell: C0 other than tab, LF
    /// and CR; DEL; and the C1 controls (U+0080–U+009F, U+009B among them).
    static func isDropped(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x20 { return value != 0x09 && value != 0x0A && value != 0x0D }
        return (0x7F...0x9F).contains(value)
    }

    /// A cell written as it is: no leading formula character, nothing to
    /// quote, no control character (0xC2 leads the C1 controls in UTF-8).
    static func isPlain(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        if let first = utf8.first, first == UInt8(ascii: "=") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-")
            || first == UInt8(ascii: "@") {
            return false
        }
        return !utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 }
    }

    static func isPlainNumber(_ text: String) -> Bool {
        guard text.first == "-" || text.first == "+" else { return false }
        let rest = text.unicodeScalars.dropFirst()
        return !rest.isEmpty && rest.allSatisfy { ("0"..."9").contains($0) || $0 == "." }
    }

    /// One CSV record with its CRLF line end.
    public static func line(_ cells: [String]) -> String {
        var bytes: [UInt8] = []
        append(line: cells, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends one CSV record with its CRLF line end to `bytes`: a report
    /// streams hundreds of thousands of rows, so plain cells (nearly all) are
    /// copied straight in, with no string built for the cell or the line.
    public static func append(line cells: [String], to bytes: inout [UInt8]) {
        for (index, value) in cells.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            var value = value
            let copied = value.withUTF8 { utf8 -> Bool in
                guard isPlain(utf8) else { return false }
                bytes.append(contentsOf: utf8)
                return true
            }
            if !copied { bytes.append(contentsOf: cell(value).utf8) }
        }
        bytes.append(13)
        bytes.append(10)
    }
}
