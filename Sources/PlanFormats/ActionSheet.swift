import CSV
import Foundation
import ImprovementPlan

/// A problem found in a spreadsheet, located as a person sees it: the
/// spreadsheet row (the header is usually row 1) and the column heading.
public struct SheetProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public var row: Int?
    public var column: String?
    public var message: String

    public init(row: Int?, column: String?, _ message: String) {
        self.row = row; self.column = column; self.message = message
    }

    public var description: String {
        var place: [String] = []
        if let row { place.append("row \(row)") }
        if let column { place.append("column '\(column)'") }
        return place.isEmpty ? message : place.joined(separator: ", ") + ": " + message
    }
}

/// An action-plan spreadsheet saved as CSV, read loosely the way councils keep them.
public struct ActionSheet: Sendable {
    /// The columns planwatch understands, with the headings it accepts for each.
    public enum Field: String, CaseIterable, Sendable {
        case ref, area, title, description, owner, agency, start, due, originalDue, measure, rag, progress
        case status, percent, completed, evidence
        /// planwatch's own action id, in a sheet exported by planwatch.
        case id

        /// Headings accepted for the field, before normalisation (see `ActionSheet.normalise`).
        var synonyms: [String] {
            switch self {
            case .ref: return ["ref", "reference", "action ref", "action reference", "action no", "action number", "no", "number", "id", "item",
                               "ref no", "reference number", "item no", "action id", "improvement ref"]
            case .area: return ["area for improvement", "areas for improvement", "afi", "area of improvement", "improvement area",
                                "finding", "inspection finding", "recommendation", "priority area", "issue"]
            case .title: return ["action", "actions", "action to be taken", "improvement action", "planned action", "action required",
                                 "action description", "what will we do", "what we will do", "agreed action", "task"]
            case .description: return ["description", "detail", "details", "how"]
            case .owner: return ["lead officer", "owner", "lead", "responsible officer", "responsible", "action owner", "lead person",
                                 "officer", "responsible person", "who", "named lead", "lead contact", "accountable officer",
                                 "responsible lead", "lead manager", "officer responsible", "who is responsible"]
            case .agency: return ["lead agency", "agency", "lead partner", "organisation", "organization", "lead service", "partner agency",
                                  "lead organisation", "lead organization", "service area", "lead body"]
            case .start: return ["start", "start date", "date started"]
            case .due: return ["timescale", "timescales", "target date", "due", "due date", "deadline", "by when", "target",
                               "target completion date", "current deadline", "revised date", "revised target date", "completion date",
                               "target completion", "timescale for completion", "end date", "date due", "when"]
            case .originalDue: return ["original deadline", "original due", "original target date", "original timescale"]
            case .measure: return ["measure of success", "measures of success", "success measure", "outcome", "expected outcome",
                                   "success criteria", "how will we know", "measure", "evidence of success", "monitoring and evaluation",
                                   "how will we measure success", "how will success be measured", "performance measure", "outcome measure",
                                   "intended outcome"]
            case .rag: return ["rag", "rag status", "rag rating", "self assessed rag", "self assessment", "rating"]
            case .progress: return ["progress", "update", "progress update", "progress to date", "comment", "comments", "commentary",
                                    "latest update", "update on progress", "current position", "progress comment", "progress made",
                                    "progress narrative"]
            case .status: return ["status", "action status", "current status"]
            case .percent: return ["percent", "percent complete", "% complete", "%", "percentage complete", "progress %"]
            case .completed: return ["date completed", "completed on", "actual completion date", "completed"]
            case .evidence: return ["evidence", "evidence of completion"]
            // "Id" beside another reference column is planwatch's id (`read`).
            case .id: return ["planwatch id"]
            }
        }
    }

    /// Words in a deadline cell that mean there is no deadline.
    public static let noDeadlineWords: Set<String> = ["", "ongoing", "on-going", "on going", "tbc", "tba", "tbd", "n/a", "na",
                                                       "none", "continuous", "continual", "various", "-"]

    /// The longest cell accepted, in characters; a longer one is refused, not truncated.
    public static let maxCellLength = 1_000_000

    public var rows: [SheetRow]
    /// Which heading was taken for each field.
    public var columns: [Field: String]
    /// Headings planwatch did not use.
    public var ignored: [String]

    /// Lower case, punctuation to spaces, spaces collapsed, plurals singular:
    /// "Areas for Improvement:" and "area for improvement" read the same.
    public static func normalise(_ heading: String) -> String {
        let lowered = heading.lowercased().map { $0.isLetter || $0.isNumber || $0 == "%" ? $0 : " " }
        return String(lowered).split(separator: " ").map { word -> String in
            var w = String(word)
            if w.count > 3 && w.hasSuffix("ies") { w = String(w.dropLast(3)) + "y" }
            else if w.count > 3 && w.hasSuffix("s") && !w.hasSuffix("ss") && !w.hasSuffix("us") { w.removeLast() }
            return w
        }.joined(separator: " ")
    }

    /// Each accepted heading, with its field and rank (earlier synonyms rank higher,
    /// so a sheet with both "Ref" and "Id" takes "Ref" as the reference).
    static let headings: [String: (field: Field, rank: Int)] = {
        var table: [String: (field: Field, rank: Int)] = [:]
        for field in Field.allCases {
            for (rank, synonym) in field.synonyms.enumerated() where table[normalise(synonym)] == nil {
                table[normalise(synonym)] = (field, rank)
            }
        }
        return table
    }()

    static func field(_ heading: String) -> Field? { match(heading)?.field }

    /// The field a heading names, tried as councils write headings: whole
    /// ("Area for improvement"), with its punctuation dropped ("R/A/G", "Ref."),
    /// without its bracketed parts ("Lead Officer(s)", "Timescale (target
    /// date)", "Progress to date (Q2)"), then each part between slashes in turn
    /// ("Owner / Lead", "Lead Agency/Agencies"). Every try matches a whole
    /// accepted heading, never a word of one: "Officer notes" is not the owner.
    /// A heading matched whole ranks before one matched only without its
    /// brackets, and that before one matched by a part: of "Self-assessed RAG"
    /// and "RAG (derived)" side by side, the first is the sheet's own RAG.
    static func match(_ heading: String) -> (field: Field, rank: Int)? {
        func lookUp(_ text: String, penalty: Int = 0) -> (field: Field, rank: Int)? {
            let spaced = normalise(text)
            guard !spaced.isEmpty else { return nil }
            let joined = normalise(String(text.filter { $0.isLetter || $0.isNumber || $0 == "%" || $0 == " " }))
            guard let found = headings[spaced] ?? (joined.isEmpty ? nil : headings[joined]) else { return nil }
            return (found.field, found.rank + penalty)
        }
        if let whole = lookUp(heading) { return whole }
        var unbracketed = ""
        var depth = 0
        for character in heading {
            if character == "(" || character == "[" { depth += 1; continue }
            if character == ")" || character == "]" { depth = max(0, depth - 1); continue }
            if depth == 0 { unbracketed.append(character) }
        }
        if unbracketed != heading, let found = lookUp(unbracketed, penalty: 1_000) { return found }
        let parts = unbracketed.split(separator: "/").map(String.init)
        guard parts.count > 1 else { return nil }
        for part in parts { if let found = lookUp(part, penalty: 2_000) { return found } }
        return nil
    }

    /// Reads a file's bytes as text: UTF-8 (with or without a byte-order
    /// mark), else Windows-1252 as older spreadsheet exports write it.
    /// Binary files are refused rather than imported as mojibake.
    public static func decodeText(_ data: Data) throws(SheetProblem) -> String {
        guard !data.isEmpty else { throw SheetProblem(row: nil, column: nil, "the file is empty") }
        // Excel's "Unicode Text" and some exports write UTF-16: read it, with or without its byte-order mark.
        if let utf16 = decodeUTF16(data) { return try decodeText(Data(utf16.utf8)) }
        // (Searched through the raw bytes: Data's own subscript costs a call per byte.)
        let nul = data.withUnsafeBytes { bytes in bytes.firstIndex(of: 0) }
        if let nul {
            throw SheetProblem(row: nil, column: nil, "the file is not a text spreadsheet (it holds a NUL byte at byte \(nul + 1))")
        }
        var text: String
        if let utf8 = String(data: data, encoding: .utf8) {
            text = utf8
        } else if let legacy = String(data: data, encoding: .windowsCP1252) {
            text = legacy
        } else {
            throw SheetProblem(row: nil, column: nil, "the file is neither UTF-8 nor Windows-1252 text")
        }
        if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        // A control character is one byte below 0x20 in UTF-8 (and nothing else is): searched on the bytes.
        let bad = text.withUTF8 { bytes in bytes.first { $0 < 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 } }
        if let bad {
            throw SheetProblem(row: nil, column: nil, "the file is not a text spreadsheet (it holds control character U+\(String(format: "%04X", bad)))")
        }
        return text
    }

    /// The text of a UTF-16 file: one that starts with a UTF-16 byte-order
    /// mark, or whose first bytes alternate NUL with ASCII as UTF-16 text does.
    /// Nil for anything else (a NUL elsewhere is then refused as binary).
    static func decodeUTF16(_ data: Data) -> String? {
        let bytes = [UInt8](data.prefix(64))
        var encoding: String.Encoding?
        if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xFE { encoding = .utf16LittleEndian }
        if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF { encoding = .utf16BigEndian }
        if encoding == nil, bytes.count >= 4, bytes.count % 2 == 0 {
            let even = stride(from: 0, to: bytes.count, by: 2).map { bytes[$0] }
            let odd = stride(from: 1, to: bytes.count, by: 2).map { bytes[$0] }
            if odd.allSatisfy({ $0 == 0 }), even.allSatisfy({ $0 != 0 && $0 < 0x80 }) { encoding = .utf16LittleEndian }
            if even.allSatisfy({ $0 == 0 }), odd.allSatisfy({ $0 != 0 && $0 < 0x80 }) { encoding = .utf16BigEndian }
        }
        guard let encoding else { return nil }
        var body = data
        if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) { body = data.dropFirst(2) }
        return String(data: body, encoding: encoding)
    }

    /// The delimiter of a sheet saved as CSV: a comma, or the semicolon or tab
    /// that spreadsheets in many locales write. Of the first ten lines, the
    /// one naming the most known headings when split by a delimiter decides;
    /// a tie is a comma.
    static func detectDelimiter(_ text: String) -> Unicode.Scalar {
        // Only the first ten lines count: the text is cut (on its bytes) after
        // twenty line-break bytes, which is ten lines or more, before it is
        // split by Character, which costs several hundred instructions a character.
        var cut = text.utf8.endIndex, breaks = 0, scanned = 0
        for index in text.utf8.indices {
            let byte = text.utf8[index]
            scanned += 1
            if scanned > 4 * 65_536 { cut = index; break }  // the first 65,536 characters are within these bytes
            if byte == 0x0A || byte == 0x0D {
                breaks += 1
                if breaks > 20 { cut = text.utf8.index(after: index); break }
            }
        }
        let lines = text[..<cut].prefix(65_536).split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }).prefix(10)
        var best: (delimiter: Unicode.Scalar, count: Int) = (",", 0)
        for delimiter in [",", ";", "\t"] as [Unicode.Scalar] {
            for line in lines {
                let cells = line.split(separator: Character(delimiter), omittingEmptySubsequences: false)
                guard cells.count > 1 else { continue }
                let known = Set(cells.compactMap { headings[normalise($0.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")))]?.field })
                if known.count > best.count { best = (delimiter, known.count) }
            }
        }
        return best.delimiter
    }

    /// A cell planwatch's CSV writer neutralised (`'=1+1`, `'- still
    /// recruiting`), read back as written; a spreadsheet keeps the apostrophe
    /// when it opens and saves the file. An apostrophe before anything else stays.
    static func unneutralised(_ cell: String) -> String {
        guard cell.utf8.count > 1, cell.utf8.first == UInt8(ascii: "'") else { return cell }
        let second = cell.unicodeScalars.dropFirst().first
        guard let second, ["=", "+", "-", "@", "\t", "\r"].contains(second) else { return cell }
        return String(cell.dropFirst())
    }

    /// Finds a quoted cell that is never closed, naming the row it starts in.
    static func unterminatedQuote(_ text: String, delimiter: Unicode.Scalar = ",") -> Int? {
        // Every character the scan looks for is ASCII: with an ASCII delimiter it
        // runs on the UTF-8 bytes (a multi-byte character's bytes are all above
        // 0x7F, so they match none of them, as its scalar would not).
        if delimiter.isASCII {
            var copy = text
            return copy.withUTF8 { unterminatedQuote(bytes: $0, delimiter: UInt8(delimiter.value)) }
        }
        return unterminatedQuote(scalars: text, delimiter: delimiter)
    }

    /// `unterminatedQuote` a Unicode scalar at a time, for any delimiter.
    static func unterminatedQuote(scalars text: String, delimiter: Unicode.Scalar) -> Int? {
        var row = 1, inQuotes = false, quoteRow = 1, atCellStart = true
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            if inQuotes {
                if scalar == "\"" { inQuotes = false }
                previous = scalar
                continue
            }
            switch scalar {
            case "\"" where atCellStart:
                inQuotes = true; quoteRow = row; atCellStart = false
            case delimiter:
                atCellStart = true
            case "\n":
                if previous != "\r" { row += 1 }
                atCellStart = true
            case "\r":
                row += 1; atCellStart = true
            default:
                atCellStart = false
            }
            previous = scalar
        }
        return inQuotes ? quoteRow : nil
    }

    /// `unterminatedQuote` on UTF-8 bytes, for an ASCII delimiter.
    static func unterminatedQuote(bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8) -> Int? {
        let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
        var row = 1, inQuotes = false, quoteRow = 1, atCellStart = true
        var previous: UInt8 = 0
        for byte in bytes {
            defer { previous = byte }
            if inQuotes {
                if byte == quote { inQuotes = false }
                continue
            }
            switch byte {
            case quote where atCellStart:
                inQuotes = true; quoteRow = row; atCellStart = false
            case delimiter:
                atCellStart = true
            case newline:
                if previous != carriageReturn { row += 1 }
                atCellStart = true
            case carriageReturn:
                row += 1; atCellStart = true
            default:
                atCellStart = false
            }
        }
        return inQuotes ? quoteRow : nil
    }

    /// Reads a spreadsheet. Every problem is collected, each with its row and
    /// column, so one run shows them all. Relative dates and the completion
    /// date of a row marked complete take `today`.
    public static func read(_ data: Data, today: CalendarDate, defaultAgency: String? = nil) throws(PlanError) -> ActionSheet {
        let text: String
        do { text = try decodeText(data) } catch { throw .problems([error.description]) }
        let delimiter = detectDelimiter(text)
        if let row = unterminatedQuote(text, delimiter: delimiter) {
            throw .problems([SheetProblem(row: row, column: nil, "a quoted cell starts here and is never closed").description])
        }
        return try read(records: try csvRecords(text, delimiter: delimiter), today: today, defaultAgency: defaultAgency)
    }

    /// Every record of CSV text, split by `delimiter`.
    static func csvRecords(_ text: String, delimiter: Unicode.Scalar) throws(PlanError) -> [[String]] {
        if delimiter.isASCII { return csvRecords(text, byte: UInt8(delimiter.value)) }
        return try packageRecords(text, delimiter: delimiter)
    }

    /// The CSV package's reader, which builds every cell a Unicode scalar
    /// at a time: 18% of a 10,000-row import. Kept for a delimiter beyond
    /// ASCII, and as the reference `csvRecords(_:byte:)` is tested against.
    static func packageRecords(_ text: String, delimiter: Unicode.Scalar) throws(PlanError) -> [[String]] {
        do {
            let reader = try CSVReader(string: text, hasHeaderRow: false, delimiter: delimiter)
            var all: [[String]] = []
            while let record = reader.next() { all.append(record) }
            if let error = reader.error { throw error }
            return all
        } catch {
            throw .problems(["the file cannot be read as CSV (\(error))"])
        }
    }

    /// The records of CSV text read on its UTF-8 bytes, with an ASCII
    /// delimiter: every character that ends a cell, a row or a quote is one
    /// byte, and no byte of a longer character can be taken for one. The
    /// records are the CSV package's, cell for cell: a quoted cell may hold
    /// delimiters and line breaks and "" for a quote; a row ends at CR, LF or
    /// CR LF; an empty line is one empty cell; and a quote inside a quoted
    /// cell followed by anything else is kept while the character after it
    /// is dropped, as the package does (`CSVReaderTests` compares the two).
    static func csvRecords(_ text: String, byte delimiter: UInt8) -> [[String]] {
        let quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        var text = text
        return text.withUTF8 { bytes in
            var records: [[String]] = []
            var quoted: [UInt8] = []
            let count = bytes.count
            var index = 0
            while index < count {
                var row: [String] = []
                while true {
                    // A cell starts at `index`; past the end it is empty and ends the row.
                    guard index < count else { row.append(""); break }
                    var endsRow = true
                    if bytes[index] == quote {
                        index += 1
                        quoted.removeAll(keepingCapacity: true)
                        closing: while index < count {
                            let byte = bytes[index]
                            index += 1
                            guard byte == quote else { quoted.append(byte); continue }
                            guard index < count else { break closing }
                            let next = bytes[index]
                            index += 1
                            switch next {
                            case cr:
                                if index < count, bytes[index] == lf { index += 1 }
                                break closing
                            case lf: break closing
                            case delimiter: endsRow = false; break closing
                            case quote: quoted.append(quote)
                            default:
                                // The quote is kept and the character after it dropped, all of it.
                                quoted.append(quote)
                                while index < count, bytes[index] & 0xC0 == 0x80 { index += 1 }
                            }
                        }
                        row.append(String(decoding: quoted, as: UTF8.self))
                    } else {
                        let start = index
                        var end = count
                        while index < count {
                            let byte = bytes[index]
                            if byte == cr || byte == lf {
                                end = index
                                index += 1
                                if byte == cr, index < count, bytes[index] == lf { index += 1 }
                                break
                            }
                            if byte == delimiter {
                                end = index
                                index += 1
                                endsRow = false
                                break
                            }
                            index += 1
                        }
                        row.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
                    }
                    if endsRow { break }
                }
                records.append(row)
            }
            return records
        }
    }

    /// Whether a table's first rows hold the action-plan headings (an action
    /// column, as the reader looks for its header): which table of a Word
    /// document is the plan.
    public static func hasHeader(_ records: [[String]]) -> Bool {
        records.prefix(10).contains { record in record.contains { field($0.trimmingCharacters(in: .whitespacesAndNewlines)) == .title } }
    }

    /// Reads a spreadsheet already split into cells, row 1 first: a CSV
    /// file's records, a workbook's sheet, a document's table
    /// (`OfficeFile`), all read alike.
    public static func read(records: [[String]], today: CalendarDate, defaultAgency: String? = nil) throws(PlanError) -> ActionSheet {
        func clean(_ cell: String) -> String {
            // Most cells are already clean: check the ends and look for a no-break space in one pass.
            var copy = cell
            let plain = copy.withUTF8 { bytes -> Bool in
                guard let first = bytes.first, let last = bytes.last else { return true }
                if first <= 0x20 || last <= 0x20 { return false }
                return !bytes.contains(0xC2)
            }
            if plain, cell.utf8.first != UInt8(ascii: "'") { return cell }
            let text = cell.replacingOccurrences(of: "\u{00A0}", with: " ").trimmingCharacters(in: .whitespacesAndNewlines)
            return unneutralised(text)
        }
        // The header is the first row, among the first ten, that names an action column.
        guard let headerIndex = records.prefix(10).firstIndex(where: { record in
            record.contains { field($0) == .title }
        }) else {
            let found = records.first(where: { $0.contains { !clean($0).isEmpty } })?.map(clean).filter { !$0.isEmpty } ?? []
            let names = found.isEmpty ? "no headings" : "columns found: " + found.map { "'\($0)'" }.joined(separator: ", ")
            throw .problems(["no action column (a heading such as 'Action' or 'Actions to be taken'); \(names)"])
        }
        let header = records[headerIndex].map(clean)
        var columns: [Field: Int] = [:]
        var ranks: [Field: Int] = [:]
        var ignored: [String] = []
        for (index, heading) in header.enumerated() where !heading.isEmpty {
            guard let match = ActionSheet.match(heading) else { ignored.append(heading); continue }
            if let previous = columns[match.field] {
                guard match.rank < ranks[match.field, default: Int.max] else { ignored.append(heading); continue }
                ignored.append(header[previous])
            }
            columns[match.field] = index
            ranks[match.field] = match.rank
        }
        // planwatch's export heads its id "Id" beside "Ref": there "Id" is the
        // action's id, which brings the row back to its action whatever a
        // spreadsheet did to the reference (1.10 saved as 1.1).
        if columns[.id] == nil, let refIndex = columns[.ref], normalise(header[refIndex]) != "id",
           let idIndex = header.indices.first(where: { normalise(header[$0]) == "id" }) {
            columns[.id] = idIndex
            if let at = ignored.firstIndex(of: header[idIndex]) { ignored.remove(at: at) }
        }
        var problems: [SheetProblem] = []
        if columns[.owner] == nil {
            problems.append(SheetProblem(row: headerIndex + 1, column: nil,
                "no owner column (a heading such as 'Lead officer' or 'Owner'); columns found: \(header.filter { !$0.isEmpty }.map { "'\($0)'" }.joined(separator: ", "))"))
        }
        if columns[.agency] == nil && defaultAgency == nil {
            problems.append(SheetProblem(row: headerIndex + 1, column: nil,
                "no lead agency column (a heading such as 'Lead agency'); add one or give --agency for every row"))
        }
        if !problems.isEmpty { throw .problems(problems.map(\.description)) }

        var rows: [SheetRow] = []
        var lastArea: String?
        var refs: [String: Int] = [:]
        for (offset, record) in records.enumerated() where offset > headerIndex {
            let rowNumber = offset + 1
            let cells = record.map(clean)
            if cells.allSatisfy(\.isEmpty) { continue }
            // A cell of no more bytes than the limit has no more characters: only a longer one is counted.
            if let long = cells.firstIndex(where: { $0.utf8.count > maxCellLength && $0.count > maxCellLength }) {
                let name = long < header.count && !header[long].isEmpty ? header[long] : "column \(long + 1)"
                problems.append(SheetProblem(row: rowNumber, column: name,
                                             "the cell holds \(cells[long].count) characters (at most \(maxCellLength))"))
                continue
            }
            if cells.count > header.count, cells[header.count...].contains(where: { !$0.isEmpty }) {
                problems.append(SheetProblem(row: rowNumber, column: nil, "\(cells.count) cells but the header has \(header.count) columns"))
                continue
            }
            func cell(_ field: Field) -> String? {
                guard let index = columns[field], index < cells.count, !cells[index].isEmpty else { return nil }
                return cells[index]
            }
            func heading(_ field: Field) -> String { columns[field].map { header[$0] } ?? field.rawValue }
            func problem(_ field: Field, _ message: String) { problems.append(SheetProblem(row: rowNumber, column: heading(field), message)) }
            func date(_ field: Field) -> CalendarDate? {
                guard let text = cell(field) else { return nil }
                do { return try SheetDates.parse(text, today: today) } catch {
                    problem(field, "'\(text)' is not a date (use 31/03/2025, 31 March 2025, March 2025, Q4 2024/25 or Ongoing)")
                    return nil
                }
            }
            if let area = cell(.area) { lastArea = area }
            guard let title = cell(.title) else {
                problem(.title, "the action is empty")
                continue
            }
            // A name wrapped onto two lines of its cell is one name: the store keeps
            // names on one line, trimmed, with single spaces.
            func oneLine(_ text: String?) -> String? {
                text.map { text in
                    // Split only a cell that holds a break or tab (one pass over its bytes): splitting walks Characters.
                    let wrapped = text.utf8.contains { $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
                    return (wrapped ? text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" || $0 == "\t" }).joined(separator: " ") : text)
                        .normalisedName
                }
            }
            let owner = oneLine(cell(.owner))
            if owner == nil { problem(.owner, "the action has no owner") }
            let agency = oneLine(cell(.agency)) ?? defaultAgency
            if agency == nil { problem(.agency, "the action has no lead agency") }
            var due: CalendarDate?
            if !noDeadlineWords.contains((cell(.due) ?? "").lowercased()) { due = date(.due) }
            let originalDue = date(.originalDue)
            var status: ActionStatus?
            if let text = cell(.status) {
                status = ActionStatus.parse(text)
                if status == nil { problem(.status, "'\(text)' is not a status (use Not started, In progress, Complete or Withdrawn)") }
            }
            var percent: Int?
            if let text = cell(.percent) {
                if let value = try? Validation.percent(text: text) { percent = value } else {
                    problem(.percent, "'\(text)' is not a whole number from 0 to 100")
                }
            }
            var rag: SelfAssessment?
            if let text = cell(.rag) {
                rag = SelfAssessment.parse(text)
                // Blue is the RAG of a finished action: complete, unless the status says otherwise.
                if ["blue", "complete", "completed"].contains(text.lowercased()) {
                    if status == nil { status = .complete } else if status != .complete {
                        problem(.rag, "'\(text)' means complete, but the status is '\(cell(.status) ?? "")'")
                    }
                } else if rag == nil && text.lowercased() != "n/a" {
                    problem(.rag, "'\(text)' is not red, amber, green or blue")
                }
            }
            var id: Int64?
            if let text = cell(.id) {
                id = Int64(text)
                if id == nil || id ?? 0 < 1 { problem(.id, "'\(text)' is not a planwatch action id (a whole number)") }
            }
            let ref = oneLine(cell(.ref))
            if let key = id.map({ "#\($0)" }) ?? ref {
                if let first = refs[key] {
                    if id != nil {
                        problem(.id, "action \(key) is already on row \(first)")
                    } else {
                        problem(.ref, repeatedReference(key, firstRow: first))
                    }
                } else {
                    refs[key] = rowNumber
                }
            }
            if let original = originalDue, let current = due, current < original {
                problem(.due, "\(current) is before the original deadline \(original)")
            }
            rows.append(SheetRow(row: rowNumber, ref: ref, area: lastArea, title: title, description: cell(.description),
                                 owner: owner ?? "", agency: agency ?? "", start: date(.start), due: due,
                                 originalDue: originalDue, measure: cell(.measure), status: status, percent: percent,
                                 completed: date(.completed), evidence: cell(.evidence), selfAssessment: rag,
                                 progress: cell(.progress), id: id))
        }
        if !problems.isEmpty { throw .problems(problems.map(\.description)) }
        var used: [Field: String] = [:]
        for (field, index) in columns { used[field] = header[index] }
        return ActionSheet(rows: rows, columns: used, ignored: ignored)
    }
}

/// The date forms of spreadsheets: those of `DateInput`, month-only
/// timescales, "by 31 March 2025", "end of March 2025", two-digit years, and
/// Excel serial numbers.
extension ActionSheet {
    /// Row problems in words, each field named by this sheet's own heading:
    /// "row 7: column 'Ref': '1.1' is already used on row 3".
    public func describe(_ problems: [RowProblem]) -> [String] {
        problems.map { problem in
            let column = problem.field.map { field in Field(rawValue: field).flatMap { columns[$0] } ?? field.prefix(1).uppercased() + field.dropFirst() }
            return "row \(problem.row)" + (column.map { ", column '\($0)'" } ?? "") + ": \(problem.error)"
        }
    }
}

public enum SheetDates {
    public static func parse(_ text: String, today: CalendarDate) throws -> CalendarDate {
        if let date = try DateInput.numeric(text) { return date }
        let t = text.trimmed
        if t.count == 5, let serial = Int(t), (20_000...80_000).contains(serial) {
            // Excel's day 0 is 1899-12-30 (its 1900 leap-year bug included).
            return CalendarDate(year: 1899, month: 12, day: 30)?.adding(days: serial) ?? today
        }
        return try DateInput.parse(t, today: today)
    }
}

extension ActionSheet {
    /// The action plan a file holds, whatever it was saved as: an Excel
    /// workbook (its first sheet, or `sheet`), a Word document (the first
    /// table with the plan's headings, or table number `table`, from 1), or
    /// CSV; told apart by their first bytes, not their names. `import` and
    /// a return uploaded to `planwatch serve` read files through this one door.
    public static func read(file data: Data, sheet: String? = nil, table: Int? = nil, today: CalendarDate,
                            defaultAgency agency: String? = nil) throws -> ActionSheet {
        switch OfficeFile.kind(of: data) {
        case .compound:
            throw PlanError.problems([OfficeFile.compoundProblem])
        case .archive:
            if sheet != nil && table != nil { throw PlanError.refused("give --sheet for a workbook or --table for a Word document, not both") }
            guard OfficeFile.isDocument(data) else {
                if table != nil { throw PlanError.refused("table: the file is not a Word document (--table names a document's table)") }
                return try ActionSheet.read(records: try OfficeFile.workbookCells(data, sheet: sheet), today: today, defaultAgency: agency)
            }
            if sheet != nil { throw PlanError.refused("sheet: the file is not an Excel workbook (--sheet names a workbook's sheet)") }
            let tables = try OfficeFile.documentTables(data)
            guard !tables.isEmpty else { throw PlanError.problems(["the document has no table (an action plan is read from a Word table)"]) }
            if let table {
                guard (1...tables.count).contains(table) else {
                    throw PlanError.invalidValue(field: "table", value: String(table), expected: "a table from 1 to \(tables.count) (the document has \(tables.count))")
                }
                return try ActionSheet.read(records: tables[table - 1], today: today, defaultAgency: agency)
            }
            guard let plan = tables.first(where: ActionSheet.hasHeader) else {
                // The first table's own problem names the headings it has.
                return try ActionSheet.read(records: tables[0], today: today, defaultAgency: agency)
            }
            return try ActionSheet.read(records: plan, today: today, defaultAgency: agency)
        case .other:
            if sheet != nil || table != nil { throw PlanError.refused("--sheet and --table are for Excel workbooks and Word documents; this file is text") }
            return try ActionSheet.read(data, today: today, defaultAgency: agency)
        }
    }
}
