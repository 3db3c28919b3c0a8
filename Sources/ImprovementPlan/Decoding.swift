extension KeyedDecodingContainer {
    /// Decodes an optional field, falling back to `fallback` when absent or null.
    func value<T: Decodable>(_ key: Key, or fallback: @autoclosure () -> T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? fallback()
    }
}

// Hand-written plan files may leave out fields that have an obvious default;
// these decoders supply them. Encoding stays synthesized and writes every field.

extension Partnership {
    enum CodingKeys: String, CodingKey { case key, name, council, healthBoard, policeDivision, otherPartners }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(key: try c.decode(String.self, forKey: .key), name: try c.decode(String.self, forKey: .name),
                  council: try c.decodeIfPresent(String.self, forKey: .council),
                  healthBoard: try c.decodeIfPresent(String.self, forKey: .healthBoard),
                  policeDivision: try c.decodeIfPresent(String.self, forKey: .policeDivision),
                  otherPartners: try c.value(.otherPartners, or: []))
    }
}

extension Inspection {
    enum CodingKeys: String, CodingKey {
        case key, partnership, title, leadInspectorate, scrutinyPartners, fieldworkStart, fieldworkEnd
        case published, planDue, confidence, escalation, summary, source
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(key: try c.decode(String.self, forKey: .key),
                  partnership: try c.decode(String.self, forKey: .partnership),
                  title: try c.decode(String.self, forKey: .title),
                  leadInspectorate: try c.value(.leadInspectorate, or: "Care Inspectorate"),
                  scrutinyPartners: try c.value(.scrutinyPartners, or: []),
                  fieldworkStart: try c.decodeIfPresent(CalendarDate.self, forKey: .fieldworkStart),
                  fieldworkEnd: try c.decodeIfPresent(CalendarDate.self, forKey: .fieldworkEnd),
                  published: try c.decodeIfPresent(CalendarDate.self, forKey: .published),
                  planDue: try c.decodeIfPresent(CalendarDate.self, forKey: .planDue),
                  confidence: try c.decodeIfPresent(Confidence.self, forKey: .confidence),
                  escalation: try c.value(.escalation, or: .none),
                  summary: try c.decodeIfPresent(String.self, forKey: .summary),
                  source: try c.decodeIfPresent(String.self, forKey: .source))
    }
}

extension Finding {
    enum CodingKeys: String, CodingKey { case id, inspection, number, kind, text, qi, themes }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decodeIfPresent(Int64.self, forKey: .id),
                  inspection: try c.decode(String.self, forKey: .inspection),
                  number: try c.decode(Int.self, forKey: .number),
                  kind: try c.decode(FindingKind.self, forKey: .kind),
                  text: try c.decode(String.self, forKey: .text),
                  qi: try c.decodeIfPresent(String.self, forKey: .qi),
                  themes: try c.value(.themes, or: []))
    }
}

extension ActionPlan {
    enum CodingKeys: String, CodingKey { case inspection, status, submitted, agreed, agreedBy }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(inspection: try c.decode(String.self, forKey: .inspection),
                  status: try c.value(.status, or: .draft),
                  submitted: try c.decodeIfPresent(CalendarDate.self, forKey: .submitted),
                  agreed: try c.decodeIfPresent(CalendarDate.self, forKey: .agreed),
                  agreedBy: try c.decodeIfPresent(String.self, forKey: .agreedBy))
    }
}

extension Action {
    enum CodingKeys: String, CodingKey {
        case id, inspection, ref, findings, title, description, owner, agency, supportingAgencies, start
        case originalDue, due, measure, status, percent, completed, evidence, selfAssessment, selfAssessed, created
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let originalDue = try c.decodeIfPresent(CalendarDate.self, forKey: .originalDue)
        self.init(id: try c.decodeIfPresent(Int64.self, forKey: .id),
                  inspection: try c.decode(String.self, forKey: .inspection),
                  ref: try c.decode(String.self, forKey: .ref),
                  findings: try c.value(.findings, or: []),
                  title: try c.decode(String.self, forKey: .title),
                  description: try c.decodeIfPresent(String.self, forKey: .description),
                  owner: try c.decode(String.self, forKey: .owner),
                  agency: try c.decode(String.self, forKey: .agency),
                  supportingAgencies: try c.value(.supportingAgencies, or: []),
                  start: try c.decodeIfPresent(CalendarDate.self, forKey: .start),
                  originalDue: originalDue,
                  due: try c.value(.due, or: originalDue),
                  measure: try c.decodeIfPresent(String.self, forKey: .measure),
                  status: try c.value(.status, or: .notStarted),
                  percent: try c.value(.percent, or: 0),
                  completed: try c.decodeIfPresent(CalendarDate.self, forKey: .completed),
                  evidence: try c.decodeIfPresent(String.self, forKey: .evidence),
                  selfAssessment: try c.decodeIfPresent(SelfAssessment.self, forKey: .selfAssessment),
                  selfAssessed: try c.decodeIfPresent(CalendarDate.self, forKey: .selfAssessed),
                  created: try c.decode(CalendarDate.self, forKey: .created))
    }
}
