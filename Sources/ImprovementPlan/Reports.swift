/// One action as every listing and report shows it: its fields, where it
/// belongs, and what the rules say about it as of the report's date.
public struct ActionRow: Codable, Hashable, Sendable {
    public var id: Int64
    public var ref: String
    public var partnership: String
    public var inspection: String
    public var title: String
    public var owner: String
    public var agency: String
    public var due: CalendarDate?
    public var originalDue: CalendarDate?
    public var status: ActionStatus
    public var percent: Int
    public var rag: RAG
    public var daysOverdue: Int?
    /// Days from the report date to the current deadline, for open actions not yet overdue.
    public var daysLeft: Int?
    public var ageing: AgeingBucket?
    public var flags: ActionFlags
    public var lastUpdate: CalendarDate?
    /// Days since the latest update (or since the action was recorded).
    public var daysSinceUpdate: Int
    public var selfAssessment: SelfAssessment?

    public init(action: Action, id: Int64, partnership: String, lastUpdate: CalendarDate?,
                asOf: CalendarDate, thresholds: Thresholds) {
        self.init(id: id, ref: action.ref, partnership: partnership, inspection: action.inspection, title: action.title,
                  owner: action.owner, agency: action.agency, selfAssessment: action.selfAssessment,
                  facts: ActionFacts(action, lastUpdate: lastUpdate), lastUpdate: lastUpdate, asOf: asOf, thresholds: thresholds)
    }

    /// The row from the action's names and the facts the rules read: what a
    /// report reads from each of its rows, with no whole `Action` built,
    /// copied and released for every row on the way (a national report reads a million).
    package init(id: Int64, ref: String, partnership: String, inspection: String, title: String, owner: String, agency: String,
                 selfAssessment: SelfAssessment?, facts: ActionFacts, lastUpdate: CalendarDate?,
                 asOf: CalendarDate, thresholds: Thresholds) {
        let c = Rules.classify(facts, asOf: asOf, thresholds: thresholds)
        self.id = id; self.ref = ref; self.partnership = partnership; self.inspection = inspection
        self.title = title; self.owner = owner; self.agency = agency; self.due = facts.due
        self.originalDue = facts.originalDue; self.status = facts.status; self.percent = facts.percent
        self.rag = c.rag; self.daysOverdue = c.daysOverdue; self.ageing = c.bucket; self.flags = c.flags
        if facts.status.isOpen, let due = facts.due, due >= asOf { self.daysLeft = asOf.days(until: due) }
        self.lastUpdate = lastUpdate; self.daysSinceUpdate = max(0, facts.lastActivity.days(until: asOf))
        self.selfAssessment = selfAssessment
    }

    public func has(_ flag: ActionFlag) -> Bool { flags.contains(flag) }
}

/// Totals of the overdue report per ageing bucket, overall and per
/// partnership. Counted in arrays by bucket (`AgeingBucket.allCases`
/// order), not in dictionaries by name: every overdue row of a national
/// report is counted twice, and hashing the bucket's name for each cost as
/// much as classifying the row. `totals` gives them by name, as JSON shows them.
public struct OverdueTotals: Codable, Hashable, Sendable {
    /// Overdue actions of one partnership, per bucket.
    public struct Group: Codable, Hashable, Sendable {
        public var partnership: String
        public var total: Int
        /// Per bucket, in `AgeingBucket.allCases` order.
        fileprivate var counts: [Int]

        /// Per bucket's name (every bucket, none missed).
        public var totals: [String: Int] { OverdueTotals.named(counts) }

        enum CodingKeys: String, CodingKey { case partnership, total = "count", totals = "byAgeing" }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            partnership = try c.decode(String.self, forKey: .partnership)
            total = try c.decode(Int.self, forKey: .total)
            counts = OverdueTotals.counts(try c.decode([String: Int].self, forKey: .totals))
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(partnership, forKey: .partnership)
            try c.encode(total, forKey: .total)
            try c.encode(totals, forKey: .totals)
        }

        fileprivate init(partnership: String) {
            self.partnership = partnership
            total = 0
            counts = OverdueTotals.none
        }
    }

    public var total = 0
    /// Per bucket, in `AgeingBucket.allCases` order.
    private var counts = OverdueTotals.none
    public private(set) var partnerships: [Group] = []

    /// Per bucket's name (every bucket, none missed).
    public var totals: [String: Int] { OverdueTotals.named(counts) }

    /// In JSON: `count`, `byAgeing` (bucket → count) and `byPartnership`.
    enum CodingKeys: String, CodingKey { case total = "count", totals = "byAgeing", partnerships = "byPartnership" }

    private static let none = [Int](repeating: 0, count: AgeingBucket.allCases.count)

    private static func named(_ counts: [Int]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: zip(AgeingBucket.allCases.map(\.rawValue), counts))
    }

    private static func counts(_ named: [String: Int]) -> [Int] {
        AgeingBucket.allCases.map { named[$0.rawValue] ?? 0 }
    }

    public init() {}

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        total = try c.decode(Int.self, forKey: .total)
        counts = OverdueTotals.counts(try c.decode([String: Int].self, forKey: .totals))
        partnerships = try c.decode([Group].self, forKey: .partnerships)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(total, forKey: .total)
        try c.encode(totals, forKey: .totals)
        try c.encode(partnerships, forKey: .partnerships)
    }

    /// Counts one overdue row. Rows arrive grouped by partnership.
    public mutating func add(_ row: ActionRow) {
        guard let bucket = row.ageing else { return }
        let index = bucket.index
        total += 1
        counts[index] += 1
        if partnerships.last?.partnership != row.partnership {
            partnerships.append(Group(partnership: row.partnership))
        }
        let last = partnerships.count - 1
        partnerships[last].total += 1
        partnerships[last].counts[index] += 1
    }
}

/// The plan's standing as of a day: "draft", "late", "submitted",
/// "submitted late", "agreed", "agreed late", "closed", or "missing".
public func planStanding(_ plan: ActionPlan?, due: CalendarDate?, asOf: CalendarDate) -> String {
    guard let plan else { return "missing" }
    let late = Rules.isPlanLate(due: due, submitted: plan.submitted, asOf: asOf)
    switch plan.status {
    case .draft: return late ? "late" : "draft"
    case .submitted, .agreed, .closed: return plan.status.rawValue + (late ? " late" : "")
    }
}

/// One partnership's standing in the progress report, counted from its
/// action rows as they stream past (so counts and lists always agree).
public struct PartnershipProgress: Codable, Hashable, Sendable {
    public var partnership: String
    public var name: String
    public var inspection: String?
    /// Actions not withdrawn.
    public var actions = 0
    public var notStarted = 0
    public var inProgress = 0
    public var complete = 0
    public var withdrawn = 0
    /// Mean percent complete of the actions not withdrawn (0 when there are none).
    public var percent = 0
    public var red = 0
    public var amber = 0
    public var green = 0
    public var overdue = 0
    public var dueSoon = 0
    public var slipped = 0
    public var stale = 0
    public var noDeadline = 0
    public var planStatus: String
    public var planDue: CalendarDate?
    public var planSubmitted: CalendarDate?
    public var lastReview: CalendarDate?
    public var nextReview: CalendarDate?
    public var followUpOverdue = false
    public var confidence: Confidence?
    public var escalation: Escalation?
    /// The partnership's outcome measures by trend as of the day; no-data
    /// counts those without a recent reading (they count in neither of the others).
    public var measuresImproving = 0
    public var measuresWorsening = 0
    public var measuresNoData = 0

    private var percentSum = 0

    enum CodingKeys: String, CodingKey {
        case partnership, name, inspection, actions, notStarted, inProgress, complete, withdrawn, percent
        case red, amber, green, overdue, dueSoon, slipped, stale, noDeadline, planStatus, planDue, planSubmitted
        case lastReview, nextReview, followUpOverdue, confidence, escalation
        case measuresImproving, measuresWorsening, measuresNoData
    }

    public init(partnership: String, name: String, inspection: Inspection?, plan: ActionPlan?,
                lastReview: CalendarDate?, nextReview: CalendarDate?, asOf: CalendarDate) {
        self.partnership = partnership; self.name = name; self.inspection = inspection?.key
        self.planStatus = inspection == nil ? "no inspection" : planStanding(plan, due: inspection?.planDue, asOf: asOf)
        self.planDue = inspection?.planDue; self.planSubmitted = plan?.submitted
        self.lastReview = lastReview; self.nextReview = nextReview
        self.followUpOverdue = Rules.isFollowUpOverdue(nextReview: nextReview, lastReview: lastReview, asOf: asOf)
        self.confidence = inspection?.confidence; self.escalation = inspection?.escalation
    }

    /// Counts one action of this partnership.
    public mutating func add(_ row: ActionRow) {
        switch row.status {
        case .withdrawn: withdrawn += 1; return
        case .notStarted: notStarted += 1
        case .inProgress: inProgress += 1
        case .complete: complete += 1
        }
        actions += 1
        percentSum += row.percent
        percent = percentSum / actions
        switch row.rag {
        case .red: red += 1
        case .amber: amber += 1
        case .green: green += 1
        case .complete, .withdrawn: break
        }
        if row.has(.overdue) { overdue += 1 }
        if row.has(.dueSoon) { dueSoon += 1 }
        if row.has(.slipped) { slipped += 1 }
        if row.has(.stale) { stale += 1 }
        if row.has(.noDeadline) { noDeadline += 1 }
    }
}

/// Everything open one owner (and agency) holds: overdue, due soon, and
/// the rest, each with its RAG.
public struct OwnerDigest: Codable, Hashable, Sendable {
    public var owner: String
    public var agency: String
    public var overdue: [ActionRow] = []
    public var dueSoon: [ActionRow] = []
    /// Open actions neither overdue nor due soon.
    public var other: [ActionRow] = []

    public init(owner: String, agency: String) {
        self.owner = owner
        self.agency = agency
    }

    /// The parts of an owner's digest.
    public enum Section: String, Sendable {
        case overdue, dueSoon = "due soon", open
    }

    /// Which part an open action goes under.
    public static func section(of row: ActionRow) -> Section {
        row.has(.overdue) ? .overdue : row.has(.dueSoon) ? .dueSoon : .open
    }

    /// Files one open action under its heading.
    public mutating func add(_ row: ActionRow) {
        switch OwnerDigest.section(of: row) {
        case .overdue: overdue.append(row)
        case .dueSoon: dueSoon.append(row)
        case .open: other.append(row)
        }
    }

    public var all: [ActionRow] { overdue + dueSoon + other }
}

/// One partnership's linking arrangements.
public struct LinkingRow: Codable, Hashable, Sendable {
    public var partnership: String
    public var name: String
    public var inspector: String?
    public var inspectorSince: CalendarDate?
    public var lastReview: CalendarDate?
    public var lastReviewKind: ReviewKind?
    public var nextReview: CalendarDate?
    public var followUpOverdue: Bool
    /// Inspections whose plan is late as of the report's date.
    public var latePlans: [String]
    public var confidence: Confidence?
    public var escalation: Escalation?
    /// Open actions overdue as of the report's date.
    public var red: Int
    /// Why the partnership needs the inspector's attention; empty when it does not.
    public var attention: [AttentionReason]
    public var needsAttention: Bool { !attention.isEmpty }

    enum CodingKeys: String, CodingKey {
        case partnership, name, inspector, inspectorSince, lastReview, lastReviewKind, nextReview, followUpOverdue
        case latePlans, confidence, escalation, red, needsAttention, attention
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(partnership, forKey: .partnership); try c.encode(name, forKey: .name)
        try c.encodeIfPresent(inspector, forKey: .inspector); try c.encodeIfPresent(inspectorSince, forKey: .inspectorSince)
        try c.encodeIfPresent(lastReview, forKey: .lastReview); try c.encodeIfPresent(lastReviewKind, forKey: .lastReviewKind)
        try c.encodeIfPresent(nextReview, forKey: .nextReview); try c.encode(followUpOverdue, forKey: .followUpOverdue)
        try c.encode(latePlans, forKey: .latePlans); try c.encodeIfPresent(confidence, forKey: .confidence)
        try c.encodeIfPresent(escalation, forKey: .escalation); try c.encode(red, forKey: .red)
        try c.encode(needsAttention, forKey: .needsAttention); try c.encode(attention, forKey: .attention)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        partnership = try c.decode(String.self, forKey: .partnership); name = try c.decode(String.self, forKey: .name)
        inspector = try c.decodeIfPresent(String.self, forKey: .inspector)
        inspectorSince = try c.decodeIfPresent(CalendarDate.self, forKey: .inspectorSince)
        lastReview = try c.decodeIfPresent(CalendarDate.self, forKey: .lastReview)
        lastReviewKind = try c.decodeIfPresent(ReviewKind.self, forKey: .lastReviewKind)
        nextReview = try c.decodeIfPresent(CalendarDate.self, forKey: .nextReview)
        followUpOverdue = try c.decode(Bool.self, forKey: .followUpOverdue)
        latePlans = try c.decode([String].self, forKey: .latePlans)
        confidence = try c.decodeIfPresent(Confidence.self, forKey: .confidence)
        escalation = try c.decodeIfPresent(Escalation.self, forKey: .escalation)
        red = try c.decode(Int.self, forKey: .red)
        attention = try c.decode([AttentionReason].self, forKey: .attention)
    }

    public init(partnership: String, name: String, inspector: String?, inspectorSince: CalendarDate?,
                lastReview: LinkingReview?, nextReview: CalendarDate?, latePlans: [String], confidence: Confidence?,
                escalation: Escalation?, red: Int = 0, asOf: CalendarDate, thresholds: Thresholds = .standard) {
        self.partnership = partnership; self.name = name; self.inspector = inspector; self.inspectorSince = inspectorSince
        self.lastReview = lastReview?.date; self.lastReviewKind = lastReview?.kind; self.nextReview = nextReview
        self.followUpOverdue = Rules.isFollowUpOverdue(nextReview: nextReview, lastReview: lastReview?.date, asOf: asOf)
        self.latePlans = latePlans; self.confidence = confidence; self.escalation = escalation; self.red = red
        self.attention = Rules.attention(planLate: !latePlans.isEmpty, followUpOverdue: followUpOverdue, reds: red,
                                         confidence: confidence, thresholds: thresholds)
    }
}

/// One dated event in a partnership's story, as a value: `PlanFormats.TimelineWords` tells it.
public struct TimelineEntry: Hashable, Sendable {
    public enum Kind: String, Codable, Sendable {
        case published, planSubmitted = "plan-submitted", planAgreed = "plan-agreed", planClosed = "plan-closed"
        case inspectionChange = "inspection-change", update, `extension`, review
        case signOff = "sign-off"
    }

    /// What happened, with the record it happened to.
    public enum Event: Hashable, Sendable {
        case published(inspection: String)
        case planSubmitted(inspection: String)
        case planAgreed(inspection: String, by: String?)
        case planClosed(inspection: String)
        case inspectionChange(InspectionChange)
        case update(ProgressUpdate)
        case `extension`(DeadlineExtension)
        case review(LinkingReview)
        /// An inspector's sign-off of the completion of an action (`inspection/ref`).
        case signOff(action: String, CompletionSignOff)
    }

    public var date: CalendarDate
    public var event: Event

    public init(date: CalendarDate, event: Event) {
        self.date = date; self.event = event
    }

    public var kind: Kind {
        switch event {
        case .published: return .published
        case .planSubmitted: return .planSubmitted
        case .planAgreed: return .planAgreed
        case .planClosed: return .planClosed
        case .inspectionChange: return .inspectionChange
        case .update: return .update
        case .extension: return .extension
        case .review: return .review
        case .signOff: return .signOff
        }
    }

    /// The action it concerns (`inspection/ref`), if any.
    public var action: String? {
        switch event {
        case .update(let update): return update.action
        case .extension(let x): return x.action
        case .signOff(let action, _): return action
        default: return nil
        }
    }
}

/// `planwatch follow`: a partnership's story on one screen. `Event` is what
/// the timeline holds: the store's `TimelineEntry` values, or the lines a
/// format has put into words (`withTimeline`).
public struct FollowView<Event: Sendable>: Sendable {
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
    public var timeline: [Event]
    public var dueNext: [ActionRow]
    /// The partnership's outcome measures as of the day.
    public var outcomes: [OutcomeRow]

    public init(asOf: CalendarDate, partnership: Partnership, inspector: String?, inspection: Inspection?,
                evaluations: [Evaluation], plan: ActionPlan?, progress: PartnershipProgress, red: [ActionRow],
                amber: [ActionRow], timeline: [Event], dueNext: [ActionRow], outcomes: [OutcomeRow] = []) {
        self.outcomes = outcomes
        self.asOf = asOf; self.partnership = partnership; self.inspector = inspector; self.inspection = inspection
        self.evaluations = evaluations; self.plan = plan; self.planStatus = progress.planStatus; self.progress = progress
        self.red = red; self.amber = amber; self.timeline = timeline; self.dueNext = dueNext
    }

    /// The same story with each timeline event transformed (put into words).
    public func withTimeline<Other>(_ transform: (Event) -> Other) -> FollowView<Other> {
        FollowView<Other>(asOf: asOf, partnership: partnership, inspector: inspector, inspection: inspection, evaluations: evaluations,
                          plan: plan, progress: progress, red: red, amber: amber, timeline: timeline.map(transform), dueNext: dueNext,
                          outcomes: outcomes)
    }
}

extension FollowView: Encodable where Event: Encodable {}

/// `report progress`'s totals: the partnerships' counts added up.
public struct ProgressTotals: Codable, Hashable, Sendable {
    public var partnerships = 0
    public var actions = 0, notStarted = 0, inProgress = 0, complete = 0, withdrawn = 0
    public var red = 0, amber = 0, green = 0, overdue = 0, dueSoon = 0, slipped = 0, stale = 0, noDeadline = 0
    /// Partnerships whose follow-up review is overdue.
    public var followUpOverdue = 0
    public var measuresImproving = 0, measuresWorsening = 0, measuresNoData = 0

    public init(_ lines: [PartnershipProgress]) {
        partnerships = lines.count
        for p in lines {
            actions += p.actions; notStarted += p.notStarted; inProgress += p.inProgress; complete += p.complete
            withdrawn += p.withdrawn; red += p.red; amber += p.amber; green += p.green; overdue += p.overdue
            dueSoon += p.dueSoon; slipped += p.slipped; stale += p.stale; noDeadline += p.noDeadline
            if p.followUpOverdue { followUpOverdue += 1 }
            measuresImproving += p.measuresImproving; measuresWorsening += p.measuresWorsening; measuresNoData += p.measuresNoData
        }
    }
}

/// `report owners`'s totals.
public struct OwnerTotals: Codable, Hashable, Sendable {
    public var owners: Int
    public var open: Int
    public var overdue: Int
    public var dueSoon: Int

    public init(_ digests: [OwnerDigest]) {
        owners = digests.count
        open = digests.reduce(0) { $0 + $1.overdue.count + $1.dueSoon.count + $1.other.count }
        overdue = digests.reduce(0) { $0 + $1.overdue.count }
        dueSoon = digests.reduce(0) { $0 + $1.dueSoon.count }
    }
}

/// `report linking`'s totals.
public struct LinkingTotals: Codable, Hashable, Sendable {
    public var partnerships: Int
    public var needsAttention: Int
    public var followUpOverdue: Int
    public var red: Int

    public init(_ rows: [LinkingRow]) {
        partnerships = rows.count
        needsAttention = rows.filter(\.needsAttention).count
        followUpOverdue = rows.filter(\.followUpOverdue).count
        red = rows.reduce(0) { $0 + $1.red }
    }
}
