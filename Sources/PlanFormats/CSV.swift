/// Writing CSV (RFC 4180). Reading CSV is the importer's job and uses a CSV library.
public enum CSV {
    /// Quotes a cell when it holds a comma, quote or line break, and
    /// neutralises a cell a spreadsheet would run as a formula (one starting
    /// with `=`, `+`, `-`, `@`, tab or carriage return) by prefixing `'`.
    public static func cell(_ value: String) -> String {
        // Most cells need nothing done: one pass over the bytes says so.
        var copy = value
        if copy.withUTF8(isPlain) { return value }
        var text = value
        if let first = text.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) {
            // A plain negative number or an ISO date is data, not a formula.
            if !isPlainNumber(text) { text = "'" + text }
        }
        if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            var quoted = "\""
            for character in text {
                if character == "\"" { quoted += "\"\"" } else { quoted.append(character) }
            }
            return quoted + "\""
        }
        return text
    }

    /// A cell written as it is: no leading formula character, nothing to quote.
    static func isPlain(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        if let first = utf8.first, first == UInt8(ascii: "=") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-")
            || first == UInt8(ascii: "@") || first == 9 || first == 13 {
            return false
        }
        return !utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
    }

    static func isPlainNumber(_ text: String) -> Bool {
        guard text.first == "-" || text.first == "+" else { return false }
        let rest = text.dropFirst()
        return !rest.isEmpty && rest.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") }
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

import Foundation
