import Foundation
import ImprovementPlan
import ZIPFoundation

/// An Excel workbook (.xlsx) of one sheet, for `export --format xlsx`: the
/// plan for a partnership to fill in and send back as its next return.
/// Text cells are inline strings (never formulas, so nothing needs
/// neutralising as CSV does), dates are date cells shown dd/mm/yyyy, the
/// header row is bold and frozen, the columns have widths and a filter.
public struct WorkbookWriter {
    let sheetName: String
    let headings: [String]
    let widths: [Double]
    private var rows: [UInt8] = []
    private var rowCount = 1

    public init(sheetName: String, headings: [String], widths: [Double]) {
        self.sheetName = sheetName; self.headings = headings; self.widths = widths
        append(row: headings.map(ActionExport.Cell.text), style: .header)
    }

    /// The cell styles of `xl/styles.xml`, by their index in `cellXfs`.
    enum Style: Int { case plain = 0, date = 1, header = 2, wrapped = 3 }

    /// Adds one row under the header.
    public mutating func append(_ cells: [ActionExport.Cell]) {
        append(row: cells, style: .plain)
    }

    private mutating func append(row cells: [ActionExport.Cell], style: Style) {
        var xml = "<row r=\"\(rowCount)\">"
        for (index, cell) in cells.enumerated() {
            let reference = Self.column(index) + String(rowCount)
            switch cell {
            case .text(let text) where text.isEmpty:
                continue
            case .text(let text):
                let cellStyle = style == .header ? Style.header : (text.contains("\n") ? .wrapped : .plain)
                xml += "<c r=\"\(reference)\" s=\"\(cellStyle.rawValue)\" t=\"inlineStr\"><is><t xml:space=\"preserve\">\(Self.escaped(text))</t></is></c>"
            case .number(let number):
                xml += "<c r=\"\(reference)\" s=\"\(style.rawValue)\"><v>\(number)</v></c>"
            case .date(let date):
                xml += "<c r=\"\(reference)\" s=\"\(Style.date.rawValue)\"><v>\(Self.serial(date))</v></c>"
            }
        }
        xml += "</row>"
        rows.append(contentsOf: xml.utf8)
        rowCount += 1
    }

    /// The workbook's bytes.
    public func finish() throws -> Data {
        let lastColumn = Self.column(max(headings.count - 1, 0))
        let cols = widths.enumerated().map { "<col min=\"\($0.offset + 1)\" max=\"\($0.offset + 1)\" width=\"\($0.element)\" customWidth=\"1\"/>" }.joined()
        var sheet = Data((Self.declaration + """
            <worksheet xmlns="\(Self.main)" xmlns:r="\(Self.relationships)"><dimension ref="A1:\(lastColumn)\(rowCount - 1)"/>\
            <sheetViews><sheetView tabSelected="1" workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>\
            <selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>\
            <sheetFormatPr defaultRowHeight="15"/><cols>\(cols)</cols><sheetData>
            """).utf8)
        sheet.append(contentsOf: rows)
        sheet.append(contentsOf: "</sheetData><autoFilter ref=\"A1:\(lastColumn)\(rowCount - 1)\"/></worksheet>".utf8)
        let parts: [(String, Data)] = [
            ("[Content_Types].xml", Data((Self.declaration + """
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
                <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
                <Default Extension="xml" ContentType="application/xml"/>\
                <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
                <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
                <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
                </Types>
                """).utf8)),
            ("_rels/.rels", Data((Self.declaration + """
                <Relationships xmlns="\(Self.package)"><Relationship Id="rId1" \
                Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
                """).utf8)),
            ("xl/workbook.xml", Data((Self.declaration + """
                <workbook xmlns="\(Self.main)" xmlns:r="\(Self.relationships)"><bookViews><workbookView/></bookViews>\
                <sheets><sheet name="\(Self.escaped(sheetName))" sheetId="1" r:id="rId1"/></sheets>\
                <definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'\(Self.escaped(sheetName.replacingOccurrences(of: "'", with: "''")))'!$A$1:$\(lastColumn)$\(rowCount - 1)</definedName></definedNames>\
                </workbook>
                """).utf8)),
            ("xl/_rels/workbook.xml.rels", Data((Self.declaration + """
                <Relationships xmlns="\(Self.package)">\
                <Relationship Id="rId1" Type="\(Self.relationships)/worksheet" Target="worksheets/sheet1.xml"/>\
                <Relationship Id="rId2" Type="\(Self.relationships)/styles" Target="styles.xml"/></Relationships>
                """).utf8)),
            ("xl/styles.xml", Data((Self.declaration + """
                <styleSheet xmlns="\(Self.main)"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>\
                <fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
                <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
                <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
                <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
                <cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
                <xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
                <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment wrapText="1" vertical="top"/></xf>\
                <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment wrapText="1" vertical="top"/></xf></cellXfs>\
                <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>
                """).utf8)),
            ("xl/worksheets/sheet1.xml", sheet),
        ]
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, data) in parts {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: Self.epoch,
                                 compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let data = archive.data else { throw PlanError.refused("the workbook could not be written") }
        return data
    }

    static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let package = "http://schemas.openxmlformats.org/package/2006/relationships"
    /// Every part's modification time: the same export gives the same bytes.
    static let epoch = Date(timeIntervalSince1970: 315_532_800)

    /// A 0-based column index as letters: 0 is A, 26 AA.
    static func column(_ index: Int) -> String {
        var index = index + 1
        var letters = ""
        while index > 0 {
            let remainder = (index - 1) % 26
            letters = String(UnicodeScalar(UInt8(65 + remainder))) + letters
            index = (index - 1) / 26
        }
        return letters
    }

    /// A day as Excel's serial number in the 1900 date system (1900-03-01 and later).
    static func serial(_ date: CalendarDate) -> Int {
        (CalendarDate(year: 1899, month: 12, day: 30)?.days(until: date)) ?? 0
    }

    /// Text as XML character data: the five escapes, and the characters XML
    /// 1.0 cannot hold at all (C0 controls other than tab, line feed and
    /// carriage return) dropped.
    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
