import ImprovementPlan

/// A reconciled return in plain words (`import --dry-run` prints the change
/// list, every import the summary) and as JSON (`--format json`).
public enum ReturnWords {
    /// The longest note the change list quotes in full; a longer one is cut
    /// at a word with "…" (the JSON has every note whole).
    public static let noteLength = 80

    /// One line per change, the lines of one action together in the order of
    /// the return's rows, then the actions it leaves out:
    /// `1.2 deadline 2023-06-30 → 2023-12-31 (extension)`.
    public static func lines(_ report: ReturnReport) -> [String] {
        report.items.flatMap { item in item.changes.map { "\(item.ref) " + text($0) } }
            + report.notInReturn.map { item in
                "\(item.ref) not in this return" + (item.status.map { $0.isOpen ? "" : " (\($0.rawValue))" } ?? "")
            }
    }

    public static func text(_ change: ReturnChange) -> String {
        switch change {
        case let .added(title, finding): return "new action: \(quoted(title))" + (finding.map { " (area for improvement \($0))" } ?? "")
        case let .newFinding(number, text): return "new area for improvement \(number): \(quoted(text))"
        case let .progress(note): return "progress: \(quoted(note))"
        case let .status(from, to): return "status \(from.rawValue) → \(to.rawValue)"
        case let .percent(from, to): return "percent \(from) → \(to)"
        case let .extended(from, to): return "deadline \(from) → \(to) (extension)"
        case let .extensionRequested(from, to): return "deadline \(from) → \(to) (extension requested: the deadline stands until an inspector agrees it)"
        case let .selfAssessment(from, to): return "self-assessed RAG \(from?.rawValue ?? "none") → \(to.rawValue)"
        case let .edited(field, from, to): return "\(field) \(from.map(quoted) ?? "(none)") → \(to.map(quoted) ?? "(none)")"
        }
    }

    /// "4 new actions, 1 new area for improvement, 3 updates, 1 extension, 1
    /// action edited; 5 unchanged; 1 not in this return" ("nothing new" when
    /// nothing changes).
    public static func summary(_ counts: ReturnCounts) -> String {
        let parts = [
            counted(counts.newActions, "new action", "new actions"),
            counted(counts.newFindings, "new area for improvement", "new areas for improvement"),
            counted(counts.updates, "progress update", "progress updates"),
            counted(counts.extensions, "extension", "extensions"),
            counted(counts.extensionRequests, "extension requested", "extensions requested"),
            counted(counts.edited, "action edited", "actions edited"),
        ].compactMap { $0 }
        return (parts.isEmpty ? "nothing new" : parts.joined(separator: ", "))
            + "; \(counts.unchanged) unchanged"
            + (counts.notInReturn > 0 ? "; \(counts.notInReturn) not in this return" : "")
    }

    private static func counted(_ count: Int, _ one: String, _ many: String) -> String? {
        count == 0 ? nil : "\(count) \(count == 1 ? one : many)"
    }

    /// A note or name on one line, in quotes, cut at `noteLength`.
    static func quoted(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " / ")
        guard line.count > noteLength else { return "\"\(line)\"" }
        var cut = line.prefix(noteLength)
        if let space = cut.lastIndex(of: " "), cut.distance(from: cut.startIndex, to: space) > noteLength / 2 { cut = cut[..<space] }
        return "\"\(cut)…\""
    }
}

/// A reconciled return as `import --format json` gives it: the inspection
/// and date, each action it changes with its changes, the actions it leaves
/// out, and the counts of the summary line (docs/json.md).
public struct ReturnJSON: Encodable {
    public var report: ReturnReport
    public var dryRun: Bool

    public init(_ report: ReturnReport, dryRun: Bool) { self.report = report; self.dryRun = dryRun }

    enum Key: String, CodingKey { case inspection, date, dryRun, actions, notInReturn, totals }

    struct Item: Encodable {
        var ref: String
        var row: Int
        var changes: [Change]
    }

    struct Left: Encodable {
        var ref: String
        var status: ActionStatus?
    }

    /// One change: its `kind` and its fields.
    struct Change: Encodable {
        var change: ReturnChange

        enum Key: String, CodingKey { case kind, title, finding, number, text, note, from, to, field }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            switch change {
            case let .added(title, finding):
                try c.encode("newAction", forKey: .kind); try c.encode(title, forKey: .title); try c.encodeIfPresent(finding, forKey: .finding)
            case let .newFinding(number, text):
                try c.encode("newFinding", forKey: .kind); try c.encode(number, forKey: .number); try c.encode(text, forKey: .text)
            case let .progress(note):
                try c.encode("progress", forKey: .kind); try c.encode(note, forKey: .note)
            case let .status(from, to):
                try c.encode("status", forKey: .kind); try c.encode(from, forKey: .from); try c.encode(to, forKey: .to)
            case let .percent(from, to):
                try c.encode("percent", forKey: .kind); try c.encode(from, forKey: .from); try c.encode(to, forKey: .to)
            case let .extended(from, to):
                try c.encode("extension", forKey: .kind); try c.encode(from, forKey: .from); try c.encode(to, forKey: .to)
            case let .extensionRequested(from, to):
                try c.encode("extensionRequest", forKey: .kind); try c.encode(from, forKey: .from); try c.encode(to, forKey: .to)
            case let .selfAssessment(from, to):
                try c.encode("selfAssessment", forKey: .kind); try c.encode(from, forKey: .from); try c.encode(to, forKey: .to)
            case let .edited(field, from, to):
                try c.encode("edit", forKey: .kind); try c.encode(field, forKey: .field)
                try c.encode(from, forKey: .from); try c.encode(to, forKey: .to)
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(report.inspection, forKey: .inspection)
        try c.encode(report.date, forKey: .date)
        try c.encode(dryRun, forKey: .dryRun)
        try c.encode(report.items.map { Item(ref: $0.ref, row: $0.row ?? 0, changes: $0.changes.map(Change.init)) }, forKey: .actions)
        try c.encode(report.notInReturn.map { Left(ref: $0.ref, status: $0.status) }, forKey: .notInReturn)
        try c.encode(report.counts, forKey: .totals)
    }
}
