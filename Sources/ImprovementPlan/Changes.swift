/// What changed about an action between two days (`report changes`): the
/// plan as it stood at the end of the day before `since`, against the plan
/// at the end of `until`, so events dated `since` and `until` both count.
public enum ChangeKind: String, Codable, CaseIterable, Sendable {
    /// Recorded in the window (or first dated in it).
    case added
    case completed
    case withdrawn
    /// Complete or withdrawn before, open again now.
    case reopened
    /// Its deadline moved later.
    case extended
    /// Newly slipped without an extension: completed after its deadline.
    case slipped
    /// Overdue now, and was not before.
    case wentRed = "went-red"
    /// Percent complete went up.
    case progressed
    /// Percent complete went down (a correction).
    case regressed
    /// Discussed at a linking review in the window.
    case reviewed
}

/// One action that changed between two days, with its standing then and now.
public struct ActionChange: Codable, Hashable, Sendable {
    /// How the action stood at one end of the window.
    public struct Standing: Codable, Hashable, Sendable {
        public var status: ActionStatus
        public var percent: Int
        public var due: CalendarDate?
        public var rag: RAG

        public init(_ row: ActionRow) {
            status = row.status; percent = row.percent; due = row.due; rag = row.rag
        }
    }

    public var partnership: String
    public var id: Int64
    public var action: String
    public var title: String
    public var owner: String
    public var changes: [ChangeKind]
    /// Nil for an action added in the window.
    public var before: Standing?
    public var after: Standing

    public init(partnership: String, id: Int64, action: String, title: String, owner: String, changes: [ChangeKind],
                before: Standing?, after: Standing) {
        self.partnership = partnership; self.id = id; self.action = action; self.title = title; self.owner = owner
        self.changes = changes; self.before = before; self.after = after
    }
}

extension Rules {
    /// The changes between an action's row as of the day before a window
    /// (nil: it did not exist yet) and its row at the window's end.
    public static func changes(before: ActionRow?, after: ActionRow, reviewed: Bool) -> [ChangeKind] {
        var kinds: [ChangeKind] = []
        guard let before else {
            kinds.append(.added)
            if after.status == .complete { kinds.append(.completed) }
            if after.status == .withdrawn { kinds.append(.withdrawn) }
            if after.rag == .red { kinds.append(.wentRed) }
            if reviewed { kinds.append(.reviewed) }
            return kinds
        }
        if after.status == .complete, before.status != .complete { kinds.append(.completed) }
        if after.status == .withdrawn, before.status != .withdrawn { kinds.append(.withdrawn) }
        if after.status.isOpen, !before.status.isOpen { kinds.append(.reopened) }
        let extended = (before.due.flatMap { old in after.due.map { $0 > old } }) ?? false
        if extended { kinds.append(.extended) }
        if !extended, after.has(.slipped), !before.has(.slipped) { kinds.append(.slipped) }
        if after.rag == .red, before.rag != .red { kinds.append(.wentRed) }
        if after.percent > before.percent, after.status != .complete { kinds.append(.progressed) }
        if after.percent < before.percent { kinds.append(.regressed) }
        if reviewed { kinds.append(.reviewed) }
        return kinds
    }
}

/// `report changes`: what happened between two days, across partnerships.
public struct ChangesReport: Sendable {
    /// One partnership's window and what else happened in it.
    public struct Partnership: Sendable {
        public var partnership: String
        public var since: CalendarDate
        public var until: CalendarDate
        public var reviews: [LinkingReview]
        public var events: [TimelineEntry]
        public var changed: Int

        public init(partnership: String, since: CalendarDate, until: CalendarDate, reviews: [LinkingReview],
                    events: [TimelineEntry], changed: Int) {
            self.partnership = partnership; self.since = since; self.until = until; self.reviews = reviews
            self.events = events; self.changed = changed
        }
    }

    public var since: CalendarDate?
    public var until: CalendarDate
    public var rows: [ActionChange]
    public var partnerships: [Partnership]
    /// Actions per kind of change.
    public var totals: [String: Int]

    public init(since: CalendarDate?, until: CalendarDate, rows: [ActionChange], partnerships: [Partnership]) {
        self.since = since; self.until = until; self.rows = rows; self.partnerships = partnerships
        var totals = Dictionary(uniqueKeysWithValues: ChangeKind.allCases.map { ($0.rawValue, 0) })
        for row in rows { for kind in row.changes { totals[kind.rawValue, default: 0] += 1 } }
        self.totals = totals
    }
}

extension ChangesReport {
    /// One partnership's window with its changed actions, for the report's JSON;
    /// `Event` as in `FollowView`.
    public struct Window<Event: Sendable>: Sendable {
        public var partnership: String
        public var since: CalendarDate
        public var until: CalendarDate
        public var changed: Int
        public var rows: [ActionChange]
        public var reviews: [LinkingReview]
        public var events: [Event]

        /// The same window with each event transformed (put into words).
        public func withEvents<Other>(_ transform: (Event) -> Other) -> Window<Other> {
            Window<Other>(partnership: partnership, since: since, until: until, changed: changed, rows: rows, reviews: reviews,
                          events: events.map(transform))
        }
    }

    /// The windows, each holding its partnership's rows.
    public var windows: [Window<TimelineEntry>] {
        let byPartnership = Dictionary(grouping: rows, by: \.partnership)
        return partnerships.map { p in
            Window(partnership: p.partnership, since: p.since, until: p.until, changed: p.changed,
                   rows: byPartnership[p.partnership] ?? [], reviews: p.reviews, events: p.events)
        }
    }

    /// The totals: actions changed, per kind of change, reviews and events.
    public struct Totals: Codable, Sendable {
        public var partnerships: Int
        public var changed: Int
        public var byChange: [String: Int]
        public var reviews: Int
        public var events: Int
    }

    public var allTotals: Totals {
        Totals(partnerships: partnerships.count, changed: rows.count, byChange: totals,
               reviews: partnerships.reduce(0) { $0 + $1.reviews.count }, events: partnerships.reduce(0) { $0 + $1.events.count })
    }
}

extension ChangesReport.Window: Encodable where Event: Encodable {}
