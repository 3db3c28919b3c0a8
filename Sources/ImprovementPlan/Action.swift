/// One action of a joint action plan, answering one or more findings.
///
/// `originalDue` is the deadline first agreed; `due` is the current one
/// (the latest extension). Both are nil for an "Ongoing" action, which is
/// accepted but flagged as having no deadline.
public struct Action: Codable, Hashable, Sendable {
    public var id: Int64?
    public var inspection: String
    public var ref: String
    public var findings: [Int]
    public var title: String
    public var description: String?
    public var owner: String
    public var agency: String
    public var supportingAgencies: [String]
    public var start: CalendarDate?
    public var originalDue: CalendarDate?
    public var due: CalendarDate?
    public var measure: String?
    public var status: ActionStatus
    public var percent: Int
    public var completed: CalendarDate?
    public var evidence: String?
    public var selfAssessment: SelfAssessment?
    /// The day of the self-assessment, when a return recorded it (nil for
    /// one given with the action, which dates from `created`).
    public var selfAssessed: CalendarDate?
    /// The day the action was recorded; counts as its first update.
    public var created: CalendarDate

    public init(id: Int64? = nil, inspection: String, ref: String, findings: [Int] = [], title: String,
                description: String? = nil, owner: String, agency: String, supportingAgencies: [String] = [],
                start: CalendarDate? = nil, originalDue: CalendarDate?, due: CalendarDate? = nil,
                measure: String? = nil, status: ActionStatus = .notStarted, percent: Int = 0,
                completed: CalendarDate? = nil, evidence: String? = nil, selfAssessment: SelfAssessment? = nil,
                selfAssessed: CalendarDate? = nil, created: CalendarDate) {
        self.id = id; self.inspection = inspection; self.ref = ref; self.findings = findings
        self.title = title; self.description = description; self.owner = owner; self.agency = agency
        self.supportingAgencies = supportingAgencies; self.start = start; self.originalDue = originalDue
        self.due = due ?? originalDue; self.measure = measure; self.status = status; self.percent = percent
        self.completed = completed; self.evidence = evidence; self.selfAssessment = selfAssessment
        self.selfAssessed = selfAssessed
        self.created = created
    }

    /// How the action is named across the product: `dundee-2021/1.2`.
    public var qualifiedRef: String { "\(inspection)/\(ref)" }

    /// The action with its owner and agencies as the store keeps names
    /// (`normalisedName`): every way in (typed, a sheet, a plan file) passes here.
    public var withNormalisedNames: Action {
        var copy = self
        copy.owner = owner.normalisedName
        copy.agency = agency.normalisedName
        copy.supportingAgencies = supportingAgencies.map(\.normalisedName)
        return copy
    }
}

/// A link inspector's review of a partnership's progress.
public struct LinkingReview: Codable, Hashable, Sendable {
    public var id: Int64?
    public var partnership: String
    public var date: CalendarDate
    public var inspector: String?
    public var kind: ReviewKind
    public var summary: String
    public var actions: [Int64]
    public var confidence: Confidence?
    public var next: CalendarDate?

    public init(id: Int64? = nil, partnership: String, date: CalendarDate, inspector: String?, kind: ReviewKind,
                summary: String, actions: [Int64] = [], confidence: Confidence? = nil, next: CalendarDate? = nil) {
        self.id = id; self.partnership = partnership; self.date = date; self.inspector = inspector
        self.kind = kind; self.summary = summary; self.actions = actions; self.confidence = confidence; self.next = next
    }

    /// `nextReview`, the name every output gives the next review's date.
    enum CodingKeys: String, CodingKey { case id, partnership, date, inspector, kind, summary, actions, confidence, next = "nextReview" }
}
