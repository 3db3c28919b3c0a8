import ImprovementPlan

/// Rows and columns to show a person: rendered as an aligned text table, CSV
/// or Markdown by the same code, so every listing looks the same in each.
public struct Table: Sendable, Equatable {
    /// One column: its heading, how it aligns, and whether it holds RAG words to colour.
    public struct Column: Sendable, Equatable {
        /// The heading a person reads in a text or Markdown table: "Days overdue".
        public var title: String
        /// The heading of the CSV column, as JSON names the field: "daysOverdue".
        public var key: String
        public var alignRight: Bool
        public var isRAG: Bool
        /// On a terminal narrower than the table, this column's text wraps onto more lines.
        public var wrap: Bool
        /// On a terminal too narrow even with wrapping, columns are left out,
        /// the highest `drop` first; 0 is never left out.
        public var drop: Int
        /// The narrowest a wrap column is made (its heading and longest word, up to 20, may make it wider).
        public var minWidth: Int

        /// A column named by its key; the title is the key in words
        /// (`Table.title(for:)`) unless given.
        public init(_ key: String, title: String? = nil, alignRight: Bool = false, isRAG: Bool = false, wrap: Bool = false,
                    drop: Int = 0, minWidth: Int = 12) {
            self.key = key; self.title = title ?? Table.title(for: key)
            self.alignRight = alignRight; self.isRAG = isRAG; self.wrap = wrap; self.drop = drop; self.minWidth = minWidth
        }
    }

    /// A key as a heading: "daysOverdue" → "Days overdue", "rag" → "RAG".
    public static func title(for key: String) -> String {
        let words: [String: String] = ["id": "ID", "rag": "RAG", "qi": "QI", "ics": "ICS"]
        if let word = words[key] { return word }
        var title = ""
        for character in key {
            if character.isUppercase, !title.isEmpty { title += " " + character.lowercased() } else { title.append(character) }
        }
        return title.prefix(1).uppercased() + title.dropFirst()
    }

    public var columns: [Column]
    public var rows: [[String]]

    public init(columns: [Column], rows: [[String]] = []) {
        self.columns = columns
        self.rows = rows
    }

    public mutating func append(_ row: [String]) { rows.append(row) }
}

/// How text output is dressed: colour and cutting long cells only on a terminal.
public struct TextStyle: Sendable, Equatable {
    public var color: Bool
    public var terminal: Bool
    /// The terminal's width in columns; wrap columns wrap to fit it. Nil: no limit.
    public var width: Int?

    public init(color: Bool, terminal: Bool, width: Int? = nil) {
        self.color = color
        self.terminal = terminal
        self.width = width
    }

    public static let plain = TextStyle(color: false, terminal: false)

    static let reset = "\u{1B}[0m"

    /// The ANSI colour for a RAG word, or nil.
    static func colour(for word: String) -> String? {
        switch word {
        case RAG.red.rawValue: return "\u{1B}[31m"
        case RAG.amber.rawValue: return "\u{1B}[33m"
        case RAG.green.rawValue: return "\u{1B}[32m"
        case RAG.complete.rawValue: return "\u{1B}[34m"
        case RAG.withdrawn.rawValue: return "\u{1B}[2m"
        default: return nil
        }
    }

    public func bold(_ text: String) -> String { color ? "\u{1B}[1m" + text + TextStyle.reset : text }
}

extension Table {
    /// An aligned text table; empty tables say so instead. With a width,
    /// wrap columns are narrowed (widest first, to no less than 12) and
    /// their text wrapped so the table fits.
    ///
    /// When even that does not fit, columns are left out, the highest `drop`
    /// first, and a last line names them.
    public func renderText(style: TextStyle, empty: String = "(none)") -> String {
        guard !rows.isEmpty else { return empty + "\n" }
        // Each cell is sanitised and measured once, kept as printed in a
        // `RowBuffer`, and written from its bytes: a national report is tens
        // of thousands of lines, and sanitising every cell a second time and
        // building a string per cell and per line cost more than the query.
        var table = StreamedTable(columns: columns, style: style)
        for row in rows { table.add(row) }
        var output: [UInt8] = []
        table.write(rows: { each in for row in rows { each(row) } }) { output.append(contentsOf: $0) }
        return String(decoding: output, as: UTF8.self)
    }

    /// Text wrapped at spaces to `width`: its first `hanging` characters (a
    /// label and its padding) kept as they are, the lines after indented by as many.
    public static func hanging(_ text: String, hanging: Int, width: Int) -> String {
        let lines = wrap(String(text.dropFirst(hanging)), width: width - hanging)
        return String(text.prefix(hanging)) + lines.joined(separator: "\n" + String(repeating: " ", count: hanging))
    }

    /// Splits text into lines of at most `width` terminal columns, at spaces where it can.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [text] }
        var lines: [String] = []
        var current = "", currentWidth = 0
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            var piece = "", pieceWidth = 0
            var pieces: [(String, Int)] = []
            for character in word {
                let size = Sanitise.width(of: character)
                if pieceWidth + size > width, !piece.isEmpty {
                    pieces.append((piece, pieceWidth))
                    piece = ""; pieceWidth = 0
                }
                piece.append(character); pieceWidth += size
            }
            pieces.append((piece, pieceWidth))
            for (index, (text, size)) in pieces.enumerated() {
                let last = index == pieces.count - 1
                if !last {
                    // A word wider than the column is cut into full-width pieces, each on a line of its own.
                    if !current.isEmpty { lines.append(current); current = ""; currentWidth = 0 }
                    lines.append(text)
                } else if current.isEmpty {
                    current = text; currentWidth = size
                } else if currentWidth + 1 + size <= width {
                    current += " " + text; currentWidth += 1 + size
                } else {
                    lines.append(current)
                    current = text; currentWidth = size
                }
            }
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }

    /// RFC 4180 CSV with a header row; formula-like cells neutralised.
    public func renderCSV() -> String {
        var output = CSV.line(columns.map(\.key))
        for row in rows { output += CSV.line(row) }
        return output
    }

    /// A GitHub-flavoured Markdown table. Stored text is text: the
    /// characters Markdown or HTML would read as markup are escaped.
    public func renderMarkdown() -> String {
        Table.markdownHeader(columns) + rows.map(Table.markdownRow).joined()
    }

    /// A Markdown table's heading and rule lines, and one row's line.
    public static func markdownHeader(_ columns: [Column]) -> String {
        "| " + columns.map { markdownCell($0.title) }.joined(separator: " | ") + " |\n"
            + "|" + columns.map { $0.alignRight ? " ---: |" : " --- |" }.joined() + "\n"
    }

    public static func markdownRow(_ row: [String]) -> String { "| " + row.map(markdownCell).joined(separator: " | ") + " |\n" }

    static func markdownCell(_ cell: String) -> String { markdownEscaped(Sanitise.line(cell)) }

    /// Text as Markdown shows it literally: a backslash before each of
    /// \ ` * _ [ ] < > | ~ (emphasis, code, links, HTML, table cells, strike),
    /// and before a # + or - that starts the text (a heading or a list).
    public static func markdownEscaped(_ text: String) -> String {
        // ASCII text (nearly all): every special is one byte, escaped on the bytes.
        var ascii = true, plain = true, index = 0
        for byte in text.utf8 {
            if byte >= 0x80 { ascii = false; break }
            if markdownSpecialBytes.contains(byte) || (index == 0 && markdownStartingBytes.contains(byte)) { plain = false }
            index += 1
        }
        if ascii {
            if plain { return text }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.utf8.count + 8)
            for (index, byte) in text.utf8.enumerated() {
                if markdownSpecialBytes.contains(byte) || (index == 0 && markdownStartingBytes.contains(byte)) { bytes.append(UInt8(ascii: "\\")) }
                bytes.append(byte)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        // Otherwise by Character: a special followed by a combining mark is another character, left as it is.
        guard text.contains(where: { markdownSpecial.contains($0) }) || text.first.map(markdownStarting.contains) == true else { return text }
        var output = ""
        for (index, character) in text.enumerated() {
            if markdownSpecial.contains(character) || (index == 0 && markdownStarting.contains(character)) { output.append("\\") }
            output.append(character)
        }
        return output
    }

    private static let markdownSpecial: Set<Character> = ["\\", "`", "*", "_", "[", "]", "<", ">", "|", "~"]
    private static let markdownStarting: Set<Character> = ["#", "+", "-"]
    private static let markdownSpecialBytes = markdownSpecial.compactMap(\.asciiValue)
    private static let markdownStartingBytes = markdownStarting.compactMap(\.asciiValue)
}

import Foundation
