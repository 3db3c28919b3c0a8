import ImprovementPlan

/// A partnership's timeline in words, and the JSON documents that carry
/// them: the store gives events as values, these are their sentences.
public enum TimelineWords {
    /// One event as `follow` tells it.
    public static func text(_ entry: TimelineEntry) -> String {
        switch entry.event {
        case .published(let inspection): return "Inspection \(inspection) published"
        case .planSubmitted(let inspection): return "Action plan for \(inspection) submitted"
        case .planAgreed(_, let by): return "Action plan agreed" + (by.map { " by \($0)" } ?? "")
        case .planClosed(let inspection): return "Action plan for \(inspection) closed"
        case .inspectionChange(let change): return "Inspection \(change.inspection): \(change.summary) (\(change.reason))"
        case .update(let update):
            var changes: [String] = []
            if let status = update.status { changes.append(status.rawValue) }
            if let percent = update.percent { changes.append("\(percent)%") }
            return update.note + (changes.isEmpty ? "" : " [\(changes.joined(separator: ", "))]")
        case .extension(let x):
            return "Deadline \(x.from) → \(x.to): \(x.reason)" + (x.agreedBy.map { " (agreed by \($0))" } ?? "")
        case .review(let review):
            var text = "\(review.kind.rawValue.replacingOccurrences(of: "-", with: " ").capitalizedFirst): \(review.summary)"
            if let confidence = review.confidence { text += " [\(confidence.rawValue)]" }
            if let next = review.next { text += " Next review \(next)." }
            return text
        }
    }

    /// A review as the changes report lists it beside the window's other events: kind, summary, confidence.
    public static func brief(_ review: LinkingReview) -> String {
        "\(review.kind.rawValue): \(review.summary)" + (review.confidence.map { " [\($0.rawValue)]" } ?? "")
    }

    /// One event in JSON: its date, kind, action and words.
    public struct Line: Encodable, Sendable {
        public var date: CalendarDate
        public var kind: TimelineEntry.Kind
        public var action: String?
        public var text: String

        public init(_ entry: TimelineEntry, text: String? = nil) {
            date = entry.date; kind = entry.kind; action = entry.action; self.text = text ?? TimelineWords.text(entry)
        }
    }
}

/// `follow --format json`: the partnership's story with its timeline in words.
public struct FollowDocument: Encodable, Sendable {
    public var asOf: CalendarDate
    public var partnership: Partnership
    public var inspector: String?
    public var inspection: Inspection?
    public var evaluations: [Evaluation]
    public var plan: ActionPlan?
    public var planStatus: String
    public var progress: PartnershipProgress
    public var red: [ActionRow]
    public var amber: [ActionRow]
    public var timeline: [TimelineWords.Line]
    public var dueNext: [ActionRow]

    public init(_ view: FollowView) {
        asOf = view.asOf; partnership = view.partnership; inspector = view.inspector; inspection = view.inspection
        evaluations = view.evaluations; plan = view.plan; planStatus = view.planStatus; progress = view.progress
        red = view.red; amber = view.amber; timeline = view.timeline.map { TimelineWords.Line($0) }; dueNext = view.dueNext
    }
}

/// One partnership's window of `report changes --format json`, its events in words.
public struct ChangesWindowDocument: Encodable, Sendable {
    public var partnership: String
    public var since: CalendarDate
    public var until: CalendarDate
    public var changed: Int
    public var rows: [ActionChange]
    public var reviews: [LinkingReview]
    public var events: [TimelineWords.Line]

    public init(_ window: ChangesReport.Window) {
        partnership = window.partnership; since = window.since; until = window.until; changed = window.changed
        rows = window.rows; reviews = window.reviews; events = window.events.map { TimelineWords.Line($0) }
    }
}
