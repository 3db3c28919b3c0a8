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
            // "note [status, percent%]", either part left out when not changed (built in place: tens of thousands a timeline).
            guard update.status != nil || update.percent != nil else { return update.note }
            var text = update.note
            text += " ["
            if let status = update.status { text += status.rawValue }
            if let percent = update.percent {
                if update.status != nil { text += ", " }
                text += String(percent)
                text += "%"
            }
            text += "]"
            return text
        case .extension(let x):
            return "Deadline \(x.from) → \(x.to): \(x.reason)" + (x.agreedBy.map { " (agreed by \($0))" } ?? "")
        case .signOff(_, let s):
            return "Completion of \(s.completed) \(s.decision.rawValue) by \(s.decidedBy)" + (s.note.map { ": \($0)" } ?? "")
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

extension FollowView where Event == TimelineEntry {
    /// The story with its timeline in words, as `follow --format json` writes it.
    public var worded: FollowView<TimelineWords.Line> { withTimeline { TimelineWords.Line($0) } }
}

extension ChangesReport.Window where Event == TimelineEntry {
    /// The window with its events in words, as `report changes --format json` writes it.
    public var worded: ChangesReport.Window<TimelineWords.Line> { withEvents { TimelineWords.Line($0) } }
}
