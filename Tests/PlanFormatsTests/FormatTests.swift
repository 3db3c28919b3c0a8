import Testing
@testable import PlanFormats
import ImprovementPlan

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
        #expect(table.renderText(style: .plain) == "ID  RAG\n 7  red\n12  green\n")
        #expect(table.renderText(style: TextStyle(color: true, terminal: true)).contains("\u{1B}[31mred"))
        #expect(table.renderMarkdown().hasPrefix("| ID | RAG |\n| ---: | --- |\n"))
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
        #expect(table.renderText(style: .plain) == "Title\na long title that stays on one line\n")
    }

    @Test("headings: words in text and Markdown, the JSON name in CSV")
    func headings() {
        #expect(Table.title(for: "daysOverdue") == "Days overdue")
        #expect(Table.title(for: "linkInspector") == "Link inspector")
        #expect(Table.title(for: "rag") == "RAG")
        #expect(Table.title(for: "%") == "%")
        let table = Table(columns: [.init("daysOverdue", alignRight: true)], rows: [["3"]])
        #expect(table.renderText(style: .plain) == "Days overdue\n           3\n")
        #expect(table.renderMarkdown().hasPrefix("| Days overdue |"))
        #expect(table.renderCSV().hasPrefix("daysOverdue\r\n"))
    }

    @Test("a table too wide for the terminal leaves out columns, highest drop first, and says which")
    func dropColumns() {
        let table = Table(columns: [.init("id"), .init("agency", drop: 2), .init("title", wrap: true), .init("flags", drop: 1)],
                          rows: [["1", "Dundee City Council", "Commission counselling", "overdue slipped"]])
        // Everything: 2 + 19 + 22 + 15 + 6 = 64 columns.
        #expect(!table.renderText(style: TextStyle(color: false, terminal: true, width: 64)).contains("left out"))
        // At 50 the title wraps to 12 (its longest word), still 2 + 19 + 12 + 15 + 6 = 54: agency (drop 2) goes first.
        let fifty = table.renderText(style: TextStyle(color: false, terminal: true, width: 50))
        #expect(!fifty.contains("Dundee") && fifty.contains("overdue"), "\(fifty)")
        #expect(fifty.replacingOccurrences(of: "\n", with: " ").hasSuffix("(left out to fit 50 columns: Agency; --format csv has them all) "))
        #expect(fifty.split(separator: "\n").allSatisfy { $0.count <= 50 })
        // At 20 flags goes too; id and title are never left out.
        let twenty = table.renderText(style: TextStyle(color: false, terminal: true, width: 20))
        #expect(twenty.replacingOccurrences(of: "\n", with: " ").hasSuffix("(left out to fit 20 columns: Agency, Flags; --format csv has them all) "), "\(twenty)")
        #expect(twenty.contains("Commission"))
    }

    @Test("Markdown shows stored text as text: * _ | < and a leading - are escaped")
    func markdownEscapes() {
        #expect(Table.markdownEscaped("plain text, 2024-03-31") == "plain text, 2024-03-31")
        #expect(Table.markdownEscaped("*urgent* a_b | <b>x</b>") == "\\*urgent\\* a\\_b \\| \\<b\\>x\\</b\\>")
        #expect(Table.markdownEscaped("- still recruiting") == "\\- still recruiting")
        #expect(Table.markdownEscaped("# 1") == "\\# 1")
        // Beyond ASCII the same characters are escaped, and a special with a combining mark is another character.
        #expect(Table.markdownEscaped("Éilidh's *plan* | ok") == "Éilidh's \\*plan\\* \\| ok")
        #expect(Table.markdownEscaped("-é") == "\\-é")
        #expect(Table.markdownEscaped("-\u{301}x _") == "-\u{301}x \\_")
        #expect(Table.markdownEscaped("") == "")
        let table = Table(columns: [.init("title")], rows: [["*bold* | pipe"]])
        #expect(table.renderMarkdown().hasSuffix("| \\*bold\\* \\| pipe |\n"))
    }
}

@Suite("Tables measured a row at a time")
struct TableMeasureTests {
    @Test("a cell's longest word is as wide as splitting it at spaces says, ASCII or not", arguments: [
        "", " ", "one", "two words", "  lead and trail  ", "a\tb c", "Chronology\r\ntraining for all", "Éilidh Mac an t-Saoir",
        "日本語 テキスト", "e\u{301}e\u{301} x", "\u{1B}[31mred\u{1B}[0m word", "x" + String(repeating: "y", count: 40),
    ])
    func longestWord(text: String) {
        let expected = text.split(separator: " ").map { Sanitise.width(String($0)) }.max() ?? 0
        #expect(TableMeasure.longestWord(text) == expected)
    }

    @Test("a row buffer gives its cells back as given, with their widths, until its limit; past it, none")
    func rowBuffer() {
        let rows = [["2024-01-02", "update", "", "Éilidh: 50%"], ["", "", "", ""], ["a", "日本", "x y"]]
        func keep(_ row: [String], in buffer: RowBuffer) {
            for cell in row { buffer.append(cell: cell, width: Sanitise.width(cell)) }
            buffer.endRow()
        }
        let buffer = RowBuffer(limit: 64)
        for row in rows { keep(row, in: buffer) }
        var back: [[String]] = [], widths: [[Int]] = []
        buffer.forEach { row in
            back.append((0..<row.count).map(row.text))
            widths.append((0..<row.count).map(row.width))
        }
        #expect(!buffer.overflowed && back == rows)
        #expect(widths == rows.map { $0.map(Sanitise.width) } && widths[2] == [1, 4, 3])
        // Exactly at the limit it still keeps; one byte over, it keeps nothing from then on.
        let size = rows.joined().reduce(0) { $0 + $1.utf8.count }
        let exact = RowBuffer(limit: size)
        for row in rows { keep(row, in: exact) }
        #expect(!exact.overflowed)
        let over = RowBuffer(limit: size - 1)
        for row in rows { keep(row, in: over) }
        keep(["small"], in: over)
        var none = 0
        over.forEach { _ in none += 1 }
        #expect(over.overflowed && none == 0)
    }

    @Test("a row buffer grown to megabytes, a page at a time past the allocator's own mappings, gives back every cell and width; past its limit it keeps nothing and takes no more")
    func largeRowBuffer() {
        let buffer = RowBuffer(limit: 8 << 20)
        func row(_ n: Int) -> [String] { ["\(n)", String(repeating: "x", count: n % 97), n % 5 == 0 ? "" : "Éilidh \(n)"] }
        let count = 60_000
        for n in 0..<count {
            for cell in row(n) { buffer.append(cell: cell, width: cell.count) }
            buffer.endRow()
        }
        var read = 0, wrong = 0
        buffer.forEach { kept in
            let expected = row(read)
            if kept.count != expected.count || (0..<kept.count).contains(where: { kept.text($0) != expected[$0] || kept.width($0) != expected[$0].count }) {
                wrong += 1
            }
            read += 1
        }
        #expect(!buffer.overflowed && read == count && wrong == 0)
        // Over the limit: nothing kept, and nothing taken after.
        let small = RowBuffer(limit: 1 << 20)
        for n in 0..<count {
            for cell in row(n) { small.append(cell: cell, width: cell.count) }
            small.endRow()
        }
        var left = 0
        small.forEach { _ in left += 1 }
        #expect(small.overflowed && left == 0)
    }

    @Test("plain values appended one by one and in runs come back in order across every doubling; emptied, the memory is used again")
    func plainArray() {
        var numbers = PlainArray<UInt32>(), bytes = PlainArray<UInt8>(capacity: 1)
        for n in 0..<300_000 { numbers.append(UInt32(n)) }
        #expect(numbers.count == 300_000 && numbers.buffer.enumerated().allSatisfy { UInt32($0.offset) == $0.element })
        let run: [UInt8] = Array(0...250)
        // Runs of no byte, one, either side of the first room, and then enough to pass the allocator's own mappings.
        let lengths = [0, 1, 15, 16, 17, 251] + Array(repeating: 251, count: 2_000)
        for length in lengths {
            run.withUnsafeBufferPointer { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[0..<length])) }
        }
        let expected = lengths.flatMap { run[0..<$0] }
        #expect(Array(bytes.buffer) == expected)
        for keeping in [true, false] {
            numbers.removeAll(keepingCapacity: keeping)
            #expect(numbers.count == 0)
            for n in 0..<1_000 { numbers.append(UInt32(n * 3)) }
            #expect(Array(numbers.buffer) == (0..<1_000).map { UInt32($0 * 3) })
        }
        numbers.release()
        bytes.release()
    }

    @Test("a streamed table prints what the whole table prints, from its buffer or read again", arguments: [nil, 30, 60])
    func streamedTable(width: Int?) {
        let columns: [Table.Column] = [.init("date"), .init("n", alignRight: true), .init("event"), .init("what", wrap: true)]
        let rows = (0..<50).map { ["2024-01-\(10 + $0 % 20)", String($0 * 37 % 1000), $0 % 3 == 0 ? "update" : "extension",
                                   String(repeating: "word\($0) ", count: $0 % 7) + ($0 % 5 == 0 ? "\u{1B}[31mred\tline\nbreak 日本" : "Éilidh")] }
        + [["2024-02-01"], []]
        for colour in [false, true] {
        let style = TextStyle(color: colour, terminal: width != nil, width: width)
        let whole = Table(columns: columns, rows: rows).renderText(style: style)
        for limit in [16 << 20, 100, 0] {
            var table = StreamedTable(columns: columns, style: style, bufferLimit: limit)
            var reads = 0
            let source: (([String]) -> Void) -> Void = { each in reads += 1; rows.forEach(each) }
            source { table.add($0) }
            var printed: [UInt8] = []
            table.write(rows: source) { printed += $0 }
            #expect(String(decoding: printed, as: UTF8.self) == whole, "limit \(limit)")
            #expect(table.first == rows.first)
            // Kept whole, the rows are read once; past the limit, twice.
            #expect(reads == (limit == 16 << 20 ? 1 : 2), "limit \(limit)")
        }
        }
    }

    @Test("the eight-byte scan answers as a byte-by-byte look does, for every byte at every place in a word")
    func byteScan() {
        func word(_ bytes: [UInt8]) -> UInt64 { bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) } }
        let filler: [UInt8] = Array("abcdefgh".utf8)
        for value in 0...255 {
            for place in 0..<8 {
                var bytes = filler
                bytes[place] = UInt8(value)
                let w = word(bytes)
                #expect(ByteScan.printable(w) == (0x20...0x7E).contains(value), "byte \(value) at \(place)")
                #expect(ByteScan.has(w, UInt8(ascii: ",")) == (value == 0x2C), "byte \(value) at \(place)")
                #expect(ByteScan.has(w, 0) == (value == 0), "byte \(value) at \(place)")
                #expect(ByteScan.hasControl(w) == (value < 0x20), "byte \(value) at \(place)")
            }
        }
        // Words of mixed bytes (a fixed seed): the scan's answers are a byte-by-byte look's.
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<20_000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            var bytes: [UInt8] = []
            for place in 0..<8 {
                let byte = UInt8(truncatingIfNeeded: seed >> UInt64(place * 8))
                bytes.append(byte % 3 == 0 ? byte : byte & 0x7F)
            }
            let w = word(bytes)
            #expect(ByteScan.printable(w) == bytes.allSatisfy { (0x20...0x7E).contains($0) })
            #expect(ByteScan.has(w, 0x22) == bytes.contains(0x22))
            #expect(ByteScan.hasControl(w) == bytes.contains { $0 < 0x20 })
        }
    }

    @Test("a cell's printed text and width, and whether CSV writes it as it is, do not depend on where in the cell a special byte falls, nor on the cell's length")
    func wordScanPlaces() {
        // Each special character as a terminal cell shows it, and the columns it takes: written out here, not
        // worked out by the code under test (whose plain-text test is the scan itself).
        let shown: [String: (text: String, columns: Int)] = [
            "\u{7F}": ("", 0), "\n": (" ", 1), "\u{85}": (" ", 1), "\u{202E}": ("<U+202E>", 8),
            ",": (",", 1), "\"": ("\"", 1), "é": ("é", 1), "日": ("日", 2),
        ]
        for special in ["\u{1B}", "\n", "\u{7F}", "\u{85}", "\u{202E}", ",", "\"", "é", "日"] {
            // Every place in a word, and after it every length of the last, part-filled word (looked at byte by byte).
            for place in 0...20 {
                for after in Array(0...9) + [20] {
                    let text = String(repeating: "a", count: place) + special + String(repeating: "b", count: after)
                    let at = "\(special.debugDescription) at \(place) of \(place + after + 1)"
                    let (printed, width) = Sanitise.cell(text)
                    if let (middle, columns) = shown[special] {
                        let expected = String(repeating: "a", count: place) + middle + String(repeating: "b", count: after)
                        #expect(printed == expected && width == place + after + columns, "\(at)")
                    } else {
                        // An escape: it is gone, with whatever it swallowed; nothing left is a control character.
                        #expect(!printed.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } && width == printed.count, "\(at)")
                    }
                    var copy = text
                    let plain = copy.withUTF8 { CSV.isPlain($0) }
                    #expect(plain == ![",", "\"", "\n", "\u{1B}", "\u{7F}", "\u{85}"].contains(special), "\(at)")
                }
            }
        }
        // Plain cells of every length, whole words and part-filled ones: written as they are.
        for length in 0...25 {
            var copy = String(repeating: "x", count: length)
            #expect(copy.withUTF8 { CSV.isPlain($0) } && Sanitise.cell(copy) == (copy, length), "\(length) plain bytes")
        }
    }
}

@Suite("Row cells written as bytes")
struct RowCellsTests {
    @Test("a number is written as String(value) writes it, at every boundary", arguments: [
        0, 1, -1, 9, 10, -9, -10, 99, 100, 1_000_000, -1_000_000, Int64.max, Int64.min, Int64.max - 1, Int64.min + 1,
    ] as [Int64])
    func numbers(value: Int64) {
        let cells = RowCells()
        cells.start(leavingOut: 0)
        cells.number(value)
        cells.number(Int(truncatingIfNeeded: value))
        cells.number(nil as Int?)
        cells.number(Int(exactly: value))
        #expect(cells.strings == [String(value), String(Int(truncatingIfNeeded: value)), "", Int(exactly: value).map(String.init) ?? ""])
    }

    @Test("cells past the first buffer's room and count come back whole; a row written over the last leaves nothing of it")
    func growth() {
        let cells = RowCells()
        let long = (0..<40).map { "cell \($0) " + String(repeating: "é", count: $0 * 7) }
        cells.start(leavingOut: 0)
        for text in long { cells.text(text) }
        #expect(cells.strings == long && cells.count == 40)
        cells.start(leavingOut: 0)
        cells.text("one"); cells.date(nil, none: "never"); cells.date(CalendarDate(iso: "2024-02-29")); cells.flags([.stale, .overdue])
        cells.flags([.overdue], without: .overdue); cells.flags([])
        #expect(cells.strings == ["one", "never", "2024-02-29", "overdue stale", "", ""])
    }

    /// Rows of every kind of cell: plain ASCII, commas and quotes, formulas, tabs, escapes and breaks, accents, wide characters.
    static let rows: [[String]] = (0..<60).map { n in
        ["\(n)", n % 4 == 0 ? "Head of Service, Education" : "Owner \(n)", n % 5 == 0 ? "=SUM(A\(n))" : "-\(n)",
         String(repeating: "word\(n) ", count: n % 7) + (n % 6 == 0 ? "\u{1B}[31mred\tline\nbreak 日本" : "Éilidh \"Ness\""),
         n % 9 == 0 ? "" : "2024-01-\(10 + n % 20)", "\u{202E}rtl\(n)"]
    }

    @Test("CSV of a row's bytes is the CSV of its strings, cell for cell")
    func csv() {
        let cells = RowCells()
        for row in RowCellsTests.rows {
            cells.start(leavingOut: 0)
            for text in row { cells.text(text) }
            var bytes: [UInt8] = []
            CSV.append(line: cells, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == CSV.line(row))
        }
    }

    @Test("numbers, days and flags written as bytes make the CSV and the table their strings make, signs and far years included")
    func typedCells() {
        let days: [CalendarDate?] = [nil, CalendarDate(iso: "2024-02-29"), CalendarDate(dayNumber: -800_000), CalendarDate(dayNumber: 3_000_000)]
        let numbers: [Int] = [0, 7, -5, Int.max, Int.min]
        let cells = RowCells()
        var fromStrings = StreamedTable(columns: [.init("n", alignRight: true), .init("day"), .init("flags", wrap: true)], style: .plain)
        var fromBytes = fromStrings
        for (index, number) in numbers.enumerated() {
            cells.start(leavingOut: 0)
            cells.number(number)
            cells.date(days[index % days.count], none: index % 2 == 0 ? "never" : "-")
            cells.flags(index % 2 == 0 ? [.overdue, .behindSchedule] : [])
            let strings = [String(number), days[index % days.count]?.iso ?? (index % 2 == 0 ? "never" : "-"),
                           index % 2 == 0 ? "overdue behind-schedule" : ""]
            #expect(cells.strings == strings)
            var bytes: [UInt8] = []
            CSV.append(line: cells, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == CSV.line(strings))
            fromStrings.add(strings)
            fromBytes.add(cells)
        }
        var expected: [UInt8] = [], printed: [UInt8] = []
        fromStrings.write(rows: { _ in }) { expected += $0 }
        fromBytes.write(rows: { _ in }) { printed += $0 }
        #expect(printed == expected)
        #expect(CalendarDate(dayNumber: -800_000).iso.hasPrefix("-"))
    }

    @Test("a table of rows' bytes prints what the table of their strings prints", arguments: [nil, 30, 70])
    func table(width: Int?) {
        let columns: [Table.Column] = [.init("n", alignRight: true), .init("owner", wrap: true), .init("formula", drop: 1),
                                       .init("what", wrap: true, minWidth: 10), .init("due"), .init("mark", drop: 2)]
        for colour in [false, true] {
            let style = TextStyle(color: colour, terminal: width != nil, width: width)
            var fromStrings = StreamedTable(columns: columns, style: style)
            var fromBytes = StreamedTable(columns: columns, style: style)
            let cells = RowCells()
            for row in RowCellsTests.rows {
                fromStrings.add(row)
                cells.start(leavingOut: 0)
                for text in row { cells.text(text) }
                fromBytes.add(cells)
            }
            var expected: [UInt8] = [], printed: [UInt8] = []
            fromStrings.write(rows: { _ in }) { expected += $0 }
            fromBytes.write(rows: { _ in }) { printed += $0 }
            #expect(printed == expected && !printed.isEmpty)
            #expect(fromBytes.first == RowCellsTests.rows.first)
        }
    }

    @Test("a layout without a column, or two in either order, writes the row less those cells")
    func without() throws {
        let date = try #require(CalendarDate(iso: "2024-03-01"))
        let facts = ActionFacts(status: .inProgress, percent: 40, start: nil, originalDue: date, due: date.adding(days: 30),
                                completed: nil, lastActivity: date)
        let row = ActionRow(id: 12, ref: "2.1", partnership: "dundee", inspection: "dundee-2021", title: "Counselling, for all",
                            owner: "Head of Service", agency: "Council", selfAssessment: nil, facts: facts, lastUpdate: nil,
                            asOf: date.adding(days: 200), thresholds: .standard)
        for layout in [RowLayout.overdue, .list, .dueSoon, .stale, .ownerOverdue, .ownerOpen, .ownerCSV] {
            let all = layout.cells(row)
            #expect(all.count == layout.columns.count)
            let keys = layout.columns.map(\.key)
            for first in keys.indices {
                let one = layout.without(keys[first])
                var expected = all
                expected.remove(at: first)
                #expect(one.cells(row) == expected && one.columns.map(\.key) == keys.filter { $0 != keys[first] })
                for second in keys.indices where second != first {
                    let two = one.without(keys[second])
                    #expect(two.cells(row) == all.indices.filter { $0 != first && $0 != second }.map { all[$0] })
                }
            }
            #expect(layout.without("no such column").cells(row) == all)
        }
        let overdue = RowLayout.overdue.cells(row)
        #expect(overdue == ["12", "dundee", "2.1", "Counselling, for all", "Head of Service", "Council", "2024-03-31", "2024-03-01",
                            "170", "91-180", "", "slipped stale"])
    }
}
