import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ImprovementPlan
import ZIPFoundation

/// Excel workbooks (.xlsx) and Word documents (.docx) read as grids of cell
/// text, for the same row reader as CSV (`ActionSheet.read(records:)`): so
/// headings, dates, status words and problems behave as they do in CSV.
///
/// Office Open XML (ECMA-376) files are ZIP archives of XML parts: a workbook's
/// `xl/workbook.xml` names its sheets, `xl/sharedStrings.xml` holds the text of
/// its cells, `xl/styles.xml` says which cells are dates; a document's
/// `word/document.xml` holds its tables. ZIPFoundation unpacks the parts and
/// Foundation's `XMLParser` reads them.
public enum OfficeFile {
    /// The most a file may unpack to, all parts together: a plan of 100,000
    /// actions unpacks to well under this; a ZIP bomb is stopped at it.
    public static let maxUnpacked = 200 * 1024 * 1024

    /// What a file's first bytes say it is.
    public enum Kind: Equatable, Sendable {
        /// A ZIP archive: an Office Open XML file (or some other archive).
        case archive
        /// An OLE compound file: a legacy .xls or .doc, or an Office file saved with a password.
        case compound
        case other
    }

    public static func kind(of data: Data) -> Kind {
        let head = [UInt8](data.prefix(8))
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0x50, 0x4B, 0x05, 0x06]) { return .archive }
        if head == [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] { return .compound }
        return .other
    }

    /// The one line for a file planwatch cannot open as a spreadsheet.
    public static let compoundProblem = "the file is a legacy Excel or Word file (.xls, .doc) or one saved with a password: "
        + "save it as an Excel workbook (.xlsx) or Word document (.docx) without a password, or as CSV"

    /// An opened archive: its parts, each read at most once, within the cap.
    struct Package {
        let archive: Archive
        let kindName: String
        var unpacked = 0

        init(_ data: Data, kindName: String) throws(PlanError) {
            self.kindName = kindName
            do {
                archive = try Archive(data: data, accessMode: .read)
            } catch {
                throw .problems(["the \(kindName) cannot be opened: the archive is damaged or incomplete (\(error))"])
            }
        }

        /// A part's bytes, or nil when the archive has no such part.
        mutating func part(_ path: String) throws(PlanError) -> Data? {
            guard let entry = archive[path] else { return nil }
            if entry.uncompressedSize > UInt64(maxUnpacked - unpacked) { throw tooLarge(path) }
            var data = Data()
            var total = unpacked
            do {
                _ = try archive.extract(entry, skipCRC32: false) { chunk in
                    total += chunk.count
                    // The sizes an archive declares can lie: the cap holds on what is unpacked.
                    if total > maxUnpacked { throw CapExceeded() }
                    data.append(chunk)
                }
            } catch is CapExceeded {
                throw tooLarge(path)
            } catch {
                throw .problems(["the \(kindName) cannot be read: its part '\(path)' is damaged (\(error))"])
            }
            unpacked = total
            return data
        }

        func tooLarge(_ path: String) -> PlanError {
            .problems(["the \(kindName) unpacks to more than \(maxUnpacked / 1024 / 1024) MB (at its part '\(path)'); planwatch reads no larger file"])
        }
    }

    struct CapExceeded: Error {}

    /// Whether an archive is a Word document (it has `word/document.xml`);
    /// anything else is read as a workbook, whose reader says what is missing.
    public static func isDocument(_ data: Data) -> Bool {
        (try? Archive(data: data, accessMode: .read))?["word/document.xml"] != nil
    }

    // MARK: Workbooks

    /// The cells of one sheet of a workbook, row by row (row 1 first, blank
    /// rows kept blank so that row numbers are the spreadsheet's own): the
    /// first sheet, or the one named `sheet`. Shared and inline strings,
    /// numbers, booleans; cells styled as dates (built-in and custom date
    /// formats) become ISO dates, percentages `40%`; a merged range repeats
    /// its first cell's value in each of its cells.
    public static func workbookCells(_ data: Data, sheet wanted: String? = nil) throws(PlanError) -> [[String]] {
        var package = try Package(data, kindName: "workbook")
        guard let workbookXML = try package.part("xl/workbook.xml") else {
            throw .problems(["the file is a ZIP archive but not an Excel workbook (it has no xl/workbook.xml)"])
        }
        let book = try parse(workbookXML, part: "xl/workbook.xml", into: WorkbookReader())
        guard !book.sheets.isEmpty else { throw .problems(["the workbook has no sheets"]) }
        let chosen: (name: String, relation: String)
        if let wanted {
            guard let found = book.sheets.first(where: { $0.name == wanted })
                    ?? book.sheets.first(where: { $0.name.lowercased() == wanted.lowercased() }) else {
                throw .problems(["sheet: the workbook has no sheet '\(wanted)' (its sheets: "
                                 + book.sheets.map { "'\($0.name)'" }.joined(separator: ", ") + ")"])
            }
            chosen = found
        } else {
            chosen = book.sheets[0]
        }
        let relations = try package.part("xl/_rels/workbook.xml.rels").map { data throws(PlanError) in
            try parse(data, part: "xl/_rels/workbook.xml.rels", into: RelationsReader()).targets
        } ?? [:]
        guard let target = relations[chosen.relation] else {
            throw .problems(["the workbook is damaged: sheet '\(chosen.name)' names no part"])
        }
        let sheetPath = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        let strings = try package.part("xl/sharedStrings.xml").map { data throws(PlanError) in
            try parse(data, part: "xl/sharedStrings.xml", into: SharedStringsReader()).strings
        } ?? []
        let styles = try package.part("xl/styles.xml").map { data throws(PlanError) in
            try parse(data, part: "xl/styles.xml", into: StylesReader())
        } ?? StylesReader()
        guard let sheetXML = try package.part(sheetPath) else {
            throw .problems(["the workbook is damaged: sheet '\(chosen.name)' is missing (\(sheetPath))"])
        }
        var reader = SheetReader(strings: strings, styles: styles.formats(), date1904: book.date1904)
        reader = try parse(sheetXML, part: sheetPath, into: reader)
        return reader.grid()
    }

    // MARK: Documents

    /// Every table of a Word document, each as rows of cell text: a cell's
    /// paragraphs joined with line breaks, a cell spanning columns followed by
    /// blank cells, a cell continuing a vertical merge given the text above it.
    public static func documentTables(_ data: Data) throws(PlanError) -> [[[String]]] {
        var package = try Package(data, kindName: "document")
        guard let documentXML = try package.part("word/document.xml") else {
            throw .problems(["the file is a ZIP archive but not a Word document (it has no word/document.xml)"])
        }
        return try parse(documentXML, part: "word/document.xml", into: DocumentReader()).tables
    }

    // MARK: XML

    /// Reads a part with `reader`, refusing XML that does not parse.
    static func parse<R: PartReader>(_ data: Data, part: String, into reader: R) throws(PlanError) -> R {
        let events = XMLEvents(reader)
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.delegate = events
        let parsed = parser.parse()
        guard parsed, events.error == nil, parser.parserError == nil, events.unclosed == 0 else {
            // Foundation's messages for these are error numbers; the line is what helps.
            throw .problems(["the file is damaged: its part '\(part)' is not well-formed XML (near line \(parser.lineNumber))"])
        }
        return events.reader
    }

    /// A column's letters as a 0-based index: A is 0, Z 25, AA 26.
    static func columnIndex(_ reference: Substring) -> Int? {
        var index = 0
        var letters = 0
        for scalar in reference.unicodeScalars {
            guard (65...90).contains(scalar.value) || (97...122).contains(scalar.value) else { break }
            index = index * 26 + Int((scalar.value & 0xDF) - 64)
            letters += 1
            if letters > 3 { return nil }
        }
        return letters == 0 ? nil : index - 1
    }

    /// `B12` as (row 12, column 1).
    static func cellPosition(_ reference: String) -> (row: Int, column: Int)? {
        guard let column = columnIndex(Substring(reference)) else { return nil }
        guard let row = Int(reference.drop(while: { $0.isLetter })), row >= 1 else { return nil }
        return (row, column)
    }
}

/// Receives a part's elements as the parser meets them: local names (no
/// prefix), attributes by local name, and the text of each element as it ends.
protocol PartReader {
    mutating func start(_ name: String, _ attributes: [String: String])
    mutating func end(_ name: String, text: String)
}

final class XMLEvents<R: PartReader>: NSObject, XMLParserDelegate {
    var reader: R
    private var text = ""

    init(_ reader: R) { self.reader = reader }

    static func local(_ name: String) -> String {
        guard let colon = name.lastIndex(of: ":") else { return name }
        return String(name[name.index(after: colon)...])
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        text = ""
        open += 1
        var local: [String: String] = [:]
        for (key, value) in attributes { local[Self.local(key)] = value }
        reader.start(Self.local(elementName), local)
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    /// The first error the parser reports (on Linux `parse()` may still
    /// return true after one, at the end of a truncated part).
    private(set) var error: Error?
    private var open = 0

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) { if error == nil { error = parseError } }

    func parser(_ parser: XMLParser, validationErrorOccurred validationError: Error) { if error == nil { error = validationError } }

    /// Elements started and not yet ended: not 0 at the end, the part is cut short.
    var unclosed: Int { open }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        open -= 1
        reader.end(Self.local(elementName), text: text)
        text = ""
    }
}

/// `xl/workbook.xml`: the sheets in order, and the 1904 date system.
struct WorkbookReader: PartReader {
    var sheets: [(name: String, relation: String)] = []
    var date1904 = false

    mutating func start(_ name: String, _ attributes: [String: String]) {
        switch name {
        case "sheet": sheets.append((attributes["name"] ?? "", attributes["id"] ?? ""))
        case "workbookPr": date1904 = attributes["date1904"] == "1" || attributes["date1904"] == "true"
        default: break
        }
    }

    mutating func end(_ name: String, text: String) {}
}

/// A relationships part: each relation's target by id.
struct RelationsReader: PartReader {
    var targets: [String: String] = [:]

    mutating func start(_ name: String, _ attributes: [String: String]) {
        if name == "Relationship", let id = attributes["Id"], let target = attributes["Target"] { targets[id] = target }
    }

    mutating func end(_ name: String, text: String) {}
}

/// `xl/sharedStrings.xml`: each string item's text, its runs joined, its
/// phonetic guides (`rPh`) left out.
struct SharedStringsReader: PartReader {
    var strings: [String] = []
    private var current = ""
    private var phonetic = 0

    mutating func start(_ name: String, _ attributes: [String: String]) {
        switch name {
        case "si": current = ""
        case "rPh": phonetic += 1
        default: break
        }
    }

    mutating func end(_ name: String, text: String) {
        switch name {
        case "t" where phonetic == 0: current += text
        case "rPh": phonetic -= 1
        case "si": strings.append(current)
        default: break
        }
    }
}

/// How a cell style shows its number.
enum NumberShape: Equatable {
    case plain, date, percent
    /// A date shown as its month and year only (`mmm-yy`, as Excel formats
    /// "June 2023" typed into a cell): the month, read as its last day, as
    /// the row reader reads "June 2023" written out.
    case month
}

/// `xl/styles.xml`: each cell style's number format, as date, percent or plain.
struct StylesReader: PartReader {
    private var custom: [Int: String] = [:]
    private var cellFormats: [Int] = []
    private var inCellXfs = false

    mutating func start(_ name: String, _ attributes: [String: String]) {
        switch name {
        case "numFmt":
            if let id = attributes["numFmtId"].flatMap(Int.init) { custom[id] = attributes["formatCode"] ?? "" }
        case "cellXfs": inCellXfs = true
        case "xf" where inCellXfs: cellFormats.append(attributes["numFmtId"].flatMap(Int.init) ?? 0)
        default: break
        }
    }

    mutating func end(_ name: String, text: String) {
        if name == "cellXfs" { inCellXfs = false }
    }

    /// Each cell style (by its index, a cell's `s`) as a shape.
    func formats() -> [NumberShape] {
        cellFormats.map { id in
            if let code = custom[id] { return Self.shape(ofCode: code) }
            return Self.shape(ofBuiltIn: id)
        }
    }

    /// ECMA-376 Part 1, 18.8.30: ids 14–22 are dates and times, 9 and 10
    /// percentages; 27–36 and 50–58 are the East Asian date formats.
    static func shape(ofBuiltIn id: Int) -> NumberShape {
        switch id {
        case 17: return .month
        case 14...22, 27...36, 45...47, 50...58: return .date
        case 9, 10: return .percent
        default: return .plain
        }
    }

    /// A custom format code is a date when, outside quoted text, escapes and
    /// brackets (`[Red]`, `[$-809]`), it has a day, month or year part (or a
    /// time's hours or seconds); a month when it has a month or year and no
    /// day or time.
    static func shape(ofCode code: String) -> NumberShape {
        var quoted = false, bracket = false, escaped = false
        var sawPercent = false, sawDay = false, sawTime = false, sawMonth = false
        func decided() -> NumberShape {
            if sawDay || sawTime { return .date }
            if sawMonth { return .month }
            return sawPercent ? .percent : .plain
        }
        // Only the first section (positive numbers) decides.
        for character in code {
            if escaped { escaped = false; continue }
            if quoted { if character == "\"" { quoted = false }; continue }
            if bracket { if character == "]" { bracket = false }; continue }
            switch character {
            case "\\", "_", "*": escaped = true
            case "\"": quoted = true
            case "[": bracket = true
            case ";": return decided()
            case "d", "D": sawDay = true
            case "h", "H", "s", "S": sawTime = true
            case "m", "M", "y", "Y": sawMonth = true
            case "%": sawPercent = true
            default: break
            }
        }
        return decided()
    }
}

/// A worksheet: each cell's text by row and column, and its merged ranges.
struct SheetReader: PartReader {
    let strings: [String]
    let styles: [NumberShape]
    let date1904: Bool
    private var cells: [Int: [Int: String]] = [:]
    private var merges: [String] = []
    private var row = 0
    private var nextColumn = 0
    private var cell: (column: Int, type: String, style: Int)?
    private var value: String?
    private var inline = ""
    private var inInline = false

    init(strings: [String], styles: [NumberShape], date1904: Bool) {
        self.strings = strings; self.styles = styles; self.date1904 = date1904
    }

    mutating func start(_ name: String, _ attributes: [String: String]) {
        switch name {
        case "row":
            row = attributes["r"].flatMap(Int.init) ?? row + 1
            nextColumn = 0
        case "c":
            let column = attributes["r"].flatMap(OfficeFile.cellPosition)?.column ?? nextColumn
            cell = (column, attributes["t"] ?? "n", attributes["s"].flatMap(Int.init) ?? 0)
            value = nil
            inline = ""
        case "is": inInline = true
        case "mergeCell": if let ref = attributes["ref"] { merges.append(ref) }
        default: break
        }
    }

    mutating func end(_ name: String, text: String) {
        switch name {
        case "v": value = text
        case "t" where inInline: inline += text
        case "is": inInline = false
        case "c":
            guard let cell else { return }
            let shown: String
            switch cell.type {
            case "s": shown = value.flatMap(Int.init).flatMap { $0 >= 0 && $0 < strings.count ? strings[$0] : nil } ?? ""
            case "inlineStr": shown = inline
            case "b": shown = value == "1" ? "TRUE" : (value == "0" ? "FALSE" : value ?? "")
            case "str", "e", "d": shown = value ?? ""
            default: shown = value.map { number($0, style: cell.style) } ?? ""
            }
            if !shown.isEmpty { cells[row, default: [:]][cell.column] = shown }
            nextColumn = cell.column + 1
            self.cell = nil
        default: break
        }
    }

    /// A number as its cell shows it: a date cell as its ISO date (a serial
    /// with no calendar date is left as the number, for the row reader to
    /// refuse where a date belongs), a percentage as `40%`.
    func number(_ text: String, style: Int) -> String {
        let shape = style < styles.count ? styles[style] : .plain
        guard shape != .plain, let value = Double(text), value.isFinite else { return text }
        switch shape {
        case .date:
            return Self.date(serial: value, date1904: date1904)?.iso ?? text
        case .month:
            guard let day = Self.date(serial: value, date1904: date1904) else { return text }
            return CalendarDate.lastDay(ofMonth: day.month, year: day.year)?.iso ?? text
        case .percent:
            let percent = (value * 100).rounded()
            return abs(percent) < 1e9 ? "\(Int(percent))%" : text
        case .plain:
            return text
        }
    }

    /// A date serial as its day: 1900-01-01 is 1 (and Excel's 29 February
    /// 1900, day 60, which never was, is refused), or in the 1904 system
    /// 1904-01-01 is 0. A time of day is dropped. Nil beyond 9999-12-31.
    static func date(serial: Double, date1904: Bool) -> CalendarDate? {
        let day = Int(serial.rounded(.down))
        if date1904 {
            guard day >= 0, day <= 2_957_003 else { return nil }
            return CalendarDate(year: 1904, month: 1, day: 1)?.adding(days: day)
        }
        guard day >= 1, day <= 2_958_465, day != 60 else { return nil }
        return CalendarDate(year: 1899, month: 12, day: day < 60 ? 31 : 30)?.adding(days: day)
    }

    /// The cells as rows from row 1 to the last row with text, each as long
    /// as its last cell; merged ranges filled from their first cell.
    func grid() -> [[String]] {
        var cells = self.cells
        for range in merges {
            let ends = range.split(separator: ":").map(String.init)
            guard ends.count == 2, let from = OfficeFile.cellPosition(ends[0]), let to = OfficeFile.cellPosition(ends[1]),
                  let value = cells[from.row]?[from.column], to.row >= from.row, to.column >= from.column,
                  (to.row - from.row + 1) * (to.column - from.column + 1) <= 1_000_000 else { continue }
            for r in from.row...to.row {
                for c in from.column...to.column where cells[r]?[c] == nil { cells[r, default: [:]][c] = value }
            }
        }
        guard let last = cells.keys.max() else { return [] }
        return (1...last).map { r in
            guard let row = cells[r], let width = row.keys.max() else { return [] }
            return (0...width).map { row[$0] ?? "" }
        }
    }
}

/// `word/document.xml`: its tables. A table inside a cell adds its text to
/// that cell.
struct DocumentReader: PartReader {
    var tables: [[[String]]] = []
    private var depth = 0
    private var rows: [[String]] = []
    private var row: [String] = []
    /// Per cell of the row being read: continues a vertical merge.
    private var continues: [Bool] = []
    private var paragraphs: [String] = []
    private var paragraph = ""
    private var span = 1
    private var continuing = false

    mutating func start(_ name: String, _ attributes: [String: String]) {
        switch name {
        case "tbl":
            depth += 1
            if depth == 1 { rows = [] }
        case "tr" where depth == 1:
            row = []
            continues = []
        case "tc" where depth == 1:
            paragraphs = []
            span = 1
            continuing = false
        case "gridSpan" where depth == 1:
            span = max(1, min(attributes["val"].flatMap(Int.init) ?? 1, 64))
        case "vMerge" where depth == 1:
            continuing = attributes["val"] == nil || attributes["val"] == "continue"
        case "p" where depth >= 1: paragraph = ""
        case "tab" where depth >= 1: paragraph += "\t"
        case "br", "cr": if depth >= 1 { paragraph += "\n" }
        default: break
        }
    }

    mutating func end(_ name: String, text: String) {
        guard depth >= 1 else { return }
        switch name {
        case "t": paragraph += text
        case "p": paragraphs.append(paragraph)
        case "tc" where depth == 1:
            row.append(paragraphs.joined(separator: "\n"))
            continues.append(continuing)
            for _ in 1..<span { row.append(""); continues.append(continuing) }
        case "tr" where depth == 1:
            // A cell continuing a vertical merge shows the text of the cell above it.
            if let above = rows.last {
                for index in row.indices where continues[index] && index < above.count { row[index] = above[index] }
            }
            rows.append(row)
        case "tbl":
            if depth == 1 { tables.append(rows) }
            depth -= 1
        default: break
        }
    }
}
