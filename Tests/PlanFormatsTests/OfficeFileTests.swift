import Foundation
import ImprovementPlan
@testable import PlanFormats
import Testing
import ZIPFoundation

/// An Office Open XML package made in memory, part by part, as a spreadsheet program writes one.
func officePackage(_ parts: [(String, String)], compression: CompressionMethod = .deflate) throws -> Data {
    let archive = try Archive(data: Data(), accessMode: .create)
    for (path, text) in parts {
        let data = Data(text.utf8)
        try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: compression) { position, size in
            data.subdata(in: Int(position)..<Int(position) + size)
        }
    }
    return try #require(archive.data)
}

/// A workbook of one or more sheets, with the given styles (`cellXfs` number formats, custom codes).
func workbook(sheets: [(name: String, xml: String)], strings: [String] = [], styles: [Int] = [0], custom: [Int: String] = [:],
              date1904: Bool = false) throws -> Data {
    let ns = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
    let rel = "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
    var parts: [(String, String)] = [
        ("xl/workbook.xml", "<workbook \(ns) \(rel)>" + (date1904 ? "<workbookPr date1904=\"1\"/>" : "") + "<sheets>"
         + sheets.enumerated().map { "<sheet name=\"\($0.element.name)\" sheetId=\"\($0.offset + 1)\" r:id=\"rId\($0.offset + 1)\"/>" }.joined()
         + "</sheets></workbook>"),
        ("xl/_rels/workbook.xml.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
         + sheets.indices.map { "<Relationship Id=\"rId\($0 + 1)\" Type=\"worksheet\" Target=\"worksheets/sheet\($0 + 1).xml\"/>" }.joined()
         + "</Relationships>"),
        ("xl/sharedStrings.xml", "<sst \(ns)>" + strings.map { "<si><t xml:space=\"preserve\">\($0)</t></si>" }.joined() + "</sst>"),
        ("xl/styles.xml", "<styleSheet \(ns)><numFmts>" + custom.map { "<numFmt numFmtId=\"\($0.key)\" formatCode=\"\($0.value)\"/>" }.joined()
         + "</numFmts><cellStyleXfs><xf numFmtId=\"14\"/></cellStyleXfs><cellXfs>" + styles.map { "<xf numFmtId=\"\($0)\"/>" }.joined()
         + "</cellXfs></styleSheet>"),
    ]
    for (index, sheet) in sheets.enumerated() {
        parts.append(("xl/worksheets/sheet\(index + 1).xml", "<worksheet \(ns)>\(sheet.xml)</worksheet>"))
    }
    return try officePackage(parts)
}

@Suite("Excel workbooks and Word documents")
struct OfficeFileTests {
    @Test("cells: shared and inline strings with runs, numbers, booleans, date, month and percent styles, blank rows kept, merged ranges filled")
    func workbookCells() throws {
        let sheet = """
            <sheetData>
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><r><t>Time</t></r><r><t>scale</t></r></is></c><c r="D1" t="s"><v>1</v></c></row>
            <row r="3"><c r="A3"><v>1.1</v></c><c r="B3" s="1"><v>45382</v></c><c r="C3" t="b"><v>1</v></c><c r="D3" s="2"><v>0.4</v></c></row>
            <row r="4"><c r="B4" s="3"><v>45383.75</v></c><c r="D4" s="4"><v>45078</v></c><c r="C4" t="str"><v>Formula text</v></c></row>
            </sheetData>
            <mergeCells count="1"><mergeCell ref="A3:A5"/></mergeCells>
            """
        let data = try workbook(sheets: [("Plan", sheet)], strings: ["Ref", "Progress &amp; notes"], styles: [0, 14, 9, 164, 17],
                                custom: [164: "[$-809]dd\\ mmmm\\ yyyy;@"])
        let cells = try OfficeFile.workbookCells(data)
        #expect(cells == [
            ["Ref", "Timescale", "", "Progress & notes"],
            [],
            ["1.1", "2024-03-31", "TRUE", "40%"],
            ["1.1", "2024-04-01", "Formula text", "2023-06-30"],
            ["1.1"],
        ])
    }

    @Test("date serials: 1900 and 1904 systems, Excel's 29 February 1900 and serials past 9999 left as numbers")
    func serials() {
        #expect(SheetReader.date(serial: 1, date1904: false)?.iso == "1900-01-01")
        #expect(SheetReader.date(serial: 59, date1904: false)?.iso == "1900-02-28")
        #expect(SheetReader.date(serial: 60, date1904: false) == nil)
        #expect(SheetReader.date(serial: 61, date1904: false)?.iso == "1900-03-01")
        #expect(SheetReader.date(serial: 2_958_465, date1904: false)?.iso == "9999-12-31")
        #expect(SheetReader.date(serial: 2_958_466, date1904: false) == nil)
        #expect(SheetReader.date(serial: 0, date1904: false) == nil)
        #expect(SheetReader.date(serial: -5, date1904: false) == nil)
        #expect(SheetReader.date(serial: 0, date1904: true)?.iso == "1904-01-01")
        #expect(SheetReader.date(serial: 43_920, date1904: true)?.iso == "2024-03-31")
    }

    @Test("number formats: built-in dates and percentages; custom codes by their parts, quoted text, escapes and brackets aside")
    func numberFormats() {
        #expect(StylesReader.shape(ofBuiltIn: 17) == .month)
        for id in [14, 15, 16, 22] { #expect(StylesReader.shape(ofBuiltIn: id) == .date, "\(id)") }
        for id in [0, 1, 2, 3, 4, 11, 49] { #expect(StylesReader.shape(ofBuiltIn: id) == .plain, "\(id)") }
        #expect(StylesReader.shape(ofBuiltIn: 9) == .percent && StylesReader.shape(ofBuiltIn: 10) == .percent)
        let cases: [(String, NumberShape)] = [
            ("dd/mm/yyyy", .date), ("d-mmm-yy", .date), ("[$-F800]dddd, mmmm dd, yyyy", .date), ("yyyy-mm-dd;@", .date),
            ("h:mm", .date), ("dd/mm/yyyy hh:mm", .date), ("mmm yyyy", .month), ("mmmm\\ yyyy", .month), ("[$-809]mmm-yy;@", .month),
            ("General", .plain), ("0.00", .plain), ("#,##0", .plain), ("\"Day \"0", .plain), ("[Red]0.0", .plain), ("0\\d", .plain),
            ("0%", .percent), ("0.0%", .percent), ("0;[Red]-0;\"d\"", .plain), ("@", .plain),
        ]
        for (code, shape) in cases { #expect(StylesReader.shape(ofCode: code) == shape, "\(code)") }
    }

    @Test("a named sheet is read, any case; an unknown one is refused naming the sheets; 1904 dates")
    func namedSheets() throws {
        let first = "<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Notes</t></is></c></row></sheetData>"
        let second = "<sheetData><row r=\"1\"><c r=\"A1\" s=\"1\"><v>43920</v></c></row></sheetData>"
        let data = try workbook(sheets: [("Notes", first), ("Action Plan", second)], styles: [0, 14], date1904: true)
        #expect(try OfficeFile.workbookCells(data) == [["Notes"]])
        #expect(try OfficeFile.workbookCells(data, sheet: "action plan") == [["2024-03-31"]])
        #expect(throws: PlanError.problems(["sheet: the workbook has no sheet 'Plan' (its sheets: 'Notes', 'Action Plan')"])) {
            try OfficeFile.workbookCells(data, sheet: "Plan")
        }
    }

    @Test("bad packages: not a workbook, damaged XML, a truncated archive, a part past the cap")
    func badPackages() throws {
        let document = try officePackage([("word/document.xml", "<document/>")])
        #expect(throws: PlanError.problems(["the file is a ZIP archive but not an Excel workbook (it has no xl/workbook.xml)"])) {
            try OfficeFile.workbookCells(document)
        }
        let broken = try workbook(sheets: [("Plan", "<sheetData><row>")])
        #expect {
            try OfficeFile.workbookCells(broken)
        } throws: { error in
            "\(error)".hasPrefix("the file is damaged: its part 'xl/worksheets/sheet1.xml' is not well-formed XML")
        }
        let whole = try workbook(sheets: [("Plan", "<sheetData/>")])
        #expect {
            try OfficeFile.workbookCells(Data(whole.prefix(whole.count / 2)))
        } throws: { error in
            "\(error)".hasPrefix("the workbook cannot be opened: the archive is damaged or incomplete")
        }
        // A sheet of spaces that deflates to almost nothing and unpacks past the cap.
        let bomb = try officePackage([("xl/workbook.xml", "<workbook><sheets><sheet name=\"a\" id=\"rId1\"/></sheets></workbook>"),
                                      ("xl/_rels/workbook.xml.rels", "<Relationships><Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/></Relationships>"),
                                      ("xl/worksheets/sheet1.xml", "<worksheet>" + String(repeating: " ", count: OfficeFile.maxUnpacked) + "</worksheet>")])
        #expect(bomb.count < 1_000_000)
        #expect(throws: PlanError.problems(["the workbook unpacks to more than 200 MB (at its part 'xl/worksheets/sheet1.xml'); planwatch reads no larger file"])) {
            try OfficeFile.workbookCells(bomb)
        }
        #expect(OfficeFile.kind(of: Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0])) == .compound)
        #expect(OfficeFile.kind(of: Data("Ref,Action\n".utf8)) == .other)
        #expect(OfficeFile.kind(of: bomb) == .archive)
    }

    @Test("Word tables: paragraphs joined by line breaks, spans padded, vertical merges continued, nested tables' text kept in their cell")
    func documentTables() throws {
        let w = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""
        func cell(_ paragraphs: [String], props: String = "") -> String {
            "<w:tc><w:tcPr>\(props)</w:tcPr>" + paragraphs.map { "<w:p><w:r><w:t xml:space=\"preserve\">\($0)</w:t></w:r></w:p>" }.joined() + "</w:tc>"
        }
        let xml = """
            <w:document \(w)><w:body><w:p><w:r><w:t>Title</w:t></w:r></w:p>
            <w:tbl><w:tr>\(cell(["Key"]))</w:tr></w:tbl>
            <w:tbl>
            <w:tr>\(cell(["Area"]))\(cell(["Action"]))\(cell(["Owner"]))</w:tr>
            <w:tr>\(cell(["Leadership"], props: "<w:vMerge w:val=\"restart\"/>"))\(cell(["Step one", "Step two"]))\(cell(["Chief Officer"]))</w:tr>
            <w:tr>\(cell([""], props: "<w:vMerge/>"))\(cell(["Both columns"], props: "<w:gridSpan w:val=\"2\"/>"))</w:tr>
            <w:tr>\(cell(["x"]))<w:tc><w:p><w:r><w:t>Outer</w:t><w:br/><w:t>next</w:t></w:r></w:p><w:tbl><w:tr>\(cell(["inner"]))</w:tr></w:tbl></w:tc>\(cell(["y"]))</w:tr>
            </w:tbl></w:body></w:document>
            """
        let tables = try OfficeFile.documentTables(try officePackage([("word/document.xml", xml)]))
        #expect(tables.count == 2)
        #expect(tables[0] == [["Key"]])
        #expect(tables[1] == [
            ["Area", "Action", "Owner"],
            ["Leadership", "Step one\nStep two", "Chief Officer"],
            ["Leadership", "Both columns", ""],
            ["x", "Outer\nnext\ninner", "y"],
        ])
        #expect(ActionSheet.hasHeader(tables[1]) && !ActionSheet.hasHeader(tables[0]))
    }
}
