/// One month of a partnership's burn-up: how many of its actions had fallen
/// due, and how many were complete, by the end of the month (or by the
/// report's day, for the month it falls in).
public struct BurnUpPoint: Codable, Hashable, Sendable {
    /// The first day of the month.
    public var month: CalendarDate
    /// The last day counted: the month's last day, or the as-of day in its month.
    public var through: CalendarDate
    /// Actions (not withdrawn) whose deadline, as it stood on the report's day, is on or before `through`.
    public var due: Int
    /// Actions complete on or before `through`.
    public var completed: Int

    public init(month: CalendarDate, through: CalendarDate, due: Int, completed: Int) {
        self.month = month; self.through = through; self.due = due; self.completed = completed
    }
}

/// Counts a burn-up from the same action rows the progress report counts,
/// so its last point agrees with the report: `completed` ends at the
/// partnership's `complete`, and `due` at the actions due by the as-of day.
public struct BurnUpTally: Sendable {
    private var dueDays: [Int] = []
    private var completedDays: [Int] = []

    public init() {}

    /// Counts one row: its deadline unless withdrawn, and its completion day
    /// when it is complete as of the report's day (`completed` is its recorded date).
    public mutating func add(_ row: ActionRow, completed: CalendarDate?) {
        guard row.status != .withdrawn else { return }
        if let due = row.due { dueDays.append(due.dayNumber) }
        if row.status == .complete, let completed { completedDays.append(completed.dayNumber) }
    }

    /// One point per month from `start`'s month to `asOf`'s (none when `start` is after `asOf`).
    /// Completions after `asOf` are not counted; a completion dated before `start` counts from the first month.
    public func points(from start: CalendarDate, asOf: CalendarDate) -> [BurnUpPoint] {
        guard start <= asOf else { return [] }
        let due = dueDays.sorted(), completed = completedDays.sorted()
        var points: [BurnUpPoint] = []
        var month = start.firstOfMonth
        var dueIndex = 0, completedIndex = 0
        while month <= asOf {
            let through = min(month.lastOfMonth, asOf)
            while dueIndex < due.count, due[dueIndex] <= through.dayNumber { dueIndex += 1 }
            while completedIndex < completed.count, completed[completedIndex] <= through.dayNumber { completedIndex += 1 }
            points.append(BurnUpPoint(month: month, through: through, due: dueIndex, completed: completedIndex))
            month = month.lastOfMonth.adding(days: 1)
        }
        return points
    }
}

/// The dated events of a partnership's linking arrangements the dashboard
/// draws on its timeline: publication, the plan's submission and agreement,
/// and every linking review.
public struct LinkingMilestone: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable { case published, planSubmitted = "plan submitted", planAgreed = "plan agreed", planClosed = "plan closed", review }
    public var date: CalendarDate
    public var kind: Kind
    /// The inspection's key, or the review's summary.
    public var detail: String
    /// A review's kind, inspector and the confidence it recorded.
    public var reviewKind: ReviewKind?
    public var inspector: String?
    public var confidence: Confidence?

    public init(date: CalendarDate, kind: Kind, detail: String, reviewKind: ReviewKind? = nil, inspector: String? = nil,
                confidence: Confidence? = nil) {
        self.date = date; self.kind = kind; self.detail = detail; self.reviewKind = reviewKind
        self.inspector = inspector; self.confidence = confidence
    }
}

/// One partnership's part of the dashboard, built in one pass over its actions.
public struct DashboardPanel: Sendable {
    public var partnership: Partnership
    public var inspector: String?
    public var inspection: Inspection?
    public var evaluations: [Evaluation]
    /// The same line `report progress` prints for the partnership.
    public var progress: PartnershipProgress
    /// Overdue actions per ageing bucket, as `report overdue` counts them.
    public var ageing: [AgeingBucket: Int]
    public var burnUp: [BurnUpPoint]
    /// Red and amber open actions, soonest deadline first, at most the panel's list limit of each.
    public var red: [ActionRow]
    public var amber: [ActionRow]
    public var milestones: [LinkingMilestone]
    public var outcomes: [OutcomeRow]
    /// Each outcome measure's planned points (baseline, trajectory, target), by measure key.
    public var planned: [String: [DatedValue]]

    public init(partnership: Partnership, inspector: String?, inspection: Inspection?, evaluations: [Evaluation],
                progress: PartnershipProgress, ageing: [AgeingBucket: Int], burnUp: [BurnUpPoint], red: [ActionRow],
                amber: [ActionRow], milestones: [LinkingMilestone], outcomes: [OutcomeRow], planned: [String: [DatedValue]]) {
        self.partnership = partnership; self.inspector = inspector; self.inspection = inspection; self.evaluations = evaluations
        self.progress = progress; self.ageing = ageing; self.burnUp = burnUp; self.red = red; self.amber = amber
        self.milestones = milestones; self.outcomes = outcomes; self.planned = planned
    }

    /// Overdue actions in all buckets.
    public var overdue: Int { ageing.values.reduce(0, +) }
}

/// The dashboard: the overview of every partnership shown, then a panel each.
public struct Dashboard: Sendable {
    public var asOf: CalendarDate
    public var thresholds: Thresholds
    /// How many red (and how many amber) actions each panel lists.
    public var listLimit: Int
    public var panels: [DashboardPanel]

    public init(asOf: CalendarDate, thresholds: Thresholds, listLimit: Int, panels: [DashboardPanel]) {
        self.asOf = asOf; self.thresholds = thresholds; self.listLimit = listLimit; self.panels = panels
    }
}
