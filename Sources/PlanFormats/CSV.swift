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
        return copy.withUTF8 { utf8 in
            if isPlain(utf8) { return value }
            var bytes: [UInt8] = []
            appendEscaped(utf8, to: &bytes)
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Appends the cell `utf8` as `cell` writes it, byte by byte (no string
    /// built): controls dropped, a formula neutralised, quoted when it must be.
    static func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var text: [UInt8] = []
        text.reserveCapacity(utf8.count)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            // C1 controls are U+0080–U+009F: 0xC2 then 0x80–0x9F in UTF-8.
            if byte == 0xC2, index + 1 < utf8.count, (0x80...0x9F).contains(utf8[index + 1]) { index += 2; continue }
            if !(byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) && byte != 0x7F { text.append(byte) }
            index += 1
        }
        let needsQuotes = text.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        if needsQuotes { out.append(UInt8(ascii: "\"")) }
        if let first = text.first, [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D].contains(first),
           !isPlainNumber(text) {
            // A plain negative number or an ISO date is data, not a formula.
            out.append(UInt8(ascii: "'"))
        }
        for byte in text {
            if byte == UInt8(ascii: "\"") { out.append(byte) }
            out.append(byte)
        }
        if needsQuotes { out.append(UInt8(ascii: "\"")) }
    }

    /// A cell written as it is: no leading formula character, nothing to
    /// quote, no control character (0xC2 leads the C1 controls in UTF-8).
    static func isPlain(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        if let first = utf8.first, first == UInt8(ascii: "=") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-")
            || first == UInt8(ascii: "@") {
            return false
        }
        let start = ByteScan.plainWords(utf8, excluding: UInt8(ascii: ","), UInt8(ascii: "\""))
        return !utf8[start...].contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 }
    }

    static func isPlainNumber(_ text: [UInt8]) -> Bool {
        guard text.first == UInt8(ascii: "-") || text.first == UInt8(ascii: "+") else { return false }
        let rest = text.dropFirst()
        return !rest.isEmpty && rest.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: ".") }
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
            var value = value
            value.withUTF8 { append(cell: $0, first: index == 0, to: &bytes) }
        }
        bytes.append(13)
        bytes.append(10)
    }

    /// The same for a row written by a `RowLayout`, straight from its bytes.
    public static func append(line cells: RowCells, to bytes: inout [UInt8]) {
        cells.forEachCell { index, utf8 in append(cell: utf8, first: index == 0, to: &bytes) }
        bytes.append(13)
        bytes.append(10)
    }

    /// One cell of a record, after a comma unless it is the first.
    @inline(__always)
    private static func append(cell utf8: UnsafeBufferPointer<UInt8>, first: Bool, to bytes: inout [UInt8]) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        if isPlain(utf8) { bytes.append(contentsOf: utf8) } else { appendEscaped(utf8, to: &bytes) }
    }
}
