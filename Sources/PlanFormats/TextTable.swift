import ImprovementPlan

/// What an aligned text table needs to know of its rows before it prints
/// the first: each column's widest cell and longest word. Taken a row at a
/// time, so a table of tens of thousands of rows can be printed in two
/// passes over its source (one to measure, one to print) without holding it.
public struct TableMeasure: Sendable {
    public let columns: [Table.Column]
    /// Each column's widest cell as printed (its heading included).
    var widths: [Int]
    /// Each column's longest space-separated word, as given and as printed.
    var givenWords: [Int]
    var printedWords: [Int]
    /// The rows measured.
    public private(set) var count = 0
    /// Whether the wrap columns' words are measured: only a table fitted to a
    /// width (`TextStyle.width`) needs them, and splitting every cell into words costs.
    let measuresWords: Bool

    /// A measure for a table printed in `style` (words are measured only when it has a width).
    public init(columns: [Table.Column], style: TextStyle) {
        self.columns = columns
        measuresWords = style.width != nil
        widths = columns.map { Sanitise.width($0.title) }
        givenWords = Array(repeating: 0, count: columns.count)
        printedWords = givenWords
    }

    public mutating func add(_ row: [String]) {
        for index in columns.indices where index < row.count {
            let (text, width) = Sanitise.cell(row[index])
            add(cell: index, given: row[index], text: text, width: width)
        }
        countRow()
    }

    /// One cell of the row being added: as given, and as printed with its width.
    @inline(__always)
    mutating func add(cell index: Int, given: String, text: String, width: Int) {
        if width > widths[index] { widths[index] = width }
        guard measuresWords, columns[index].wrap else { return }
        givenWords[index] = max(givenWords[index], TableMeasure.longestWord(given))
        printedWords[index] = max(printedWords[index], TableMeasure.longestWord(text))
    }

    /// One cell of printable ASCII, as given and as printed (they are the same), as wide as its bytes.
    @inline(__always)
    mutating func add(cell index: Int, ascii bytes: UnsafeBufferPointer<UInt8>) {
        if bytes.count > widths[index] { widths[index] = bytes.count }
        guard measuresWords, columns[index].wrap else { return }
        let longest = TableMeasure.longestWord(ascii: bytes)
        givenWords[index] = max(givenWords[index], longest)
        printedWords[index] = max(printedWords[index], longest)
    }

    /// Counts the row whose cells were added one by one.
    mutating func countRow() { count += 1 }

    /// The longest space-separated word of ASCII bytes (each as wide as a byte).
    static func longestWord(ascii bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var run = 0, longest = 0
        for byte in bytes {
            if byte == 0x20 { longest = max(longest, run); run = 0 } else { run += 1 }
        }
        return max(longest, run)
    }

    static func longestWord(_ text: String) -> Int {
        // ASCII text (nearly all): words are the runs between spaces, each as wide as its bytes.
        var copy = text
        if let ascii = copy.withUTF8({ bytes in bytes.allSatisfy { $0 < 0x80 } ? longestWord(ascii: bytes) : nil }) { return ascii }
        var longest = 0
        for word in text.split(separator: " ") { longest = max(longest, Sanitise.width(String(word))) }
        return longest
    }

    /// How narrow each wrap column may be made: its `minWidth`, or its heading
    /// or its longest word (up to 20) when wider, so words are not cut.
    func narrowest(_ words: [Int]) -> [Int] {
        columns.indices.map { index in
            let column = columns[index]
            guard column.wrap else { return 0 }
            return max(column.minWidth, Sanitise.width(column.title), min(words[index], 20))
        }
    }

    /// The columns to leave out to fit `limit`, highest `drop` first (the
    /// rightmost of equals), until the table fits with its wrap columns at their narrowest.
    func columnsLeftOut(toFit limit: Int) -> Set<Int> {
        var widths = self.widths
        let floor = narrowest(givenWords)
        for index in columns.indices where columns[index].wrap { widths[index] = min(widths[index], floor[index]) }
        var left: Set<Int> = []
        func needed() -> Int {
            let kept = columns.indices.filter { !left.contains($0) }
            return kept.map { widths[$0] }.reduce(0, +) + 2 * max(0, kept.count - 1)
        }
        while needed() > limit {
            let candidates = columns.indices.filter { !left.contains($0) && columns[$0].drop > 0 }
            guard let next = candidates.max(by: { (columns[$0].drop, $0) < (columns[$1].drop, $1) }) else { break }
            left.insert(next)
        }
        return left
    }
}

/// Prints a measured table a row at a time (`Table.renderText` is this over
/// rows in memory): the columns kept and their widths decided once, from the
/// measure, then each row written as it comes.
public struct TextTableWriter {
    let style: TextStyle
    /// The columns printed (positions in the measured table's columns) and their widths.
    let kept: [Int]
    let widths: [Int]
    /// The last line, naming the columns left out to fit the terminal (nil: none were).
    let note: String?
    private let columns: [Table.Column]
    /// Per kept column: whether it is aligned right (read once a cell, so kept apart from the columns).
    private let alignsRight: [Bool]

    public init(_ measure: TableMeasure, style: TextStyle) {
        self.style = style
        var kept = Array(measure.columns.indices)
        var note: String?
        if let limit = style.width {
            let left = measure.columnsLeftOut(toFit: limit)
            if !left.isEmpty {
                kept = kept.filter { !left.contains($0) }
                let names = left.sorted().map { measure.columns[$0].title }.joined(separator: ", ")
                note = "(left out to fit \(limit) columns: \(names); --format csv has them all)"
            }
        }
        let columns = kept.map { measure.columns[$0] }
        var widths = kept.map { measure.widths[$0] }
        if let limit = style.width {
            var overflow = widths.reduce(0, +) + 2 * (widths.count - 1) - limit
            let floor = measure.narrowest(measure.printedWords)
            let keptFloor = kept.map { floor[$0] }
            while overflow > 0 {
                let candidates = columns.indices.filter { columns[$0].wrap && widths[$0] > keptFloor[$0] }
                guard let widest = candidates.max(by: { widths[$0] < widths[$1] }) else { break }
                let cut = min(overflow, widths[widest] - keptFloor[widest])
                widths[widest] -= cut
                overflow -= cut
            }
        }
        self.kept = kept; self.widths = widths; self.note = note; self.columns = columns
        alignsRight = columns.map(\.alignRight)
    }

    /// The heading line.
    public func header(into output: inout [UInt8]) {
        line(columns.map(\.title), header: true, known: nil, into: &output)
    }

    /// One row: a line, or several when a cell is wrapped.
    public func row(_ row: [String], into output: inout [UInt8]) {
        var cells: [String] = [], cellWidths: [Int] = []
        cells.reserveCapacity(kept.count)
        cellWidths.reserveCapacity(kept.count)
        for index in kept {
            let (text, width) = Sanitise.cell(index < row.count ? row[index] : "")
            cells.append(text)
            cellWidths.append(width)
        }
        printed(cells, widths: cellWidths, into: &output)
    }

    /// A row kept in a `RowBuffer` (its cells already as printed): written
    /// from the buffer's bytes, without sanitising or making a string again,
    /// unless a cell must be wrapped or coloured.
    func row(_ row: RowBuffer.Row, into output: inout [UInt8]) {
        if !style.color, written(row, into: &output) { return }
        let cells = kept.map { $0 < row.count ? row.text($0) : "" }
        printed(cells, widths: kept.map { $0 < row.count ? row.width($0) : 0 }, into: &output)
    }

    /// The row as one line straight from the buffer's bytes; false, with
    /// nothing written, when a cell is wider than its column (it must be wrapped).
    /// The line is laid down as spaces in one append, then each cell's bytes
    /// copied into its place: appending cell by cell and pad by pad cost more
    /// than SQLite spent reading the row.
    private func written(_ row: RowBuffer.Row, into output: inout [UInt8]) -> Bool {
        var total = 1  // the line's end
        for k in kept.indices {
            let index = kept[k]
            let present = index < row.count
            let width = present ? row.width(index) : 0
            guard width <= widths[k] else { return false }
            total += (k > 0 ? 2 : 0) + widths[k] - width + (present ? row.bytes(index).count : 0)
        }
        let start = output.count
        TextTableWriter.pad(total, into: &output)
        var end = output.withUnsafeMutableBufferPointer { line -> Int in
            guard let base = line.baseAddress else { return start }
            var at = start
            for k in kept.indices {
                let index = kept[k]
                if k > 0 { at += 2 }
                guard index < row.count else { at += widths[k]; continue }
                let bytes = row.bytes(index)
                let padding = widths[k] - row.width(index)
                if alignsRight[k] { at += padding }
                if let from = bytes.baseAddress, !bytes.isEmpty { (base + at).update(from: from, count: bytes.count) }
                at += bytes.count
                if !alignsRight[k] { at += padding }
            }
            return at
        }
        // Spaces that end the line are dropped (the last column's padding, empty cells at the end).
        while end > start, output[end - 1] == UInt8(ascii: " ") { end -= 1 }
        output.removeSubrange(end...)
        output.append(UInt8(ascii: "\n"))
        return true
    }

    /// Drops the spaces that end the line begun at `start`, in one step.
    @inline(__always)
    private static func trimSpaces(_ output: inout [UInt8], after start: Int) {
        var end = output.count
        while end > start, output[end - 1] == UInt8(ascii: " ") { end -= 1 }
        if end < output.count { output.removeSubrange(end...) }
    }

    /// Spaces enough for any cell's padding, appended from one buffer: `repeatElement` went a generic element at a time.
    private static let spaces = [UInt8](repeating: UInt8(ascii: " "), count: 256)

    @inline(__always)
    private static func pad(_ count: Int, into output: inout [UInt8]) {
        var left = count
        while left > 0 {
            let chunk = min(left, spaces.count)
            spaces.withUnsafeBufferPointer { output.append(contentsOf: UnsafeBufferPointer(rebasing: $0[..<chunk])) }
            left -= chunk
        }
    }

    /// A row whose kept cells are as printed, with their widths: a line, or several when a cell is wrapped.
    private func printed(_ cells: [String], widths cellWidths: [Int], into output: inout [UInt8]) {
        guard zip(cellWidths, widths).contains(where: { $0 > $1 }) else {
            line(cells, header: false, known: cellWidths, into: &output)
            return
        }
        let wrapped = cells.enumerated().map { index, cell in
            cellWidths[index] > widths[index] ? Table.wrap(cell, width: widths[index]) : [cell]
        }
        let height = wrapped.map(\.count).max() ?? 1
        for lineIndex in 0..<height {
            line(wrapped.map { lineIndex < $0.count ? $0[lineIndex] : "" }, header: false, known: nil, into: &output)
        }
    }

    /// After the last row: the note of columns left out, if any.
    public func end(into output: inout [UInt8]) {
        guard let note, let limit = style.width else { return }
        output.append(contentsOf: (Table.wrap(note, width: limit).joined(separator: "\n") + "\n").utf8)
    }

    private func line(_ row: [String], header: Bool, known: [Int]?, into output: inout [UInt8]) {
        let space = UInt8(ascii: " ")
        let start = output.count
        for (index, cell) in row.enumerated() {
            if index > 0 { output.append(space); output.append(space) }
            let column = columns[index]
            let padding = max(0, widths[index] - (known?[index] ?? Sanitise.width(cell)))
            let colour = !style.color ? nil : header ? "\u{1B}[1m" : column.isRAG ? TextStyle.colour(for: cell) : nil
            if let colour { output.append(contentsOf: colour.utf8) }
            if column.alignRight { TextTableWriter.pad(padding, into: &output) }
            var cell = cell
            cell.withUTF8 { output.append(contentsOf: $0) }
            if !column.alignRight { TextTableWriter.pad(padding, into: &output) }
            if colour != nil { output.append(contentsOf: TextStyle.reset.utf8) }
        }
        TextTableWriter.trimSpaces(&output, after: start)
        output.append(UInt8(ascii: "\n"))
    }
}

/// Rows of cells kept as one run of UTF-8 bytes, up to a limit, so that a
/// table streamed from its source can be measured and then printed from one
/// read of it. Each cell is kept as printed (`Sanitise.cell`) with its
/// width, so printing neither sanitises nor makes a string again. Past the
/// limit it empties itself for good (`overflowed`) and the caller reads its
/// source again: a timeline of one partnership fits; a national report at a
/// million actions does not, and is never held.
///
/// A class holding its memory (`PlainArray`, freed with it): a table's rows
/// grow to megabytes, and growing them in place copies nothing.
/// Its stored properties are not checked for exclusive access at run time:
/// a buffer is filled and then read by the one table that made it.
final class RowBuffer {
    /// The most bytes of cell text kept.
    let limit: Int
    @exclusivity(unchecked) private var bytes = PlainArray<UInt8>(capacity: 4096)
    /// Where each cell ends in `bytes`, and its printed width; `rowEnds` where each row ends in `cellEnds`.
    @exclusivity(unchecked) private var cellEnds = PlainArray<UInt32>(capacity: 512)
    @exclusivity(unchecked) private var cellWidths = PlainArray<UInt32>(capacity: 512)
    @exclusivity(unchecked) private var rowEnds = PlainArray<UInt32>(capacity: 64)
    @exclusivity(unchecked) private(set) var overflowed = false

    init(limit: Int = 16 << 20) {
        // Offsets are UInt32: a limit beyond 4 GB would wrap them.
        self.limit = min(limit, Int(UInt32.max))
    }

    deinit {
        bytes.release(); cellEnds.release(); cellWidths.release(); rowEnds.release()
    }

    /// One cell of the row being kept (`endRow` ends it).
    func append(cell: String, width: Int) {
        // Through the string's own contiguous bytes: appending its UTF8View went through the generic path, a call per cell far dearer.
        var text = cell
        text.withUTF8 { append(cell: $0, width: width) }
    }

    /// One cell of the row being kept, from bytes already as printed.
    func append(cell utf8: UnsafeBufferPointer<UInt8>, width: Int) {
        guard !overflowed else { return }
        bytes.append(contentsOf: utf8)
        cellEnds.append(UInt32(truncatingIfNeeded: bytes.count))
        cellWidths.append(UInt32(clamping: width))
    }

    /// Ends the row whose cells were appended; if it took the buffer past
    /// its limit, nothing is kept, from now on.
    func endRow() {
        guard !overflowed else { return }
        guard bytes.count <= limit else {
            overflowed = true
            bytes.removeAll(keepingCapacity: false); cellEnds.removeAll(keepingCapacity: false)
            cellWidths.removeAll(keepingCapacity: false); rowEnds.removeAll(keepingCapacity: false)
            return
        }
        rowEnds.append(UInt32(cellEnds.count))
    }

    /// One row kept: its cells' bytes and widths, by position. It points
    /// into the buffer, so it is valid only inside the `forEach` that gives it.
    struct Row {
        fileprivate let buffer: UnsafeBufferPointer<UInt8>
        /// Where each of the row's cells ends in `buffer`, and its width.
        fileprivate let ends: UnsafeBufferPointer<UInt32>
        fileprivate let widths: UnsafeBufferPointer<UInt32>
        fileprivate let start: Int

        var count: Int { ends.count }

        private func range(_ cell: Int) -> Range<Int> {
            (cell == 0 ? start : Int(ends[cell - 1]))..<Int(ends[cell])
        }

        func width(_ cell: Int) -> Int { Int(widths[cell]) }
        func text(_ cell: Int) -> String { String(decoding: bytes(cell), as: UTF8.self) }
        func bytes(_ cell: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: buffer[range(cell)]) }
    }

    /// The rows kept, in order (none once `overflowed`).
    func forEach(_ body: (Row) throws -> Void) rethrows {
        let buffer = bytes.buffer, ends = cellEnds.buffer, widths = cellWidths.buffer
        var cell = 0, start = 0
        for rowEnd in rowEnds.buffer {
            let end = Int(rowEnd)
            try body(Row(buffer: buffer, ends: UnsafeBufferPointer(rebasing: ends[cell..<end]),
                         widths: UnsafeBufferPointer(rebasing: widths[cell..<end]), start: start))
            if end > cell { start = Int(ends[end - 1]) }
            cell = end
        }
    }
}

/// An aligned text table of rows read from a source that can give them
/// again (a query), never held whole: `add` measures each row and keeps it
/// in a `RowBuffer`; `write` prints them from the buffer, or reads the
/// source a second time when they did not fit in it. The buffer is a
/// class: a copy of a table shares the rows kept, so rows are added to one
/// table value (a copy is for printing).
public struct StreamedTable {
    public private(set) var measure: TableMeasure
    private var buffer: RowBuffer
    /// The first row added (nil: none yet).
    public private(set) var first: [String]?
    let style: TextStyle

    public init(columns: [Table.Column], style: TextStyle, bufferLimit: Int = 16 << 20) {
        measure = TableMeasure(columns: columns, style: style)
        buffer = RowBuffer(limit: bufferLimit)
        self.style = style
    }

    public mutating func add(_ row: [String]) {
        if first == nil { first = row }
        // A cell at a time, measured and kept as printed, with no array of the row's printed cells in between.
        for (index, given) in row.enumerated() { add(cell: index, given: given) }
        measure.countRow()
        buffer.endRow()
    }

    /// One cell of the row being added: measured and kept as `Sanitise.cell` prints it.
    private mutating func add(cell index: Int, given: String) {
        let (text, width) = Sanitise.cell(given)
        if index < measure.columns.count { measure.add(cell: index, given: given, text: text, width: width) }
        buffer.append(cell: text, width: width)
    }

    /// The same for a row written by a `RowLayout`: a cell of plain ASCII
    /// (nearly every one; `Sanitise.look`) is measured and kept straight from
    /// its bytes, as it is printed as it is and is as wide as its bytes; any
    /// other is made a string and goes the way of `add(_: [String])`.
    public mutating func add(_ row: RowCells) {
        if first == nil { first = row.strings }
        let measured = measure.columns.count
        row.forEachCell { index, utf8, plain in
            if plain || Sanitise.look(utf8) == (plain: true, ascii: true) {
                if index < measured { measure.add(cell: index, ascii: utf8) }
                buffer.append(cell: utf8, width: utf8.count)
            } else {
                add(cell: index, given: String(decoding: utf8, as: UTF8.self))
            }
        }
        measure.countRow()
        buffer.endRow()
    }

    /// Prints the rows added, heading first, in pieces of about 64 kB
    /// handed to `output`; `rows` gives them again, in the same order, if the buffer could not keep them.
    public func write(rows: (([String]) -> Void) throws -> Void, _ output: ([UInt8]) -> Void) rethrows {
        let writer = TextTableWriter(measure, style: style)
        // Room for a piece and the line that takes it past (a line wider than that still grows it):
        // grown from nothing by doubling, each table's first piece cost ten copies.
        var bytes: [UInt8] = []
        bytes.reserveCapacity((1 << 16) + (1 << 12))
        writer.header(into: &bytes)
        // `output` runs only within `rows`'s body, which it cannot outlive.
        try withoutActuallyEscaping(output) { output in
            func flushed() { if bytes.count >= 1 << 16 { output(bytes); bytes.removeAll(keepingCapacity: true) } }
            if buffer.overflowed {
                try rows { row in writer.row(row, into: &bytes); flushed() }
            } else {
                buffer.forEach { row in writer.row(row, into: &bytes); flushed() }
            }
        }
        writer.end(into: &bytes)
        output(bytes)
    }
}
