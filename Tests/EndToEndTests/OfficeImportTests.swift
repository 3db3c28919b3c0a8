import Foundation
import Testing

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
private let fixtures = root.appendingPathComponent("Tests/EndToEndTests/Fixtures")

/// Plans saved by a real spreadsheet program and word processor (LibreOffice,
/// headless), imported as planwatch reads CSV.
@Suite("Excel and Word imports", .serialized)
struct OfficeImportTests {
    func database() throws -> Harness { try Harness.stirling() }

    /// `csv` saved by LibreOffice Calc as an Excel workbook, in `folder`, read
    /// in British English (2057) as a Scottish council's copy would be: its
    /// dd/mm/yyyy deadlines become date cells.
    func workbook(_ csv: URL, in folder: URL) throws -> URL {
        let out = folder.appendingPathComponent("xlsx")
        try OutsideTool.run("soffice", ["-env:UserInstallation=file://\(folder.appendingPathComponent("lo-profile").path)", "--headless",
                                        "--infilter=CSV:44,34,76,1,,2057", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", out.path, csv.path])
        return out.appendingPathComponent(csv.deletingPathExtension().lastPathComponent + ".xlsx")
    }

    /// `csv` as a table of a Word document saved by LibreOffice Writer: the cells
    /// (parsed by Python's csv module) written into an HTML table after a title
    /// paragraph and a small table of contacts, converted by Writer to .docx.
    func document(_ csv: URL, in folder: URL) throws -> URL {
        let parsed = try OutsideTool.run("python3", [root.appendingPathComponent("Tests/scripts/check_exports.py").path, "csv", csv.path])
        let rows = try JSONSerialization.jsonObject(with: Data(parsed.stdout.utf8)) as? [[String]] ?? []
        func escaped(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\n", with: "<br>")
        }
        let html = "<html><body><p>Joint action plan</p><table><tr><td>Contact</td><td>Planning officer</td></tr></table><table>"
            + rows.map { "<tr>" + $0.map { "<td>\(escaped($0))</td>" }.joined() + "</tr>" }.joined() + "</table></body></html>"
        let name = csv.deletingPathExtension().lastPathComponent
        let page = folder.appendingPathComponent(name + ".html")
        try Data(html.utf8).write(to: page)
        let out = folder.appendingPathComponent("docx")
        try OutsideTool.run("soffice", ["-env:UserInstallation=file://\(folder.appendingPathComponent("lo-profile").path)", "--headless",
                                        "--convert-to", "docx:MS Word 2007 XML", "--outdir", out.path, page.path])
        return out.appendingPathComponent(name + ".docx")
    }

    /// What an import recorded, as the exports show it.
    func recorded(_ h: Harness) throws -> [String] {
        [try h.ok(["export", "--format", "csv", "--as-of", "2024-01-31"]), try h.ok(["finding", "list", "--format", "csv"])]
    }

    @Test("CSV fixtures saved by LibreOffice as .xlsx and as a Word table import to the same plan as the CSV; a return in .xlsx reads as in CSV")
    func sameAsCSV() throws {
        let work = try Harness()
        defer { work.cleanUp() }
        for name in ["action-plan-sample.csv", "return-plan.csv"] {
            let csv = fixtures.appendingPathComponent(name)
            let expected = try database()
            defer { expected.cleanUp() }
            try expected.ok(["import", csv.path, "--inspection", "stirling-2023", "--date", "2023-09-01"])
            let want = try recorded(expected)
            #expect(want[0].utf8.filter { $0 == 10 }.count >= 5, "\(name): \(want[0])")
            for file in [try workbook(csv, in: work.folder), try document(csv, in: work.folder)] {
                let h = try database()
                defer { h.cleanUp() }
                let result = try h.run(["import", file.path, "--inspection", "stirling-2023", "--date", "2023-09-01"])
                #expect(result.status == 0, "\(file.lastPathComponent): \(result.stderr)")
                var expected = want
                if file.pathExtension == "xlsx" && name == "action-plan-sample.csv" {
                    // Calc reads the sample's "June 2023" as the date 1 June 2023 (shown mm/dd/yy):
                    // the workbook holds that day, and planwatch reads what the workbook holds.
                    // (Typed into Excel, "June 2023" is formatted mmm-yy, read as the month's last day.)
                    expected[0] = expected[0].replacingOccurrences(of: ",2023-06-30,2023-06-30,", with: ",2023-06-01,2023-06-01,")
                        .replacingOccurrences(of: ",215,overdue", with: ",244,overdue")
                    #expect(expected != want)
                }
                #expect(try recorded(h) == expected, "\(file.lastPathComponent) imported differently from \(name)")
                // The CSV again over it changes nothing but that day: the rows are the same rows.
                if expected == want {
                    #expect(try h.ok(["import", csv.path, "--inspection", "stirling-2023", "--date", "2023-09-01"]).hasPrefix("Imported nothing new"))
                }
            }
        }
        // A return sent as a workbook: the same change list as the same return in CSV.
        let h = try database()
        defer { h.cleanUp() }
        try h.ok(["import", fixtures.appendingPathComponent("return-plan.csv").path, "--inspection", "stirling-2023", "--date", "2023-09-01"])
        let csvReturn = fixtures.appendingPathComponent("return-q1.csv")
        let asCSV = try h.ok(["import", csvReturn.path, "--inspection", "stirling-2023", "--date", "2024-01-15", "--dry-run"])
        #expect(asCSV.contains("1.2 deadline 2024-06-30 → 2024-12-31 (extension)"))
        for file in [try workbook(csvReturn, in: work.folder), try document(csvReturn, in: work.folder)] {
            #expect(try h.ok(["import", file.path, "--inspection", "stirling-2023", "--date", "2024-01-15", "--dry-run"]) == asCSV, "\(file.lastPathComponent)")
        }
    }

    @Test("bad Office files are refused in one line, nothing written: truncated, a ZIP bomb, password-protected, legacy .xls, no header, an impossible date serial")
    func badFiles() throws {
        let h = try database()
        defer { h.cleanUp() }
        let plan = fixtures.appendingPathComponent("return-plan.csv")
        let good = try Data(contentsOf: try workbook(plan, in: h.folder))
        func write(_ name: String, _ data: Data) throws -> URL {
            let file = h.folder.appendingPathComponent(name)
            try data.write(to: file)
            return file
        }
        var cases: [(String, URL, String)] = []
        cases.append(("truncated", try write("truncated.xlsx", good.prefix(good.count / 2)),
                      "the workbook cannot be opened: the archive is damaged or incomplete"))
        // A sheet that deflates to a few hundred kilobytes and unpacks past the cap.
        let bomb = h.folder.appendingPathComponent("bomb.xlsx")
        try OutsideTool.run("python3", ["-c", """
            import sys, zipfile
            with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
                z.writestr('xl/workbook.xml', '<workbook><sheets><sheet name="a" id="rId1"/></sheets></workbook>')
                z.writestr('xl/_rels/workbook.xml.rels', '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>')
                z.writestr('xl/worksheets/sheet1.xml', '<worksheet>' + ' ' * (300 * 1024 * 1024) + '</worksheet>')
            """, bomb.path])
        cases.append(("zip bomb", bomb, "the workbook unpacks to more than 200 MB (at its part 'xl/worksheets/sheet1.xml'); planwatch reads no larger file"))
        let encrypted = h.folder.appendingPathComponent("encrypted.xlsx")
        try OutsideTool.run("msoffcrypto-tool", ["-e", "-p", "secret", h.folder.appendingPathComponent("xlsx/return-plan.xlsx").path, encrypted.path])
        cases.append(("encrypted", encrypted, "the file is a legacy Excel or Word file (.xls, .doc) or one saved with a password"))
        try OutsideTool.run("soffice", ["-env:UserInstallation=file://\(h.folder.appendingPathComponent("lo-profile").path)", "--headless",
                                        "--infilter=CSV:44,34,76,1,,2057", "--convert-to", "xls:MS Excel 97", "--outdir", h.folder.path, plan.path])
        cases.append(("BIFF", h.folder.appendingPathComponent("return-plan.xls"), "the file is a legacy Excel or Word file (.xls, .doc) or one saved with a password"))
        let noHeader = try write("no-header.csv", Data("Area,Lead,When\nLeadership,Chief Officer,2024\n".utf8))
        cases.append(("no header", try workbook(noHeader, in: h.folder),
                      "no action column (a heading such as 'Action' or 'Actions to be taken'); columns found: 'Area', 'Lead', 'When'"))
        // A date-styled timescale holding a serial past 9999-12-31, written as a spreadsheet program would.
        let serial = h.folder.appendingPathComponent("serial.xlsx")
        try OutsideTool.run("python3", ["-c", """
            import sys, zipfile
            ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
            cells = lambda r, vals: '<row r="%d">' % r + ''.join(v for v in vals) + '</row>'
            s = lambda ref, text: '<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, text)
            with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
                z.writestr('xl/workbook.xml', '<workbook %s><sheets><sheet name="Plan" id="rId1"/></sheets></workbook>' % ns)
                z.writestr('xl/_rels/workbook.xml.rels', '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>')
                z.writestr('xl/styles.xml', '<styleSheet %s><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>' % ns)
                z.writestr('xl/worksheets/sheet1.xml', '<worksheet %s><sheetData>' % ns
                    + cells(1, [s('A1', 'Action'), s('B1', 'Lead officer'), s('C1', 'Lead agency'), s('D1', 'Timescale')])
                    + cells(2, [s('A2', 'Train staff'), s('B2', 'Lead'), s('C2', 'Council'), '<c r="D2" s="1"><v>45382</v></c>'])
                    + cells(3, [s('A3', 'Audit files'), s('B3', 'Lead'), s('C3', 'Council'), '<c r="D3" s="1"><v>3000000</v></c>'])
                    + '</sheetData></worksheet>')
            """, serial.path])
        cases.append(("date serial", serial, "row 3, column 'Timescale': '3000000' is not a date"))
        let document = try write("empty.docx", try Data(contentsOf: try document(noHeader, in: h.folder)))
        cases.append(("document without the plan", document, "no action column"))

        let before = try h.snapshot()
        for (name, file, message) in cases {
            let result = try h.run(["import", file.path, "--inspection", "stirling-2023"])
            #expect(result.status == 1, "\(name)")
            #expect(result.stderr.hasPrefix("planwatch: " + message), "\(name): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(name): \(result.stderr)")
            #expect(!result.stderr.contains("Fatal error"), "\(name)")
        }
        #expect(try h.snapshot() == before)
        // The good workbook imports, by sheet name too; a sheet it lacks is named with those it has.
        let missing = try h.run(["import", h.folder.appendingPathComponent("xlsx/return-plan.xlsx").path, "--inspection", "stirling-2023", "--sheet", "Q3"])
        #expect(missing.stderr == "planwatch: sheet: the workbook has no sheet 'Q3' (its sheets: 'return-plan')\n", "\(missing.stderr)")
        #expect(try h.ok(["import", h.folder.appendingPathComponent("xlsx/return-plan.xlsx").path, "--inspection", "stirling-2023",
                          "--sheet", "return-plan"]).hasPrefix("Imported 5 new actions"))
    }

    @Test("export --format xlsx: real date cells, a frozen header; it imports back to the same plan, directly and after LibreOffice converts it to CSV")
    func workbookExport() throws {
        let h = try database()
        defer { h.cleanUp() }
        try h.ok(["import", fixtures.appendingPathComponent("return-plan.csv").path, "--inspection", "stirling-2023", "--date", "2023-09-01"])
        try h.ok(["import", fixtures.appendingPathComponent("return-q1.csv").path, "--inspection", "stirling-2023", "--date", "2024-01-15"])
        try h.ok(["action", "add", "--inspection", "stirling-2023", "--ref", "1.10", "--title", "=SUM(A1:A2) & <b>\"quoted\"</b>", "--owner", "Lead",
                  "--agency", "Council", "--date", "2023-09-01"])
        let file = h.folder.appendingPathComponent("plan.xlsx")
        try h.ok(["export", "--format", "xlsx", "--inspection", "stirling-2023", "--output", file.path])
        let refused = try h.run(["export", "--format", "xlsx", "--output", h.folder.appendingPathComponent("no/such/folder.xlsx").path])
        #expect(refused.status == 1 && refused.stderr.hasPrefix("planwatch: output: cannot write"), "\(refused.stderr)")
        // What the workbook holds: dates as date cells (style 1, dd/mm/yyyy), the header frozen.
        let sheet = try OutsideTool.run("python3", ["-c", "import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read('xl/worksheets/sheet1.xml').decode())",
                                                   file.path]).stdout
        #expect(sheet.contains("<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"))
        #expect(sheet.contains("<c r=\"L2\" s=\"1\"><v>45382</v></c>"), "the 31/03/2024 timescale of 1.1 is a date cell")
        #expect(sheet.contains("<col min=\"6\" max=\"6\" width=\"45.0\" customWidth=\"1\"/>"))
        let want = try recorded(h)

        let direct = try database()
        defer { direct.cleanUp() }
        try direct.ok(["import", file.path, "--inspection", "stirling-2023", "--date", "2024-01-15"])
        // The same actions, deadlines, statuses and latest notes (ids and dates of recording aside).
        func plan(_ harness: Harness) throws -> [[String]] {
            let list = try JSONSerialization.jsonObject(with: Data(try harness.ok(["action", "list", "--format", "json", "--as-of", "2024-01-31"]).utf8))
                as? [[String: Any]] ?? []
            return list.map { row in ["ref", "title", "owner", "agency", "due", "originalDue", "status", "percent", "selfAssessment"].map { "\(row[$0] ?? "-")" } }
        }
        let expected = try plan(h)
        #expect(expected.count == 8)
        #expect(try plan(direct) == expected)
        #expect(try direct.ok(["finding", "list", "--format", "csv"]) == want[1])
        // And into the database it came from, the workbook is a return that changes nothing.
        #expect(try h.ok(["import", file.path, "--inspection", "stirling-2023", "--date", "2024-01-15"]).hasPrefix("Columns not used"))
        #expect(try recorded(h) == want)

        // LibreOffice opens it and saves it as CSV: the dates are dates, shown as the cells' format says.
        let out = h.folder.appendingPathComponent("csv")
        try OutsideTool.run("soffice", ["-env:UserInstallation=file://\(h.folder.appendingPathComponent("lo-profile").path)", "--headless",
                                        "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,2057", "--outdir", out.path, file.path])
        let saved = out.appendingPathComponent("plan.csv")
        let text = try String(contentsOf: saved, encoding: .utf8)
        #expect(text.contains(",31/03/2024,31/03/2024,"), "\(text)")
        #expect(text.contains(",1.10,") && text.contains("=SUM(A1:A2) & <b>"), "\(text)")
        let converted = try database()
        defer { converted.cleanUp() }
        try converted.ok(["import", saved.path, "--inspection", "stirling-2023", "--date", "2024-01-15"])
        #expect(try plan(converted) == expected)
    }
}
