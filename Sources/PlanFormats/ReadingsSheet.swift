import Foundation
import ImprovementPlan

/// A file of outcome readings: one row per measure and date, with its value
/// and, optionally, its source, a note and whether it corrects a reading
/// already held. A quarterly dataset of many measures comes as one such file.
/// Headings are matched loosely ("Measure", "Indicator"; "Date", "Period
/// ending"; "Value", "Result"), in any order, other columns ignored.
public struct ReadingsSheet: Sendable {
    public enum Field: String, CaseIterable, Sendable { case measure, date, value, source, note, supersedes }

    /// The readings, each with the row it came from (the sheet's own numbering, from 1).
    public var readings: [MeasureReading]
    public var rows: [Int]
    /// Headings of columns not read.
    public var ignored: [String]

    static let synonyms: [Field: [String]] = [
        .measure: ["measure", "measure key", "measure id", "indicator", "indicator key", "outcome measure", "key"],
        .date: ["date", "reading date", "period ending", "period end", "quarter ending", "quarter end", "as at", "as of", "on"],
        .value: ["value", "reading", "result", "figure", "count", "rate", "%"],
        .source: ["source", "data source", "dataset"],
        .note: ["note", "comment", "commentary", "narrative"],
        .supersedes: ["supersede", "correction", "corrected", "correct"],
    ]

    static let headings: [String: Field] = {
        var table: [String: Field] = [:]
        for (field, names) in synonyms { for name in names { table[ActionSheet.normalise(name)] = field } }
        return table
    }()

    static func field(_ heading: String) -> Field? { headings[ActionSheet.normalise(heading.trimmingCharacters(in: .whitespacesAndNewlines))] }

    /// Whether the first row of `records` (after blank rows) is a readings
    /// header: a measure, a date and a value column.
    public static func hasHeader(_ records: [[String]]) -> Bool {
        guard let header = records.first(where: { $0.contains { !$0.trimmingCharacters(in: .whitespaces).isEmpty } }) else { return false }
        let fields = Set(header.compactMap(field))
        return fields.isSuperset(of: [.measure, .date, .value])
    }

    /// A text file's rows (CSV, semicolons or tabs, found from the header), or nil when it is not text.
    public static func records(_ data: Data) throws(PlanError) -> [[String]] {
        let text: String
        do { text = try ActionSheet.decodeText(data) } catch { throw .problems([error.description]) }
        let firstLine = text.prefix(4_096).split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }).first.map(String.init) ?? ""
        var delimiter: Unicode.Scalar = ","
        var best = 0
        for candidate in [",", ";", "\t"] as [Unicode.Scalar] {
            let found = Set(firstLine.split(separator: Character(candidate), omittingEmptySubsequences: false)
                .compactMap { field(String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\" "))) }).count
            if found > best { best = found; delimiter = candidate }
        }
        if let row = ActionSheet.unterminatedQuote(text, delimiter: delimiter) {
            throw .problems(["row \(row): a quoted cell starts here and is never closed"])
        }
        return try ActionSheet.csvRecords(text, delimiter: delimiter)
    }

    /// Reads the rows under the header. Every problem is collected, one line
    /// each naming its row and field; any problem and no reading is returned.
    public static func read(records: [[String]], today: CalendarDate) throws(PlanError) -> ReadingsSheet {
        guard let headerIndex = records.firstIndex(where: { $0.contains { !$0.trimmingCharacters(in: .whitespaces).isEmpty } }),
              hasHeader([records[headerIndex]]) else {
            throw .problems(["no readings header: a file of readings has measure, date and value columns"])
        }
        let header = records[headerIndex].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        var columns: [Field: Int] = [:]
        var ignored: [String] = []
        var problems: [String] = []
        for (index, heading) in header.enumerated() {
            guard let field = field(heading) else { if !heading.isEmpty { ignored.append(heading) }; continue }
            if let first = columns[field] {
                problems.append("row \(headerIndex + 1): field \(field.rawValue): columns '\(header[first])' and '\(heading)' are both the \(field.rawValue)")
            } else {
                columns[field] = index
            }
        }
        if !problems.isEmpty { throw .problems(problems) }
        var sheet = ReadingsSheet(readings: [], rows: [], ignored: ignored)
        for (offset, record) in records.dropFirst(headerIndex + 1).enumerated() {
            let row = headerIndex + 2 + offset
            func cell(_ field: Field) -> String? {
                guard let index = columns[field], index < record.count else { return nil }
                let text = ActionSheet.unneutralised(record[index].replacingOccurrences(of: "\u{00A0}", with: " ")
                    .trimmingCharacters(in: .whitespacesAndNewlines))
                return text.isEmpty ? nil : text
            }
            if record.allSatisfy({ $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) { continue }
            do throws(PlanError) {
                guard let measure = cell(.measure) else { throw .missing(field: "measure") }
                guard let dateText = cell(.date) else { throw .missing(field: "date") }
                guard let valueText = cell(.value) else { throw .missing(field: "value") }
                let date = try DateInput.parse(field: "date", dateText, today: today)
                let value = try Validation.measureValue(valueText, field: "value")
                let supersedes = try cell(.supersedes).map { text throws(PlanError) -> Bool in
                    switch text.lowercased() {
                    case "yes", "y", "true", "1", "x", "supersedes", "correction": return true
                    case "no", "n", "false", "0": return false
                    default: throw .invalidValue(field: "supersedes", value: text, expected: "yes or no")
                    }
                } ?? false
                sheet.readings.append(MeasureReading(measure: measure, date: date, value: value, source: cell(.source), note: cell(.note),
                                                     supersedes: supersedes))
                sheet.rows.append(row)
            } catch {
                problems.append("row \(row): \(error)")
                if problems.count >= 20 { problems.append("(stopped after 20 problems)"); break }
            }
        }
        if !problems.isEmpty { throw .problems(problems) }
        if sheet.readings.isEmpty { throw .problems(["the file has a readings header but no readings"]) }
        return sheet
    }
}
