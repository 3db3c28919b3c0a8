// A libFuzzer harness over planwatch's parsers: the date reader, the plan-file
// (JSON) reader, the spreadsheet (CSV) reader and the CSV writer. The target is
// chosen with FUZZ_TARGET=dates|planfile|sheet|csv|readings (a file of outcome readings); everything else is
// libFuzzer's command line.
import CSV
import Foundation
import ImprovementPlan
import PlanFormats

enum Target: String { case dates, planfile, sheet, csv, readings }

nonisolated(unsafe) var target = Target.dates
let today = CalendarDate(year: 2025, month: 6, day: 1) ?? CalendarDate(dayNumber: 0)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    switch target {
    case .dates:
        let text = String(decoding: data, as: UTF8.self)
        if let date = try? DateInput.parse(text, today: today) {
            // Whatever is accepted must be a real day that round-trips through the stored form.
            precondition(CalendarDate(iso: date.iso) == date, "accepted '\(text)' as an impossible date \(date.iso)")
        }
        _ = try? SheetDates.parse(text, today: today)
        _ = CalendarDate(iso: text)
    case .planfile:
        // The importer's reader, a record at a time (its own JSON scanner), through a
        // window of 7 bytes so records straddle every refill; never a crash, and where
        // Foundation's decoder also reads the file, the same records.
        let streamed = try? PlanFile(records: PlanFileStream(bytes: Array(data), name: "fuzz", chunk: 7))
        let inMemory = try? PlanFile(records: PlanFileStream(bytes: Array(data), name: "fuzz"))
        precondition(streamed == inMemory, "the file read through a window and in memory disagree")
        let whole = try? JSONDecoder().decode(PlanFile.self, from: data)
        if let streamed, var whole {
            whole.version = streamed.version  // the records are compared; an older version number is accepted by both
            precondition(streamed == whole, "the streamed reader and the whole-document decoder disagree")
        }
        if let file = whole {
            // A file that reads must write and read back to the same value.
            let encoded = try? JSONEncoder().encode(file)
            precondition(encoded.flatMap { try? JSONDecoder().decode(PlanFile.self, from: $0) } == file, "plan file does not round-trip")
        }
    case .csv:
        // Any text written as a cell reads back (with an independent RFC 4180
        // reader) as exactly that cell, less the control characters the writer
        // drops and with the apostrophe that neutralises a formula: one record,
        // never a second row.
        let text = String(decoding: data, as: UTF8.self)
        let line = PlanFormats.CSV.line([text, "next"])
        var expected = String(String.UnicodeScalarView(text.unicodeScalars.filter {
            !(($0.value < 0x20 && $0 != "\t" && $0 != "\n" && $0 != "\r") || (0x7F...0x9F).contains($0.value))
        }))
        if let first = expected.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first),
           !(expected.unicodeScalars.count > 1 && expected.unicodeScalars.dropFirst().allSatisfy { ("0"..."9").contains($0) || $0 == "." }
             && (first == "-" || first == "+")) {
            expected = "'" + expected
        }
        guard let reader = try? CSVReader(string: line, hasHeaderRow: false) else {
            preconditionFailure("the written line does not open as CSV: \(line.debugDescription)")
        }
        var rows: [[String]] = []
        while let row = reader.next() { rows.append(row) }
        precondition(rows.count == 1, "one cell became \(rows.count) rows: \(line.debugDescription)")
        precondition(rows[0] == [expected, "next"], "cell \(text.debugDescription) read back as \(rows[0])")
    case .sheet:
        if let sheet = try? ActionSheet.read(data, today: today, defaultAgency: "Agency") {
            for row in sheet.rows {
                precondition(!row.title.isEmpty && !row.owner.isEmpty, "row \(row.row) accepted without an action or owner")
            }
        }
    case .readings:
        // Whatever a readings file gives is a real number on a real day, each from a row after the header.
        if let records = try? ReadingsSheet.records(data), let sheet = try? ReadingsSheet.read(records: records, today: today) {
            precondition(sheet.readings.count == sheet.rows.count, "readings and their rows disagree")
            for (reading, row) in zip(sheet.readings, sheet.rows) {
                precondition(reading.value.isFinite && !reading.measure.isEmpty, "row \(row) accepted without a number or a measure")
                precondition(CalendarDate(iso: reading.date.iso) == reading.date && row >= 2, "row \(row) accepted an impossible date")
            }
        }
    }
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

guard let name = ProcessInfo.processInfo.environment["FUZZ_TARGET"], let chosen = Target(rawValue: name) else {
    FileHandle.standardError.write(Data("set FUZZ_TARGET to dates, planfile, sheet, csv or readings\n".utf8))
    exit(2)
}
target = chosen
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOne))
