/// The thresholds of the rules (docs/rules.md); every report takes them as flags.
public struct Thresholds: Hashable, Sendable, Codable {
    /// An open action due within this many days of the as-of date is due soon.
    public var dueSoonDays: Int
    /// An open action with no update for more than this many days is stale.
    public var staleDays: Int
    /// Percent complete this many points below the share of time elapsed is behind schedule.
    public var behindMargin: Int
    /// A partnership with at least this many red actions needs the inspector's attention.
    public var attentionReds: Int

    public static let standard = Thresholds(dueSoonDays: 28, staleDays: 90, behindMargin: 20, attentionReds: 3)

    public init(dueSoonDays: Int, staleDays: Int, behindMargin: Int, attentionReds: Int = 3) {
        self.dueSoonDays = dueSoonDays; self.staleDays = staleDays; self.behindMargin = behindMargin
        self.attentionReds = attentionReds
    }

    /// The day counts a threshold may take: up to a hundred years, so date
    /// arithmetic with any of them stays on the calendar.
    public static let dayCounts = 0...36_500

    /// Refuses a day count outside `dayCounts`, naming the option.
    public static func check(days: Int, field: String) throws(PlanError) {
        guard dayCounts.contains(days) else {
            throw .invalidValue(field: field, value: String(days), expected: "a whole number of days from \(dayCounts.lowerBound) to \(dayCounts.upperBound)")
        }
    }

    /// Refuses any threshold out of its range.
    public func check() throws(PlanError) {
        try Thresholds.check(days: dueSoonDays, field: "due-soon-days")
        try Thresholds.check(days: staleDays, field: "stale-days")
        guard (0...100).contains(behindMargin) else {
            throw .invalidValue(field: "behind-margin", value: String(behindMargin), expected: "a whole number from 0 to 100")
        }
        guard (1...1_000_000).contains(attentionReds) else {
            throw .invalidValue(field: "attention-reds", value: String(attentionReds), expected: "a whole number from 1 to 1000000")
        }
    }
}

/// Red, amber, green for open actions; complete and withdrawn shown as such.
public enum RAG: String, Codable, CaseIterable, Sendable, Comparable {
    case red, amber, green, complete, withdrawn

    private var order: Int { RAG.allCases.firstIndex(of: self) ?? 0 }
    public static func < (lhs: RAG, rhs: RAG) -> Bool { lhs.order < rhs.order }
}

/// A reason a partnership needs the link inspector's attention.
public enum AttentionReason: String, Codable, CaseIterable, Sendable {
    case planLate = "plan-late"
    case followUpOverdue = "follow-up-overdue"
    case reds = "red-actions"
    case confidence = "not-confident"
}

/// How long an overdue action has been overdue.
public enum AgeingBucket: String, Codable, CaseIterable, Sendable {
    case upTo30 = "1-30"
    case upTo90 = "31-90"
    case upTo180 = "91-180"
    case over180 = "over 180"

    /// The bucket's place in `allCases`.
    var index: Int {
        switch self {
        case .upTo30: return 0
        case .upTo90: return 1
        case .upTo180: return 2
        case .over180: return 3
        }
    }

    public init(daysOverdue: Int) {
        switch daysOverdue {
        case ...30: self = .upTo30
        case 31...90: self = .upTo90
        case 91...180: self = .upTo180
        default: self = .over180
        }
    }
}

/// A reason an action needs attention; shown in the `flags` column.
public enum ActionFlag: String, Codable, CaseIterable, Sendable {
    case overdue
    case dueSoon = "due-soon"
    case slipped
    case completedLate = "completed-late"
    case stale
    case behindSchedule = "behind-schedule"
    case noDeadline = "no-deadline"

    /// An open action that is not overdue is amber when it has one of these (the RAG rule, docs/rules.md).
    static let makeAmber: ActionFlags = [.dueSoon, .slipped, .stale, .behindSchedule]
}

/// The flags of one action: a set, listed in the order of `ActionFlag`'s
/// cases (the order the rules give them in). Kept in one byte, not an array:
/// every row of a national report is classified, and an array of flags for
/// each cost an allocation and a release a row. In JSON, an array of the names.
public struct ActionFlags: Sequence, Hashable, Sendable, Codable, ExpressibleByArrayLiteral {
    private var bits: UInt8 = 0

    public init() {}

    public init(arrayLiteral flags: ActionFlag...) {
        for flag in flags { insert(flag) }
    }

    public init<S: Sequence>(_ flags: S) where S.Element == ActionFlag {
        for flag in flags { insert(flag) }
    }

    @inline(__always)
    private static func bit(_ flag: ActionFlag) -> UInt8 {
        switch flag {
        case .overdue: return 1 << 0
        case .dueSoon: return 1 << 1
        case .slipped: return 1 << 2
        case .completedLate: return 1 << 3
        case .stale: return 1 << 4
        case .behindSchedule: return 1 << 5
        case .noDeadline: return 1 << 6
        }
    }

    /// The flag of bit `position` (the inverse of `bit`).
    @inline(__always)
    private static func flag(at position: Int) -> ActionFlag {
        switch position {
        case 0: return .overdue
        case 1: return .dueSoon
        case 2: return .slipped
        case 3: return .completedLate
        case 4: return .stale
        case 5: return .behindSchedule
        default: return .noDeadline
        }
    }

    /// Whether any of `flags` is here.
    func containsAny(of flags: ActionFlags) -> Bool { bits & flags.bits != 0 }

    public mutating func insert(_ flag: ActionFlag) { bits |= ActionFlags.bit(flag) }
    public mutating func remove(_ flag: ActionFlag) { bits &= ~ActionFlags.bit(flag) }
    public func contains(_ flag: ActionFlag) -> Bool { bits & ActionFlags.bit(flag) != 0 }
    public var isEmpty: Bool { bits == 0 }
    public var count: Int { bits.nonzeroBitCount }

    /// The flags in the rules' order.
    public struct Iterator: IteratorProtocol {
        fileprivate let bits: UInt8
        fileprivate var position = 0

        public mutating func next() -> ActionFlag? {
            while position < 7 {
                let position = self.position
                self.position += 1
                if bits & (1 << position) != 0 { return ActionFlags.flag(at: position) }
            }
            return nil
        }
    }

    public func makeIterator() -> Iterator { Iterator(bits: bits) }
    public var underestimatedCount: Int { count }

    public init(from decoder: Decoder) throws {
        self.init(try [ActionFlag](from: decoder) as [ActionFlag])
    }

    public func encode(to encoder: Encoder) throws {
        try Array(self).encode(to: encoder)
    }
}

/// The facts about an action that the rules read.
public struct ActionFacts: Hashable, Sendable {
    public var status: ActionStatus
    public var percent: Int
    public var start: CalendarDate?
    public var originalDue: CalendarDate?
    public var due: CalendarDate?
    public var completed: CalendarDate?
    /// The latest progress update, or the day the action was recorded.
    public var lastActivity: CalendarDate

    public init(status: ActionStatus, percent: Int, start: CalendarDate?, originalDue: CalendarDate?,
                due: CalendarDate?, completed: CalendarDate?, lastActivity: CalendarDate) {
        self.status = status; self.percent = percent; self.start = start; self.originalDue = originalDue
        self.due = due; self.completed = completed; self.lastActivity = lastActivity
    }

    public init(_ action: Action, lastUpdate: CalendarDate?) {
        self.init(ActionState(action), start: action.start, originalDue: action.originalDue, due: action.due,
                  created: action.created, lastUpdate: lastUpdate)
    }

    /// The facts of an action in `state`, counted from `created`: its last
    /// activity is its latest update, or that day when it has none.
    package init(_ state: ActionState, start: CalendarDate?, originalDue: CalendarDate?, due: CalendarDate?,
                 created: CalendarDate, lastUpdate: CalendarDate?) {
        self.init(status: state.status, percent: state.percent, start: start, originalDue: originalDue, due: due,
                  completed: state.completed, lastActivity: max(created, lastUpdate ?? created))
    }
}

/// What the rules (docs/rules.md) say about one action on one day.
public struct Classification: Hashable, Sendable {
    public var isOpen: Bool
    public var daysOverdue: Int?
    public var bucket: AgeingBucket?
    public var flags: ActionFlags
    public var rag: RAG

    public var isOverdue: Bool { daysOverdue != nil }
    public func has(_ flag: ActionFlag) -> Bool { flags.contains(flag) }
}

/// The rules of docs/rules.md, one definition each. Every report and
/// count goes through these functions.
public enum Rules {
    /// Days overdue as of `asOf`, or nil when not overdue. Due today is not
    /// overdue; due yesterday is one day overdue.
    public static func daysOverdue(_ facts: ActionFacts, asOf: CalendarDate) -> Int? {
        guard facts.status.isOpen, let due = facts.due, due < asOf else { return nil }
        return due.days(until: asOf)
    }

    /// Open and due between `asOf` and `asOf + days`, both included.
    public static func isDueSoon(_ facts: ActionFacts, asOf: CalendarDate, within days: Int) -> Bool {
        guard facts.status.isOpen, let due = facts.due else { return false }
        return asOf <= due && due <= asOf.adding(days: days)
    }

    /// The current deadline is later than the original one, or the action
    /// was completed after its deadline (completing late is a slip too).
    public static func isSlipped(_ facts: ActionFacts) -> Bool {
        guard let due = facts.due, let original = facts.originalDue else { return false }
        return due > original || isCompletedLate(facts)
    }

    /// Completed after its current deadline.
    public static func isCompletedLate(_ facts: ActionFacts) -> Bool {
        guard facts.status == .complete, let done = facts.completed, let due = facts.due else { return false }
        return done > due
    }

    /// Open with no update for more than `days` days (an update exactly
    /// `days` ago still counts as recent).
    public static func isStale(_ facts: ActionFacts, asOf: CalendarDate, days: Int) -> Bool {
        facts.status.isOpen && facts.lastActivity.days(until: asOf) > days
    }

    /// Open, with a start date and a deadline, and percent complete more than
    /// `margin` points below the share of the start→deadline period elapsed.
    public static func isBehindSchedule(_ facts: ActionFacts, asOf: CalendarDate, margin: Int) -> Bool {
        guard facts.status.isOpen, let start = facts.start, let due = facts.due, asOf > start else { return false }
        let span = start.days(until: due)
        let elapsed = start.days(until: asOf)
        // expected share = elapsed / span (capped at 100%); compare in whole numbers.
        if span <= 0 || elapsed >= span {
            return facts.percent < 100 - margin
        }
        return (facts.percent + margin) * span < 100 * elapsed
    }

    /// Classifies one action on one day.
    public static func classify(_ facts: ActionFacts, asOf: CalendarDate, thresholds: Thresholds = .standard) -> Classification {
        var flags = ActionFlags()
        let open = facts.status.isOpen
        let overdue = daysOverdue(facts, asOf: asOf)
        if overdue != nil { flags.insert(.overdue) }
        if isDueSoon(facts, asOf: asOf, within: thresholds.dueSoonDays) { flags.insert(.dueSoon) }
        if isSlipped(facts) { flags.insert(.slipped) }
        if isCompletedLate(facts) { flags.insert(.completedLate) }
        if isStale(facts, asOf: asOf, days: thresholds.staleDays) { flags.insert(.stale) }
        if isBehindSchedule(facts, asOf: asOf, margin: thresholds.behindMargin) { flags.insert(.behindSchedule) }
        if facts.due == nil && facts.status != .withdrawn { flags.insert(.noDeadline) }

        let rag: RAG
        switch facts.status {
        case .complete: rag = .complete
        case .withdrawn: rag = .withdrawn
        case .notStarted, .inProgress:
            if overdue != nil {
                rag = .red
            } else if flags.containsAny(of: ActionFlag.makeAmber) {
                rag = .amber
            } else {
                rag = .green
            }
        }
        return Classification(isOpen: open, daysOverdue: overdue, bucket: overdue.map(AgeingBucket.init(daysOverdue:)),
                              flags: flags, rag: rag)
    }

    /// A plan is late when it was not submitted by its due date (as of `asOf`).
    /// Submitted on the due date is on time; unsubmitted on the due date is not yet late.
    public static func isPlanLate(due: CalendarDate?, submitted: CalendarDate?, asOf: CalendarDate) -> Bool {
        guard let due else { return false }
        if let submitted { return submitted > due }
        return asOf > due
    }

    /// Why a partnership needs the link inspector's attention (none: it does
    /// not): its plan is late, its follow-up is overdue, it has at least
    /// `thresholds.attentionReds` red actions, or the latest view of
    /// confidence is not "confident".
    public static func attention(planLate: Bool, followUpOverdue: Bool, reds: Int, confidence: Confidence?,
                                 thresholds: Thresholds = .standard) -> [AttentionReason] {
        var reasons: [AttentionReason] = []
        if planLate { reasons.append(.planLate) }
        if followUpOverdue { reasons.append(.followUpOverdue) }
        if reds >= thresholds.attentionReds { reasons.append(.reds) }
        if let confidence, confidence != .confident { reasons.append(.confidence) }
        return reasons
    }

    /// The follow-up is overdue when the next linking review date has passed
    /// without a review on or after it.
    public static func isFollowUpOverdue(nextReview: CalendarDate?, lastReview: CalendarDate?, asOf: CalendarDate) -> Bool {
        guard let next = nextReview, next < asOf else { return false }
        if let last = lastReview, last >= next { return false }
        return true
    }
}
