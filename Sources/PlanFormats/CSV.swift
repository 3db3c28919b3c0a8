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
    static func appendEscaped<Output: ByteOutput>(_ utf8: UnsafeBufferPointer<UInt8>, to out: inout Output) {
        // The cell without its controls, in memory borrowed for the call (on the stack when short).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(utf8.count, 1)) { kept in
            var count = 0
            var index = 0
            while index < utf8.count {
                let byte = utf8[index]
                // C1 controls are U+0080–U+009F: 0xC2 then 0x80–0x9F in UTF-8.
                if byte == 0xC2, index + 1 < utf8.count, (0x80...0x9F).contains(utf8[index + 1]) { index += 2; continue }
                if !(byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) && byte != 0x7F { kept[count] = byte; count += 1 }
                index += 1
            }
            let text = UnsafeBufferPointer(rebasing: kept[..<count])
            let needsQuotes = text.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
            if needsQuotes { out.put(UInt8(ascii: "\"")) }
            if let first = text.first, isFormulaStart(first), !isPlainNumber(text) {
                // A plain negative number or an ISO date is data, not a formula.
                out.put(UInt8(ascii: "'"))
            }
            for byte in text {
                if byte == UInt8(ascii: "\"") { out.put(byte) }
                out.put(byte)
            }
            if needsQuotes { out.put(UInt8(ascii: "\"")) }
        }
    }

    /// A first byte that makes a spreadsheet read the cell as a formula: = + - @, tab or carriage return.
    @inline(__always)
    static func isFormulaStart(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D: return true
        default: return false
        }
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

    static func isPlainNumber<Bytes: Collection>(_ text: Bytes) -> Bool where Bytes.Element == UInt8 {
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
        append(line: cells, into: &bytes)
    }

    /// The same into a `ByteBuffer`.
    public static func append(line cells: [String], to buffer: ByteBuffer) {
        var buffer = buffer
        append(line: cells, into: &buffer)
    }

    /// The same for a row written by a `RowLayout`, straight from its bytes.
    public static func append(line cells: RowCells, to bytes: inout [UInt8]) {
        append(line: cells, into: &bytes)
    }

    /// The same into a `ByteBuffer`.
    public static func append(line cells: RowCells, to buffer: ByteBuffer) {
        var buffer = buffer
        append(line: cells, into: &buffer)
    }

    private static func append<Output: ByteOutput>(line cells: [String], into out: inout Output) {
        for (index, value) in cells.enumerated() {
            var value = value
            value.withUTF8 { append(cell: $0, first: index == 0, to: &out) }
        }
        out.put(13)
        out.put(10)
    }

    private static func append<Output: ByteOutput>(line cells: RowCells, into out: inout Output) {
        cells.forEachCell { index, utf8, plain in append(cell: utf8, first: index == 0, knownPlain: plain, to: &out) }
        out.put(13)
        out.put(10)
    }

    /// One cell of a record, after a comma unless it is the first; one known to be plain is not looked at.
    @inline(__always)
    private static func append<Output: ByteOutput>(cell utf8: UnsafeBufferPointer<UInt8>, first: Bool, knownPlain: Bool = false,
                                                   to out: inout Output) {
        if !first { out.put(UInt8(ascii: ",")) }
        if knownPlain || isPlain(utf8) { out.put(utf8) } else { appendEscaped(utf8, to: &out) }
    }
}
