import Foundation

/// Reads the date forms a person types or a spreadsheet holds.
///
/// Accepted everywhere a date is read (command line, sheet, plan file's
/// relative forms aside): `2025-03-31`, `31/03/2025` (UK order), `31.03.2025`,
/// `31 March 2025`, `31st March 2025`, `31-Mar-24`, relative forms `today`,
/// `yesterday`, `tomorrow`, `+30d`, `-2w`, `+3m`, `+1y`, and periods read as
/// their last day: `March 2025`, `Mar-25`, `Q2 2024/25`, `Q2 2025`,
/// `2024/25`, `Spring 2025`, `2025` (docs/rules.md, "Dates").
public enum DateInput {
    /// Why a piece of text is not a date.
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case empty
        case impossible(String)
        case unrecognised(String)
        /// A real date outside the years planwatch works with (`DateInput.supported`).
        case outOfRange(String)

        public var description: String {
            switch self {
            case .empty: return "a date is required"
            case .impossible(let text): return "'\(text)' is not a real date (use \(DateInput.forms))"
            case .outOfRange(let text):
                return "'\(text)' is outside the dates planwatch accepts (\(DateInput.supported.lowerBound) to \(DateInput.supported.upperBound))"
            case .unrecognised(let text):
                return "'\(text)' is not a date (use \(DateInput.forms))"
            }
        }
    }

    /// The forms a message offers; docs/rules.md "Dates" lists every one.
    public static let forms = "2025-03-31, 31/03/2025, 31.03.2025, 31-Mar-25, 31 March 2025, March 2025, Q4 2024/25, 2024/25, Spring 2025, 2025, today, +30d or -2w"

    static let monthNames: [String: Int] = {
        let names = ["january", "february", "march", "april", "may", "june", "july",
                     "august", "september", "october", "november", "december"]
        var table: [String: Int] = [:]
        for (index, name) in names.enumerated() {
            table[name] = index + 1
            table[String(name.prefix(3))] = index + 1
        }
        table["sept"] = 9
        return table
    }()

    /// The dates planwatch accepts anywhere a date is typed, imported or
    /// stored: inspections of children's services in their present form began
    /// in the 2000s, and a deadline two centuries out is a typing slip. Within
    /// it every date prints as `YYYY-MM-DD` and every calendar export is valid.
    public static let supported = CalendarDate(known: 1990, 1, 1)...CalendarDate(known: 2199, 12, 31)

    /// Refuses a date outside `supported`; `text` is what the user gave.
    public static func checkSupported(_ date: CalendarDate, text: String) throws(Problem) {
        guard supported.contains(date) else { throw .outOfRange(text) }
    }

    /// Parses `text`, taking relative forms from `today`.
    public static func parse(_ text: String, today: CalendarDate) throws(Problem) -> CalendarDate {
        let date: CalendarDate
        if let numeric = try numeric(text) {
            date = numeric
        } else {
            date = try general(text, today: today)
        }
        try checkSupported(date, text: text.trimmed)
        return date
    }

    /// Every accepted form, by trimming, lowering and trying each in turn. A
    /// period (a month, a quarter, a financial year, a season, a year) is its
    /// last day: a deadline of "March 2025" is met by the end of March.
    /// Words a timescale cell leads with ("by", "end of") are read past.
    static func general(_ text: String, today: CalendarDate) throws(Problem) -> CalendarDate {
        var trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .empty }
        for prefix in ["by the end of ", "by end of ", "end of ", "by ", "before ", "due ", "end "]
        where trimmed.lowercased().hasPrefix(prefix) {
            trimmed = String(trimmed.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
            break
        }
        if trimmed.count > 1, trimmed.hasSuffix("."), !trimmed.hasSuffix("..") { trimmed.removeLast() }
        let lower = trimmed.lowercased()
        switch lower {
        case "today": return today
        case "yesterday": return today.adding(days: -1)
        case "tomorrow": return today.adding(days: 1)
        default: break
        }
        if let relative = try relative(lower, today: today) { return relative }
        if let iso = try isoForm(trimmed) { return iso }
        if let slashed = try slashForm(trimmed, separator: "/") { return slashed }
        if let dotted = try slashForm(trimmed, separator: ".") { return dotted }
        if let worded = try wordForm(lower, original: trimmed) { return worded }
        if let period = periodForm(lower) { return period }
        throw .unrecognised(trimmed)
    }

    /// The two shapes a spreadsheet column holds row after row, `2025-03-31`
    /// and `31/03/2025` (or `1/3/25`), read straight from the bytes. Nil for
    /// anything else, which the general parser then reads; for these shapes
    /// the two agree (`DateTests.numericAgrees` checks).
    public static func numeric(_ text: String) throws(Problem) -> CalendarDate? {
        var text = text
        let parts = text.withUTF8 { bytes -> (values: [Int], lengths: [Int], separator: UInt8)? in
            guard bytes.count >= 6, bytes.count <= 10 else { return nil }
            var values = [0], lengths = [0]
            var separator: UInt8 = 0
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    values[values.count - 1] = values[values.count - 1] * 10 + Int(byte - UInt8(ascii: "0"))
                    lengths[lengths.count - 1] += 1
                case UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: "."):
                    guard separator == 0 || separator == byte, values.count < 3 else { return nil }
                    separator = byte
                    values.append(0); lengths.append(0)
                default:
                    return nil
                }
            }
            return values.count == 3 ? (values, lengths, separator) : nil
        }
        guard let parts else { return nil }
        let (n, length) = (parts.values, parts.lengths)
        let date: CalendarDate?
        if parts.separator == UInt8(ascii: "-"), length == [4, 2, 2] {
            date = CalendarDate(year: n[0], month: n[1], day: n[2])
        } else if parts.separator != UInt8(ascii: "-"), (1...2).contains(length[0]), (1...2).contains(length[1]),
                  length[2] == 4 || length[2] == 2 {
            date = CalendarDate(year: length[2] == 2 ? 2000 + n[2] : n[2], month: n[1], day: n[0])
        } else {
            return nil
        }
        guard let date else { throw .impossible(text) }
        return date
    }

    private static func relative(_ text: String, today: CalendarDate) throws(Problem) -> CalendarDate? {
        guard let sign = text.first, sign == "+" || sign == "-", text.count >= 3,
              let unit = text.last, "dwmy".contains(unit)
        else { return nil }
        let digits = text.dropFirst().dropLast()
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits.count <= 5, let amount = Int(digits) else {
            return nil
        }
        let signed = sign == "-" ? -amount : amount
        // At most five digits: no arithmetic below can overflow, and a result
        // off the calendar is refused rather than taken as today.
        let date: CalendarDate?
        switch unit {
        case "d": date = today.adding(days: signed)
        case "w": date = today.adding(days: 7 * signed)
        case "m": date = today.addingIfValid(months: signed)
        default: date = today.addingIfValid(months: 12 * signed)
        }
        guard let date, supported.contains(date) else { throw .outOfRange(text) }
        return date
    }

    private static func numbers(_ text: String, separator: Character) -> [Int]? {
        let parts = text.split(separator: separator, omittingEmptySubsequences: false)
        guard parts.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else {
            return nil
        }
        return parts.compactMap { Int($0) }
    }

    private static func isoForm(_ text: String) throws(Problem) -> CalendarDate? {
        guard text.count == 10, let n = numbers(text, separator: "-"), n.count == 3,
              text.split(separator: "-")[0].count == 4
        else { return nil }
        guard let date = CalendarDate(year: n[0], month: n[1], day: n[2]) else { throw .impossible(text) }
        return date
    }

    /// `31/03/2025`, `1/3/25`, and the same with full stops: `31.03.2025`.
    private static func slashForm(_ text: String, separator: Character) throws(Problem) -> CalendarDate? {
        guard let n = numbers(text, separator: separator), n.count == 3 else { return nil }
        let parts = text.split(separator: separator)
        let yearText = parts[2]
        guard parts[0].count <= 2, parts[1].count <= 2, yearText.count == 4 || yearText.count == 2 else { return nil }
        let year = yearText.count == 2 ? 2000 + n[2] : n[2]
        guard let date = CalendarDate(year: year, month: n[1], day: n[0]) else { throw .impossible(text) }
        return date
    }

    /// `31 March 2025`, `1st Apr 2025`, `31-Mar-25`, `March 2025`, `Mar-25`.
    private static func wordForm(_ lower: String, original: String) throws(Problem) -> CalendarDate? {
        let dashed = lower.contains("-") && lower.contains(where: \.isLetter)
        let words = lower.replacingOccurrences(of: ",", with: " ").replacingOccurrences(of: dashed ? "-" : ",", with: " ")
            .split(separator: " ").map(String.init)
        // A two-digit year only where a spreadsheet writes one: 31-Mar-25, Mar-25, 31 Mar 25.
        func yearValue(_ word: String, short: Bool = false) -> Int? {
            guard word.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            if word.count == 4 { return Int(word) }
            if short, word.count == 2, let value = Int(word) { return 2000 + value }
            return nil
        }
        if words.count == 3, let month = monthNames[words[1].trimmingCharacters(in: ["."])],
           let year = yearValue(words[2], short: true) {
            var dayWord = words[0]
            for suffix in ["st", "nd", "rd", "th"] where dayWord.hasSuffix(suffix) {
                dayWord.removeLast(2)
            }
            guard dayWord.count <= 2, dayWord.allSatisfy({ $0.isASCII && $0.isNumber }), let day = Int(dayWord) else {
                return nil
            }
            guard let date = CalendarDate(year: year, month: month, day: day) else { throw .impossible(original) }
            return date
        }
        if words.count == 2, let month = monthNames[words[0].trimmingCharacters(in: ["."])],
           let year = yearValue(words[1], short: dashed) {
            return CalendarDate.lastDay(ofMonth: month, year: year)
        }
        return nil
    }

    /// The last day of a period: a quarter of a financial year (`Q2 2024/25`:
    /// April to June is Q1, so 30 September 2024) or of a calendar year
    /// (`Q2 2025`: 30 June 2025); a financial year (`2024/25`, `2024-25`,
    /// `FY 2024/25`: 31 March 2025); a season (`Spring 2025`: March to May;
    /// summer June to August, autumn September to November, winter the
    /// December it starts to February: `Winter 2025` is 28 February 2026); a year (`2025`).
    static func periodForm(_ lower: String) -> CalendarDate? {
        var words = lower.split(separator: " ").map(String.init)
        if words.first == "fy" || words.first == "financial" && words.dropFirst().first == "year" {
            words.removeFirst(words.first == "fy" ? 1 : 2)
        }
        func fourDigits(_ text: Substring) -> Int? {
            text.count == 4 && text.allSatisfy({ $0.isASCII && $0.isNumber }) ? Int(text) : nil
        }
        /// `2024/25`, `2024-25`, `2024/2025`: the year it starts; the two years must follow on.
        func financialYear(_ word: String) -> Int? {
            guard let cut = word.firstIndex(where: { $0 == "/" || $0 == "-" }), let first = fourDigits(word[..<cut]) else { return nil }
            let second = word[word.index(after: cut)...]
            guard second.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(second) else { return nil }
            let follows = second.count == 2 ? value == (first + 1) % 100 : second.count == 4 && value == first + 1
            return follows ? first : nil
        }
        func quarter(_ word: String) -> Int? {
            guard word.count == 2, word.first == "q", let n = word.last?.wholeNumberValue, (1...4).contains(n) else { return nil }
            return n
        }
        func end(_ year: Int, _ month: Int) -> CalendarDate? { CalendarDate.lastDay(ofMonth: month, year: year) }
        if words.count == 2 {
            let (a, b) = (words[0], words[1])
            if let q = quarter(a) ?? quarter(b) {
                let other = quarter(a) == nil ? a : b
                if let start = financialYear(other) { return q == 4 ? end(start + 1, 3) : end(start, 3 * q + 3) }
                if let year = fourDigits(Substring(other)) { return end(year, 3 * q) }
                return nil
            }
            let seasons = ["spring": 5, "summer": 8, "autumn": 11, "fall": 11, "winter": 14]
            if let month = seasons[a] {
                if let year = fourDigits(Substring(b)) { return month > 12 ? end(year + 1, 2) : end(year, month) }
                if month > 12, let start = financialYear(b) { return end(start + 1, 2) }
            }
            return nil
        }
        if words.count == 1 {
            if let start = financialYear(words[0]) { return end(start + 1, 3) }
            if let year = fourDigits(Substring(words[0])) { return end(year, 12) }
        }
        return nil
    }
}
