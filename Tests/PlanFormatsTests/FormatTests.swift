import Testing
@testable import PlanFormats

@Suite("Formats")
struct FormatTests {
    @Test("CSV quotes what needs quoting and neutralises formulas", arguments: [
        ("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("two\nlines", "\"two\nlines\""),
        ("=SUM(A1)", "'=SUM(A1)"), ("+1+1", "'+1+1"), ("@cmd", "'@cmd"), ("-5", "-5"), ("-2+3", "'-2+3"), ("\tx", "'\tx"),
    ])
    func csvCells(input: String, expected: String) {
        #expect(CSV.cell(input) == expected)
    }

    @Test("terminal text never carries escape sequences or line breaks in a cell")
    func sanitise() {
        #expect(Sanitise.line("red\u{1B}[31mtext\u{1B}[0m\nnext") == "redtext next")
        #expect(Sanitise.line("title\u{1B}]0;evil\u{07}end") == "titleend")
        #expect(Sanitise.block("a\nb\u{7}") == "a\nb")
    }

    @Test("text tables align columns and colour RAG only when asked")
    func table() {
        let table = Table(columns: [.init("id", alignRight: true), .init("rag", isRAG: true)], rows: [["7", "red"], ["12", "green"]])
        #expect(table.renderText(style: .plain) == "id  rag\n 7  red\n12  green\n")
        #expect(table.renderText(style: TextStyle(color: true, terminal: true)).contains("\u{1B}[31mred"))
        #expect(table.renderMarkdown().hasPrefix("| id | rag |\n| ---: | --- |\n"))
        #expect(table.renderCSV() == "id,rag\r\n7,red\r\n12,green\r\n")
    }
}

@Suite("Terminal wrapping")
struct WrapTests {
    @Test("a table wider than the terminal wraps its wrap columns at word boundaries")
    func wraps() {
        let table = Table(columns: [.init("id"), .init("title", wrap: true)],
                          rows: [["1", "Commission additional counselling for children at risk of harm"]])
        let text = table.renderText(style: TextStyle(color: false, terminal: true, width: 24))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.allSatisfy { $0.count <= 24 })
        #expect(lines.count > 2)
        #expect(text.contains("1   Commission\n    additional\n"))
        #expect(Table.wrap("alpha beta gamma", width: 10) == ["alpha beta", "gamma"])
        #expect(Table.wrap("abcdefghijkl", width: 5) == ["abcde", "fghij", "kl"])
    }

    @Test("without a width nothing wraps")
    func noWidth() {
        let table = Table(columns: [.init("title", wrap: true)], rows: [["a long title that stays on one line"]])
        #expect(table.renderText(style: .plain) == "title\na long title that stays on one line\n")
    }
}
