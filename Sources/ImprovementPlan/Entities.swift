/// A community planning partnership: the council, health board, police
/// division and other partners of one council area.
public struct Partnership: Codable, Hashable, Sendable {
    public var key: String
    public var name: String
    public var council: String?
    public var healthBoard: String?
    public var policeDivision: String?
    public var otherPartners: [String]

    public init(key: String, name: String, council: String? = nil, healthBoard: String? = nil,
                policeDivision: String? = nil, otherPartners: [String] = []) {
        self.key = key; self.name = name; self.council = council; self.healthBoard = healthBoard
        self.policeDivision = policeDivision; self.otherPartners = otherPartners
    }
}

/// A link inspector assigned to a partnership for a period; `to == nil` is current.
public struct LinkAssignment: Codable, Hashable, Sendable {
    public var partnership: String
    public var inspector: String
    public var from: CalendarDate
    public var to: CalendarDate?

    public init(partnership: String, inspector: String, from: CalendarDate, to: CalendarDate? = nil) {
        self.partnership = partnership; self.inspector = inspector; self.from = from; self.to = to
    }
}

/// A quality indicator of an inspection framework. Older reports name some
/// only in words, so the code is optional.
public struct QualityIndicator: Codable, Hashable, Sendable {
    public var code: String?
    public var name: String
    public var framework: String?

    public init(code: String?, name: String, framework: String? = nil) {
        self.code = code; self.name = name; self.framework = framework
    }

    /// How a QI is referred to: its code where it has one, else its name.
    public var reference: String { code ?? name }

    /// The quality indicators every new database knows.
    public static let known: [QualityIndicator] = [
        QualityIndicator(code: "2.1", name: "Impact on children and young people", framework: "2019"),
        QualityIndicator(code: "5.3", name: "Care planning, managing risk and effective intervention", framework: "2019"),
        QualityIndicator(code: "5.4", name: "Involving individual children, young people and families", framework: "2019"),
        QualityIndicator(code: "9.2", name: "Leadership of strategy and direction", framework: "2019"),
    ]
}

/// A joint inspection of one partnership's services.
public struct Inspection: Codable, Hashable, Sendable {
    public var key: String
    public var partnership: String
    public var title: String
    public var leadInspectorate: String
    public var scrutinyPartners: [String]
    public var fieldworkStart: CalendarDate?
    public var fieldworkEnd: CalendarDate?
    public var published: CalendarDate?
    public var planDue: CalendarDate?
    public var confidence: Confidence?
    public var escalation: Escalation
    public var summary: String?
    public var source: String?

    /// Days after publication that the joint action plan is due by default.
    public static let defaultPlanDays = 42

    public init(key: String, partnership: String, title: String, leadInspectorate: String = "Care Inspectorate",
                scrutinyPartners: [String] = [], fieldworkStart: CalendarDate? = nil, fieldworkEnd: CalendarDate? = nil,
                published: CalendarDate? = nil, planDue: CalendarDate? = nil, confidence: Confidence? = nil,
                escalation: Escalation = .none, summary: String? = nil, source: String? = nil) {
        self.key = key; self.partnership = partnership; self.title = title
        self.leadInspectorate = leadInspectorate; self.scrutinyPartners = scrutinyPartners
        self.fieldworkStart = fieldworkStart; self.fieldworkEnd = fieldworkEnd; self.published = published
        self.planDue = planDue ?? published?.adding(days: Inspection.defaultPlanDays)
        self.confidence = confidence; self.escalation = escalation; self.summary = summary; self.source = source
    }
}

/// A grade given to one quality indicator by one inspection.
public struct Evaluation: Codable, Hashable, Sendable {
    public var inspection: String
    public var qi: String
    public var grade: Grade

    public init(inspection: String, qi: String, grade: Grade) {
        self.inspection = inspection; self.qi = qi; self.grade = grade
    }
}

/// A key strength or area for improvement named in an inspection report.
/// `number` orders the findings of one inspection and, with its key, names it.
public struct Finding: Codable, Hashable, Sendable {
    public var id: Int64?
    public var inspection: String
    public var number: Int
    public var kind: FindingKind
    public var text: String
    public var qi: String?
    public var themes: [String]

    public init(id: Int64? = nil, inspection: String, number: Int, kind: FindingKind, text: String,
                qi: String? = nil, themes: [String] = []) {
        self.id = id; self.inspection = inspection; self.number = number; self.kind = kind
        self.text = text; self.qi = qi; self.themes = themes
    }
}

/// The joint action plan owed after an inspection; one per inspection.
public struct ActionPlan: Codable, Hashable, Sendable {
    public var inspection: String
    public var status: PlanStatus
    public var submitted: CalendarDate?
    public var agreed: CalendarDate?
    public var agreedBy: String?
    /// The day the plan was closed (follow-up ended); nil while open, and
    /// for a plan recorded closed without a date.
    public var closed: CalendarDate?

    public init(inspection: String, status: PlanStatus = .draft, submitted: CalendarDate? = nil,
                agreed: CalendarDate? = nil, agreedBy: String? = nil, closed: CalendarDate? = nil) {
        self.inspection = inspection; self.status = status; self.submitted = submitted
        self.agreed = agreed; self.agreedBy = agreedBy; self.closed = closed
    }
}

/// A dated change of an inspection's escalation or statement of confidence
/// after the inspection (a link inspector escalates to formal monitoring, or
/// becomes confident). It keeps the values it moved from, so the inspection
/// as it stood on any day can be rebuilt.
public struct InspectionChange: Codable, Hashable, Sendable {
    public var inspection: String
    public var date: CalendarDate
    public var escalation: Escalation?
    public var fromEscalation: Escalation?
    public var confidence: Confidence?
    public var fromConfidence: Confidence?
    public var reason: String

    public init(inspection: String, date: CalendarDate, escalation: Escalation? = nil, fromEscalation: Escalation? = nil,
                confidence: Confidence? = nil, fromConfidence: Confidence? = nil, reason: String) {
        self.inspection = inspection; self.date = date; self.escalation = escalation; self.fromEscalation = fromEscalation
        self.confidence = confidence; self.fromConfidence = fromConfidence; self.reason = reason
    }

    /// "escalation none → formal-monitoring, confidence confident → not-yet-confident".
    public var summary: String {
        var parts: [String] = []
        if let escalation { parts.append("escalation \(fromEscalation?.rawValue ?? "none") → \(escalation.rawValue)") }
        if let confidence { parts.append("confidence \(fromConfidence?.rawValue ?? "none") → \(confidence.rawValue)") }
        return parts.joined(separator: ", ")
    }
}
