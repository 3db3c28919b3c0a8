/// Makes text a user or a file supplied safe to print on a terminal: escape
/// sequences and control characters never reach the screen, line breaks fold
/// to spaces in one-line contexts, and the invisible characters that reorder
/// text (bidirectional overrides, embeddings, isolates and marks) are shown
/// as `<U+202E>` so a line cannot be made to read other than it is.
///
/// Every check is on Unicode scalars or bytes, never on `Character`s, where
/// `"\r\n"` is one Character equal to neither `"\r"` nor `"\n"`.
public enum Sanitise {
    /// Text for one line (a table cell, a heading, an error message): no
    /// control characters, line breaks as single spaces, reordering marks visible.
    public static func line(_ text: String) -> String {
        if isPlain(text) { return text }
        var output = String.UnicodeScalarView()
        var lastWasSpace = false
        for scalar in stripEscapes(text).unicodeScalars {
            if isBreak(scalar) || scalar == "\t" {
                if !lastWasSpace { output.append(" ") }
                lastWasSpace = true
                continue
            }
            if isControl(scalar) { continue }
            if isReordering(scalar) { output.append(contentsOf: visible(scalar).unicodeScalars) } else { output.append(scalar) }
            lastWasSpace = scalar == " "
        }
        return String(output)
    }

    /// Multi-line text for a detail view: each line break (CR LF, CR, LF,
    /// U+2028, U+2029) becomes one LF, tabs become spaces, other controls are
    /// removed and reordering marks shown.
    public static func block(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        var previous: Unicode.Scalar?
        for scalar in stripEscapes(text).unicodeScalars {
            defer { previous = scalar }
            if scalar == "\n", previous == "\r" { continue }
            if isBreak(scalar) { output.append("\n"); continue }
            if scalar == "\t" { output.append(" "); continue }
            if isControl(scalar) { continue }
            if isReordering(scalar) { output.append(contentsOf: visible(scalar).unicodeScalars) } else { output.append(scalar) }
        }
        return String(output)
    }

    /// True when nothing in the text needs `line` to change it (the common case, one pass).
    static func isPlain(_ text: String) -> Bool { look(text).plain }

    /// One pass over the bytes: nothing for `line` to change (no control
    /// character, line break or reordering mark), and all ASCII (width = bytes).
    private static func look(_ text: String) -> (plain: Bool, ascii: Bool) {
        var copy = text
        return copy.withUTF8 { look($0) }
    }

    /// The same look at a cell's UTF-8 bytes.
    static func look(_ bytes: UnsafeBufferPointer<UInt8>) -> (plain: Bool, ascii: Bool) {
        var plain = true, ascii = true
        // Whole words of printable ASCII, as nearly every cell is whole; from the first that is not, byte by byte.
        var index = ByteScan.plainWords(bytes)
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x20 || byte == 0x7F || byte == 0xC2 { plain = false }  // 0xC2 leads the C1 controls
            if byte >= 0x80 {
                ascii = false
                // U+061C (D8 9C), U+200E/F, U+2028–U+202E (E2 80 ..), U+2066–U+2069 (E2 81 A6–A9).
                if byte == 0xD8, index + 1 < bytes.count, bytes[index + 1] == 0x9C { plain = false }
                if byte == 0xE2, index + 2 < bytes.count {
                    let second = bytes[index + 1], third = bytes[index + 2]
                    if second == 0x80, third == 0x8E || third == 0x8F || (0xA8...0xAE).contains(third) { plain = false }
                    if second == 0x81, (0xA6...0xA9).contains(third) { plain = false }
                }
            }
            index += 1
        }
        return (plain, ascii)
    }

    /// Text for one table cell (as `line`) and the columns a terminal
    /// gives it, from one look at the common case: plain ASCII.
    static func cell(_ text: String) -> (text: String, width: Int) {
        let (plain, ascii) = look(text)
        if plain { return (text, ascii ? text.utf8.count : width(text)) }
        let clean = line(text)
        return (clean, width(clean))
    }

    /// Columns a terminal gives the text: East Asian wide and fullwidth
    /// characters take two, combining marks and zero-width characters none,
    /// everything else one (its bytes when it is ASCII).
    public static func width(_ text: String) -> Int {
        if look(text).ascii { return text.utf8.count }
        var total = 0
        for scalar in text.unicodeScalars { total += width(of: scalar) }
        return total
    }

    /// Columns one scalar takes on a terminal (wcwidth's rule).
    static func width(of scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x7F { return value < 0x20 ? 0 : 1 }
        if value < 0xA0 { return 0 }
        if value == 0x200B || (0x200C...0x200F).contains(value) || value == 0x2060 || value == 0xFEFF { return 0 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        return isWide(value) ? 2 : 1
    }

    /// East Asian Width W or F (Unicode's EastAsianWidth.txt, folded into ranges).
    static func isWide(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0, 0x23F3,
             0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F, 0x2693, 0x26A1, 0x26AA...0x26AB,
             0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE, 0x26D4, 0x26EA, 0x26F2...0x26F3, 0x26F5, 0x26FA, 0x26FD,
             0x2705, 0x270A...0x270B, 0x2728, 0x274C, 0x274E, 0x2753...0x2755, 0x2757, 0x2795...0x2797, 0x27B0,
             0x27BF, 0x2B1B...0x2B1C, 0x2B50, 0x2B55, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
             0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF,
             0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4,
             0x17000...0x18CFF, 0x1B000...0x1B2FF, 0x1F004, 0x1F0CF, 0x1F18E, 0x1F191...0x1F19A,
             0x1F200...0x1F251, 0x1F300...0x1F64F, 0x1F680...0x1F6FF, 0x1F7E0...0x1F7EB, 0x1F90C...0x1F9FF,
             0x1FA70...0x1FAFF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// Columns one Character takes (the sum of its scalars').
    static func width(of character: Character) -> Int {
        var total = 0
        for scalar in character.unicodeScalars { total += width(of: scalar) }
        return total
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// A line break: LF, CR, vertical tab, form feed, NEL, U+2028, U+2029.
    static func isBreak(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// The invisible characters that change the order text is shown in.
    public static func isReordering(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// `<U+202E>`: how a reordering mark is shown.
    static func visible(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "<U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + ">"
    }

    /// Removes ANSI/VT escape sequences (CSI, OSC and two-character escapes).
    static func stripEscapes(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "\u{1B}" || $0 == "\u{9B}" || $0 == "\u{9D}" }) else { return text }
        var output = String.UnicodeScalarView()
        var iterator = text.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            guard scalar == "\u{1B}" || scalar == "\u{9B}" || scalar == "\u{9D}" else { output.append(scalar); continue }
            let kind = scalar == "\u{9B}" ? Unicode.Scalar("[") : scalar == "\u{9D}" ? Unicode.Scalar("]") : iterator.next()
            if kind == "[" {
                // CSI: parameters and intermediates until a final byte 0x40–0x7E.
                while let next = iterator.next(), !(0x40...0x7E).contains(next.value) {}
            } else if kind == "]" || kind == "P" || kind == "_" || kind == "^" {
                // OSC and friends: until BEL, ST (U+009C) or ESC \.
                while let next = iterator.next() {
                    if next == "\u{07}" || next == "\u{9C}" { break }
                    if next == "\u{1B}" { _ = iterator.next(); break }
                }
            }
        }
        return String(output)
    }
}
