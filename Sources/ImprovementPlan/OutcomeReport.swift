/// What stands out about a measure in the outcomes report.
public enum OutcomeFlag: String, Codable, Sendable, CaseIterable {
    /// No reading since the baseline, or none in the last two reporting periods.
    case staleData = "stale-data"
    /// Every action expected to move the measure is complete, and the measure
    /// is worsening or shows no clear change.
    case actionsDoneNoImpact = "actions-done-no-impact"
}

/// One measure in the outcomes report: every outcome rule as of the report's
/// day, beside the status of the actions expected to move it.
public struct OutcomeRow: Codable, Hashable, Sendable {
    public var partnership: String
    public var measure: String
    public var name: String
    public var unit: String
    public var direction: MeasureDirection
    public var baseline: DatedValue
    public var latest: DatedValue?
    public var target: DatedValue
    public var change: OutcomeAssessment.Change?
    /// The planned value for the latest reading's date.
    public var planned: Double?
    public var onTrack: Bool?
    public var trend: RunChart.Verdict
    /// The run-chart rule that decided the trend.
    public var rule: RunChart.Rule
    public var median: Double?
    /// The dates of the readings that form the signal (a shift or a trend).
    public var signal: [CalendarDate]
    public var targetStatus: OutcomeAssessment.TargetStatus
    /// The linked actions not withdrawn, and how many of them are complete, as of the day.
    public var actions: Int
    public var actionsComplete: Int
    public var flags: [OutcomeFlag]
    /// The readings in effect, oldest first.
    public var readings: [DatedValue]

    /// The row for a measure, its readings (in the order recorded) and the
    /// statuses of its linked actions as of `day`.
    public init(_ measure: OutcomeMeasure, readings: [MeasureReading], actionStatuses: [ActionStatus], asOf day: CalendarDate,
                agreed: CalendarDate? = nil) {
        let a = measure.assess(readings, asOf: day, agreed: agreed)
        partnership = measure.partnership; self.measure = measure.key; name = measure.name; unit = measure.unit
        direction = measure.direction; baseline = measure.baseline; latest = a.latest; target = measure.target
        change = a.change; planned = a.planned; onTrack = a.onTrack
        trend = a.trend.verdict; rule = a.trend.rule; median = a.trend.median
        signal = a.trend.points.compactMap { $0 < a.readings.count ? a.readings[$0].date : nil }
        targetStatus = a.target
        let counted = actionStatuses.filter { $0 != .withdrawn }
        actions = counted.count
        actionsComplete = counted.filter { $0 == .complete }.count
        var flags: [OutcomeFlag] = []
        if a.stale { flags.append(.staleData) }
        if Self.actionsDoneNoImpact(a, actionStatuses: actionStatuses) { flags.append(.actionsDoneNoImpact) }
        self.flags = flags
        self.readings = a.readings
    }

    /// `actions-done-no-impact`: at least one linked action not withdrawn,
    /// every one of those complete, the data not stale, and the run chart —
    /// with enough readings to read — worsening or showing no clear change.
    public static func actionsDoneNoImpact(_ assessment: OutcomeAssessment, actionStatuses: [ActionStatus]) -> Bool {
        let counted = actionStatuses.filter { $0 != .withdrawn }
        guard !counted.isEmpty, counted.allSatisfy({ $0 == .complete }), !assessment.stale else { return false }
        guard assessment.trend.rule != .tooFewReadings else { return false }
        return assessment.trend.verdict != .improving
    }
}

/// The outcomes report's totals: measures by trend and by target status.
public struct OutcomeTotals: Codable, Hashable, Sendable {
    public var measures = 0
    public var improving = 0
    public var worsening = 0
    public var noClearChange = 0
    public var noData = 0
    public var targetMet = 0
    public var targetMissed = 0
    public var actionsDoneNoImpact = 0

    public init() {}

    public init(_ rows: [OutcomeRow]) {
        for row in rows { add(row) }
    }

    public mutating func add(_ row: OutcomeRow) {
        measures += 1
        if row.flags.contains(.staleData) { noData += 1 }
        else {
            switch row.trend {
            case .improving: improving += 1
            case .worsening: worsening += 1
            case .noClearChange: noClearChange += 1
            }
        }
        if row.targetStatus == .met { targetMet += 1 }
        if row.targetStatus == .missed { targetMissed += 1 }
        if row.flags.contains(.actionsDoneNoImpact) { actionsDoneNoImpact += 1 }
    }
}
