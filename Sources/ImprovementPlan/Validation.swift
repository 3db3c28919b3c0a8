/// The one set of checks every record passes before it is stored, whichever
/// way it arrives: typed at the command line, read from a spreadsheet, or
/// merged from a plan file. Each check names the field and the value.
///
/// Text: a required field is not blank (white space and invisible format
/// characters such as U+200B do not count as text); no text holds a NUL;
/// one-line fields (keys, refs, names, owners, agencies) hold no line break or tab.
/// Dates lie within `DateInput.supported`.
public enum Validation {
    /// A value a person can see: not empty, not only white space or invisible format characters.
    public static func hasVisibleText(_ text: some StringProtocol) -> Bool {
        text.unicodeScalars.contains { !$0.isWhiteSpace && $0.properties.generalCategory != .format }
    }

    /// A required one-line field: visible text, no control character, no line break.
    public static func line(_ text: String, field: String) throws(PlanError) {
        guard hasVisibleText(text) else { throw .missing(field: field) }
        try characters(text, field: field, lineBreaks: false)
    }

    /// A required field that may span lines (a note, a summary, a finding).
    public static func text(_ text: String, field: String) throws(PlanError) {
        guard hasVisibleText(text) else { throw .missing(field: field) }
        try characters(text, field: field, lineBreaks: true)
    }

    /// An optional one-line field: when given, as `line` but it may be blank.
    public static func optionalLine(_ text: String?, field: String) throws(PlanError) {
        if let text { try characters(text, field: field, lineBreaks: false) }
    }

    /// An optional multi-line field.
    public static func optionalText(_ text: String?, field: String) throws(PlanError) {
        if let text { try characters(text, field: field, lineBreaks: true) }
    }

    /// No NUL (C strings and other programs stop reading at it, so stored
    /// text would come back cut short); in a one-line field no line break or
    /// tab either. Other control characters are kept as given and never reach
    /// a terminal as they are (the output sanitiser, CSV and JSON writers).
    /// The common case, plain text, is one pass over the bytes.
    public static func characters(_ text: String, field: String, lineBreaks: Bool) throws(PlanError) {
        var copy = text
        let clean = copy.withUTF8 { bytes in
            !bytes.contains { $0 < 0x20 || $0 == 0xE2 }
        }
        if clean { return }
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value == 0 {
                throw .invalidValue(field: field, value: shown(text), expected: "text without a NUL character")
            }
            let isBreak = value == 0x0A || value == 0x0B || value == 0x0C || value == 0x0D || value == 0x2028 || value == 0x2029
            if !lineBreaks, isBreak || value == 0x09 {
                throw .invalidValue(field: field, value: shown(text), expected: "one line of text, with no line break or tab")
            }
        }
    }

    /// A key: lower-case letters, digits and hyphens, like `dundee-2021`.
    public static func key(_ key: String, field: String) throws(PlanError) {
        let valid = !key.isEmpty && key.utf8.count <= 64 && key.utf8.first != UInt8(ascii: "-")
            && key.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "-") }
        guard valid else {
            throw .invalidValue(field: field, value: shown(key), expected: "lower-case letters, digits and hyphens, like 'dundee-2021'")
        }
    }

    /// A percentage: a whole number from 0 to 100.
    public static func percent(_ value: Int, field: String = "percent") throws(PlanError) {
        guard percentRange.contains(value) else {
            throw .invalidValue(field: field, value: String(value), expected: "a whole number from 0 to 100")
        }
    }

    /// A stored date within the supported range.
    public static func date(_ date: CalendarDate?, field: String) throws(PlanError) {
        guard let date else { return }
        do { try DateInput.checkSupported(date, text: date.iso) } catch { throw .invalidDate(field: field, problem: error) }
    }

    /// A date that has happened by `today` (an update, a completion, a review).
    public static func notFuture(_ date: CalendarDate, today: CalendarDate, field: String) throws(PlanError) {
        if date > today { throw .refused("\(field): \(date) is in the future (today is \(today))") }
    }

    /// Text as a message shows it: at most 60 characters, control characters as `\u{..}`.
    package static func shown(_ text: String) -> String {
        var output = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == 60 { output += "…"; break }
            let value = scalar.value
            if value < 0x20 || (0x7F...0x9F).contains(value) || value == 0x2028 || value == 0x2029 {
                output += "\\u{\(hex(value))}"
            } else {
                output.unicodeScalars.append(scalar)
            }
            count += 1
        }
        return output
    }

    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

// MARK: - Each record's checks

extension Partnership {
    /// The checks of `Validation` for a partnership.
    public func validate() throws(PlanError) {
        try Validation.key(key, field: "partnership key")
        try Validation.line(name, field: "name")
        try Validation.optionalLine(council, field: "council")
        try Validation.optionalLine(healthBoard, field: "health board")
        try Validation.optionalLine(policeDivision, field: "police division")
        for partner in otherPartners { try Validation.line(partner, field: "partner") }
    }
}

extension LinkAssignment {
    public func validate() throws(PlanError) {
        try Validation.line(inspector, field: "inspector")
        try Validation.date(from, field: "from")
        try Validation.date(to, field: "to")
        if let to, to < from { throw .refused("to: \(to) is before from \(from)") }
    }
}

extension QualityIndicator {
    public func validate() throws(PlanError) {
        if let code { try Validation.line(code, field: "code") }
        try Validation.line(name, field: "name")
        try Validation.optionalLine(framework, field: "framework")
    }
}

extension Inspection {
    public func validate() throws(PlanError) {
        try Validation.key(key, field: "inspection key")
        try Validation.line(title, field: "title")
        try Validation.line(leadInspectorate, field: "lead inspectorate")
        for partner in scrutinyPartners { try Validation.line(partner, field: "scrutiny partner") }
        try Validation.date(fieldworkStart, field: "fieldwork start")
        try Validation.date(fieldworkEnd, field: "fieldwork end")
        try Validation.date(published, field: "published")
        try Validation.date(planDue, field: "plan-due")
        try Validation.optionalText(summary, field: "summary")
        try Validation.optionalLine(source, field: "source")
        if let start = fieldworkStart, let end = fieldworkEnd, end < start {
            throw .refused("fieldwork: ends \(end) before it starts \(start)")
        }
        if let published, let due = planDue, due < published {
            throw .refused("plan-due: \(due) is before publication \(published)")
        }
    }
}

extension Finding {
    public func validate() throws(PlanError) {
        try Validation.text(text, field: "text")
        if let qi { try Validation.line(qi, field: "qi") }
        for theme in themes { try Validation.line(theme, field: "theme") }
        guard number > 0 else { throw .invalidValue(field: "number", value: String(number), expected: "a number from 1") }
    }
}

extension ActionPlan {
    public func validate() throws(PlanError) {
        try Validation.date(submitted, field: "submitted")
        try Validation.date(agreed, field: "agreed")
        try Validation.optionalLine(agreedBy, field: "agreed by")
        if status != .draft, submitted == nil { throw .missing(field: "submitted") }
        if status == .agreed, agreed == nil { throw .missing(field: "agreed") }
        if let submitted, let agreed, agreed < submitted {
            throw .refused("agreed: \(agreed) is before submitted \(submitted)")
        }
        try Validation.date(closed, field: "closed")
        if closed != nil, status != .closed { throw .refused("closed: a plan with a closing date is closed, not \(status.rawValue)") }
        if let closed, let last = agreed ?? submitted, closed < last {
            throw .refused("closed: \(closed) is before the plan was \(agreed == nil ? "submitted" : "agreed") (\(last))")
        }
    }
}

extension InspectionChange {
    public func validate() throws(PlanError) {
        try Validation.date(date, field: "date")
        try Validation.text(reason, field: "reason")
        if escalation == nil, confidence == nil { throw .missing(field: "escalation or confidence") }
        if escalation != nil, fromEscalation == nil { throw .missing(field: "fromEscalation") }
        if escalation == nil, fromEscalation != nil { throw .refused("fromEscalation: given without an escalation") }
        if confidence == nil, fromConfidence != nil { throw .refused("fromConfidence: given without a confidence") }
    }
}

extension Action {
    /// The checks of `Validation` for an action, and the consistency of its
    /// dates, status and percent.
    public func validate() throws(PlanError) {
        try Validation.line(ref, field: "ref")
        // A spreadsheet's action cell often lists steps on lines of their own.
        try Validation.text(title, field: "title")
        try Validation.optionalText(description, field: "description")
        try Validation.line(owner, field: "owner")
        try Validation.line(agency, field: "agency")
        for agency in supportingAgencies { try Validation.line(agency, field: "supporting agency") }
        try Validation.optionalText(measure, field: "measure")
        try Validation.optionalText(evidence, field: "evidence")
        try Validation.percent(percent)
        for (date, field) in [(start, "start"), (originalDue, "originalDue"), (due, "due"), (completed, "completed"), (created, "created")] {
            try Validation.date(date, field: field)
        }
        if (originalDue == nil) != (due == nil) { throw .refused("due and originalDue must both be given or both left out") }
        if let due, let originalDue, due < originalDue { throw .refused("due: \(due) is before originalDue \(originalDue)") }
        if let start, let originalDue, originalDue < start {
            throw .refused("due: \(originalDue) is before the start \(start)")
        }
        if (status == .complete) != (completed != nil) {
            throw .refused("completed: a date is given exactly when the status is complete")
        }
        if status == .notStarted, percent != 0 {
            throw .refused("percent: \(percent)% does not fit the status not-started (give in-progress, or 0%)")
        }
        if status == .complete, percent != 100 {
            throw .refused("percent: \(percent)% does not fit the status complete (a complete action is at 100%)")
        }
    }
}

extension ProgressUpdate {
    /// The checks of `Validation` for an update; it has happened by `today`.
    public func validate(today: CalendarDate) throws(PlanError) {
        try Validation.line(author, field: "actor")
        try Validation.text(note, field: "note")
        try Validation.optionalText(evidence, field: "evidence")
        if let percent { try Validation.percent(percent) }
        try Validation.date(date, field: "date")
        try Validation.notFuture(date, today: today, field: "date")
        if status == .notStarted, let percent, percent != 0 {
            throw .refused("percent: \(percent)% does not fit the status not-started")
        }
    }
}

extension DeadlineExtension {
    public func validate() throws(PlanError) {
        try Validation.text(reason, field: "reason")
        try Validation.optionalLine(agreedBy, field: "agreed by")
        try Validation.date(from, field: "from")
        try Validation.date(to, field: "to")
        try Validation.date(recorded, field: "recorded")
        guard to > from else { throw .refused("to: \(to) is not after from \(from)") }
    }
}

extension PlanFile.Review {
    public func validate() throws(PlanError) {
        try Validation.text(summary, field: "summary")
        try Validation.optionalLine(inspector, field: "inspector")
        try Validation.date(date, field: "date")
        try Validation.date(next, field: "next")
        if let next, next <= date { throw .refused("next: \(next) is not after the review date \(date)") }
    }
}
