import ImprovementPlan

/// Rows and columns to show a person: rendered as an aligned text table, CSV
/// or Markdown by the same code, so every listing looks the same in each.
public struct Table: Sendable, Equatable {
    /// One column: its heading, how it aligns, and whether it holds RAG words to colour.
    public struct Column: Sendable, Equatable {
        public var title: String
        public var alignRight: Bool
        public var isRAG: Bool
        /// On a terminal, longer text is cut to this many characters (with an ellipsis).
        public var maxWidth: Int?

        public init(_ title: String, alignRight: Bool = false, isRAG: Bool = false, maxWidth: Int? = nil) {
            self.title = title; self.alignRight = alignRight; self.isRAG = isRAG; self.maxWidth = maxWidth
        }
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

    public init(color: Bool, terminal: Bool) {
        self.color = color
        self.terminal = terminal
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
    /// An aligned text table; empty tables say so instead.
    public func renderText(style: TextStyle, empty: String = "(none)") -> String {
        guard !rows.isEmpty else { return empty + "\n" }
        let cells: [[String]] = rows.map { row in
            columns.indices.map { index in
                let value = Sanitise.line(index < row.count ? row[index] : "")
                if style.terminal, let limit = columns[index].maxWidth, value.count > limit {
                    return String(value.prefix(limit - 1)) + "…"
                }
                return value
            }
        }
        var widths = columns.map(\.title.count)
        for row in cells {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ row: [String], header: Bool) -> String {
            var parts: [String] = []
            for (index, cell) in row.enumerated() {
                let column = columns[index]
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                let last = index == row.count - 1
                var text = column.alignRight ? padding + cell : cell + (last ? "" : padding)
                if header { text = style.bold(text) }
                if !header, style.color, column.isRAG, let code = TextStyle.colour(for: cell) {
                    text = code + text + TextStyle.reset
                }
                parts.append(text)
            }
            var text = parts.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        var output = line(columns.map(\.title), header: true) + "\n"
        for row in cells { output += line(row, header: false) + "\n" }
        return output
    }

    /// RFC 4180 CSV with a header row; formula-like cells neutralised.
    public func renderCSV() -> String {
        var output = CSV.line(columns.map(\.title))
        for row in rows { output += CSV.line(row) }
        return output
    }

    /// A GitHub-flavoured Markdown table.
    public func renderMarkdown() -> String {
        func escape(_ cell: String) -> String {
            Sanitise.line(cell).replacingOccurrences(of: "|", with: "\\|")
        }
        var output = "| " + columns.map { escape($0.title) }.joined(separator: " | ") + " |\n"
        output += "|" + columns.map { $0.alignRight ? " ---: |" : " --- |" }.joined() + "\n"
        for row in rows { output += "| " + row.map(escape).joined(separator: " | ") + " |\n" }
        return output
    }
}

import Foundation
