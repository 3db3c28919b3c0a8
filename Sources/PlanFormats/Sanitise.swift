/// Makes stored text safe to print on a terminal: escape sequences and
/// control characters never reach the screen, line breaks fold to spaces in
/// table cells.
public enum Sanitise {
    /// Text for one table cell: no control characters, no line breaks.
    public static func line(_ text: String) -> String {
        if isPlain(text) { return text }
        var output = ""
        output.reserveCapacity(text.count)
        var lastWasSpace = false
        for scalar in stripEscapes(text).unicodeScalars {
            if scalar == "\n" || scalar == "\r" || scalar == "\t" {
                if !lastWasSpace { output.unicodeScalars.append(" ") }
                lastWasSpace = true
                continue
            }
            if isControl(scalar) { continue }
            output.unicodeScalars.append(scalar)
            lastWasSpace = scalar == " "
        }
        return output
    }

    /// Multi-line text for a detail view: line breaks kept, other controls removed.
    public static func block(_ text: String) -> String {
        var output = ""
        for scalar in stripEscapes(text).unicodeScalars where scalar == "\n" || !isControl(scalar) {
            output.unicodeScalars.append(scalar == "\t" ? " " : scalar)
        }
        return output
    }

    /// True when no byte is a control character (the common case, checked in one pass).
    static func isPlain(_ text: String) -> Bool { look(text).plain }

    /// One pass over the bytes: no control character (nothing for `line` to
    /// remove; 0xC2 leads the C1 controls), and all ASCII (width = bytes).
    private static func look(_ text: String) -> (plain: Bool, ascii: Bool) {
        var copy = text
        return copy.withUTF8 { bytes in
            var plain = true, ascii = true
            for byte in bytes {
                if byte < 0x20 || byte == 0x7F || byte == 0xC2 { plain = false }
                if byte >= 0x80 { ascii = false }
            }
            return (plain, ascii)
        }
    }

    /// Text for one table cell (as `line`) and the characters a terminal
    /// shows for it, from one look at the common case: plain ASCII.
    static func cell(_ text: String) -> (text: String, width: Int) {
        let (plain, ascii) = look(text)
        if plain { return (text, ascii ? text.utf8.count : text.count) }
        let clean = line(text)
        return (clean, width(clean))
    }

    /// Characters a terminal shows for the text (its bytes when it is ASCII).
    public static func width(_ text: String) -> Int { look(text).ascii ? text.utf8.count : text.count }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// Removes ANSI/VT escape sequences (CSI, OSC and two-character escapes).
    static func stripEscapes(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "\u{1B}" || $0 == "\u{9B}" }) else { return text }
        var output = String.UnicodeScalarView()
        var iterator = text.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            guard scalar == "\u{1B}" || scalar == "\u{9B}" else { output.append(scalar); continue }
            var kind = scalar == "\u{9B}" ? Unicode.Scalar("[") : iterator.next()
            if kind == "[" {
                // CSI: parameters and intermediates until a final byte 0x40–0x7E.
                while let next = iterator.next(), !(0x40...0x7E).contains(next.value) {}
            } else if kind == "]" || kind == "P" || kind == "_" || kind == "^" {
                // OSC and friends: until BEL or ESC \.
                while let next = iterator.next() {
                    if next == "\u{07}" { break }
                    if next == "\u{1B}" { _ = iterator.next(); break }
                }
            }
            kind = nil
        }
        return String(output)
    }
}
