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
    public var ageing: AgeingBucket?
    public var flags: [ActionFlag]
    public var lastUpdate: CalendarDate?
    public var selfAssessment: SelfAssessment?

    public init(action: Action, id: Int64, partnership: String, lastUpdate: CalendarDate?,
                asOf: CalendarDate, thresholds: Thresholds) {
        let c = Rules.classify(ActionFacts(action, lastUpdate: lastUpdate), asOf: asOf, thresholds: thresholds)
        self.id = id; self.ref = action.ref; self.partnership = partnership; self.inspection = action.inspection
        self.title = action.title; self.owner = action.owner; self.agency = action.agency; self.due = action.due
        self.originalDue = action.originalDue; self.status = action.status; self.percent = action.percent
        self.rag = c.rag; self.daysOverdue = c.daysOverdue; self.ageing = c.bucket; self.flags = c.flags
        self.lastUpdate = lastUpdate; self.selfAssessment = action.selfAssessment
    }
}

/// The overdue report: overdue actions, most overdue first, with totals per
/// ageing bucket. The totals are counted from the rows, so they always agree.
public struct OverdueReport: Codable, Sendable {
    public var asOf: CalendarDate
    public var rows: [ActionRow]
    public var totals: [String: Int]
    public var total: Int

    public init(asOf: CalendarDate, rows: [ActionRow]) {
        self.asOf = asOf
        self.rows = rows
        var totals: [String: Int] = [:]
        for bucket in AgeingBucket.allCases { totals[bucket.rawValue] = 0 }
        for row in rows { if let bucket = row.ageing { totals[bucket.rawValue, default: 0] += 1 } }
        self.totals = totals
        self.total = rows.count
    }
}

/// One line per partnership: where its latest plan stands.
public struct PartnershipSummary: Codable, Hashable, Sendable {
    public var partnership: String
    public var name: String
    public var inspection: String?
    public var actions: Int
    public var open: Int
    public var complete: Int
    public var withdrawn: Int
    public var red: Int
    public var amber: Int
    public var green: Int
    public var overdue: Int
    public var noDeadline: Int
    public var planStatus: String
    public var confidence: Confidence?
    public var escalation: Escalation?

    public init(partnership: String, name: String, inspection: String?, rows: [ActionRow], planStatus: String,
                confidence: Confidence?, escalation: Escalation?) {
        self.partnership = partnership; self.name = name; self.inspection = inspection
        self.actions = rows.filter { $0.status != .withdrawn }.count
        self.open = rows.filter { $0.status.isOpen }.count
        self.complete = rows.filter { $0.status == .complete }.count
        self.withdrawn = rows.filter { $0.status == .withdrawn }.count
        self.red = rows.filter { $0.rag == .red }.count
        self.amber = rows.filter { $0.rag == .amber }.count
        self.green = rows.filter { $0.rag == .green }.count
        self.overdue = rows.filter { $0.daysOverdue != nil }.count
        self.noDeadline = rows.filter { $0.flags.contains(.noDeadline) }.count
        self.planStatus = planStatus; self.confidence = confidence; self.escalation = escalation
    }

    /// "submitted", "agreed", "late", "due", "missing": the plan's standing as of a day.
    public static func planStanding(_ plan: ActionPlan?, due: CalendarDate?, asOf: CalendarDate) -> String {
        guard let plan else { return "missing" }
        let late = Rules.isPlanLate(due: due, submitted: plan.submitted, asOf: asOf)
        switch plan.status {
        case .draft: return late ? "late" : "draft"
        case .submitted, .agreed, .closed: return plan.status.rawValue + (late ? " late" : "")
        }
    }
}
