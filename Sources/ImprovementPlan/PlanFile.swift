/// The plan file (docs/plan-file.md): one JSON document holding
/// partnerships, link assignments, quality indicators, inspections, grades,
/// findings, plans, actions, updates, extensions and reviews, each referring
/// to the others by natural key (an action as `inspection/ref`).
public struct PlanFile: Codable, Sendable, Equatable {
    public static let formatName = "planwatch-plan-file"
    public static let currentVersion = 1

    public var format: String
    public var version: Int
    public var qualityIndicators: [QualityIndicator]
    public var partnerships: [Partnership]
    public var linkAssignments: [LinkAssignment]
    public var inspections: [Inspection]
    public var evaluations: [Evaluation]
    public var findings: [Finding]
    public var plans: [ActionPlan]
    public var inspectionChanges: [InspectionChange]
    public var actions: [Action]
    public var updates: [Update]
    public var extensions: [Extension]
    public var reviews: [Review]
    /// Outcome measures, and their readings in the order recorded (a correction after what it supersedes).
    public var measures: [OutcomeMeasure]
    public var readings: [MeasureReading]

    /// Progress updates and extensions name their action as `inspection/ref`.
    public typealias Update = ProgressUpdate
    public typealias Extension = DeadlineExtension

    /// A linking review, naming the actions discussed as `inspection/ref`.
    public struct Review: Codable, Sendable, Hashable {
        public var partnership: String
        public var date: CalendarDate
        public var inspector: String?
        public var kind: ReviewKind
        public var summary: String
        public var actions: [String]
        public var confidence: Confidence?
        public var next: CalendarDate?

        public init(partnership: String, date: CalendarDate, inspector: String?, kind: ReviewKind, summary: String,
                    actions: [String] = [], confidence: Confidence? = nil, next: CalendarDate? = nil) {
            self.partnership = partnership; self.date = date; self.inspector = inspector; self.kind = kind
            self.summary = summary; self.actions = actions; self.confidence = confidence; self.next = next
        }

        /// `nextReview`, the name every output gives the next review's date.
        /// The audit trail stores a review under its first name, `next`
        /// (its entries are hashed and never rewritten), and plan files
        /// written before the rename say `next` too: both are read.
        enum CodingKeys: String, CodingKey { case partnership, date, inspector, kind, summary, actions, confidence, next = "nextReview" }
        enum StoredKeys: String, CodingKey { case next }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let stored = try decoder.container(keyedBy: StoredKeys.self)
            self.init(partnership: try c.decode(String.self, forKey: .partnership),
                      date: try c.decode(CalendarDate.self, forKey: .date),
                      inspector: try c.decodeIfPresent(String.self, forKey: .inspector),
                      kind: try c.decode(ReviewKind.self, forKey: .kind),
                      summary: try c.decode(String.self, forKey: .summary),
                      actions: try c.value(.actions, or: []),
                      confidence: try c.decodeIfPresent(Confidence.self, forKey: .confidence),
                      next: try c.decodeIfPresent(CalendarDate.self, forKey: .next) ?? stored.decodeIfPresent(CalendarDate.self, forKey: .next))
        }
    }

    public init(qualityIndicators: [QualityIndicator] = [], partnerships: [Partnership] = [],
                linkAssignments: [LinkAssignment] = [], inspections: [Inspection] = [], evaluations: [Evaluation] = [],
                findings: [Finding] = [], plans: [ActionPlan] = [], inspectionChanges: [InspectionChange] = [],
                actions: [Action] = [], updates: [Update] = [], extensions: [Extension] = [], reviews: [Review] = [],
                measures: [OutcomeMeasure] = [], readings: [MeasureReading] = []) {
        self.measures = measures; self.readings = readings
        self.format = PlanFile.formatName; self.version = PlanFile.currentVersion
        self.qualityIndicators = qualityIndicators; self.partnerships = partnerships
        self.linkAssignments = linkAssignments; self.inspections = inspections; self.evaluations = evaluations
        self.findings = findings; self.plans = plans; self.inspectionChanges = inspectionChanges; self.actions = actions; self.updates = updates
        self.extensions = extensions; self.reviews = reviews
    }

    enum CodingKeys: String, CodingKey {
        case format, version, qualityIndicators, partnerships, linkAssignments, inspections, evaluations
        case findings, plans, inspectionChanges, actions, updates, extensions, reviews, measures, readings
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.format = try c.decode(String.self, forKey: .format)
        self.version = try c.decode(Int.self, forKey: .version)
        guard format == PlanFile.formatName else {
            throw DecodingError.dataCorruptedError(forKey: .format, in: c,
                debugDescription: "format is '\(format)', expected '\(PlanFile.formatName)'")
        }
        guard version <= PlanFile.currentVersion else {
            throw DecodingError.dataCorruptedError(forKey: .version, in: c,
                debugDescription: "version \(version) is newer than this planwatch reads (\(PlanFile.currentVersion))")
        }
        qualityIndicators = try c.value(.qualityIndicators, or: [])
        partnerships = try c.value(.partnerships, or: [])
        linkAssignments = try c.value(.linkAssignments, or: [])
        inspections = try c.value(.inspections, or: [])
        evaluations = try c.value(.evaluations, or: [])
        findings = try c.value(.findings, or: [])
        plans = try c.value(.plans, or: [])
        inspectionChanges = try c.value(.inspectionChanges, or: [])
        actions = try c.value(.actions, or: [])
        updates = try c.value(.updates, or: [])
        extensions = try c.value(.extensions, or: [])
        reviews = try c.value(.reviews, or: [])
        measures = try c.value(.measures, or: [])
        readings = try c.value(.readings, or: [])
    }
}

/// A dated report of progress on an action, naming it as `inspection/ref`.
/// Append-only: a correction is a new update.
public struct ProgressUpdate: Codable, Sendable, Hashable {
    public var action: String
    public var date: CalendarDate
    public var author: String
    public var note: String
    public var status: ActionStatus?
    public var percent: Int?
    public var evidence: String?

    public init(action: String, date: CalendarDate, author: String, note: String, status: ActionStatus? = nil,
                percent: Int? = nil, evidence: String? = nil) {
        self.action = action; self.date = date; self.author = author; self.note = note
        self.status = status; self.percent = percent; self.evidence = evidence
    }

    /// Who recorded it is `actor`, as in the history and every other output.
    /// The audit trail stores an update under its first name, `author` (its
    /// entries are hashed and never rewritten), and plan files written before
    /// the rename say `author` too: both are read.
    enum CodingKeys: String, CodingKey { case action, date, author = "actor", note, status, percent, evidence }
    enum StoredKeys: String, CodingKey { case author }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let stored = try decoder.container(keyedBy: StoredKeys.self)
        guard let author = try c.decodeIfPresent(String.self, forKey: .author) ?? stored.decodeIfPresent(String.self, forKey: .author) else {
            throw DecodingError.keyNotFound(CodingKeys.author, .init(codingPath: c.codingPath, debugDescription: "an update names its actor"))
        }
        self.init(action: try c.decode(String.self, forKey: .action), date: try c.decode(CalendarDate.self, forKey: .date),
                  author: author, note: try c.decode(String.self, forKey: .note),
                  status: try c.decodeIfPresent(ActionStatus.self, forKey: .status),
                  percent: try c.decodeIfPresent(Int.self, forKey: .percent),
                  evidence: try c.decodeIfPresent(String.self, forKey: .evidence))
    }
}

/// A revised deadline for an action, naming it as `inspection/ref`; the
/// original deadline is kept on the action.
public struct DeadlineExtension: Codable, Sendable, Hashable {
    public var action: String
    public var from: CalendarDate
    public var to: CalendarDate
    public var reason: String
    public var agreedBy: String?
    public var recorded: CalendarDate

    public init(action: String, from: CalendarDate, to: CalendarDate, reason: String, agreedBy: String?, recorded: CalendarDate) {
        self.action = action; self.from = from; self.to = to; self.reason = reason
        self.agreedBy = agreedBy; self.recorded = recorded
    }
}

/// A plan file read section by section, one record at a time: the importer
/// asks for the sections in the order their records depend on each other,
/// whatever order the file lists them in. A decoded `PlanFile` is one source;
/// a reader that decodes records straight from the file's bytes is another,
/// and holds one record in memory at a time however large the file.
public protocol PlanFileRecords {
    /// Calls `body` with each record of `section`, in the file's order, with its index.
    func forEach<Record>(_ section: PlanFile.Section<Record>, _ body: (Int, Record) throws -> Void) throws
}

extension PlanFile {
    /// One of the plan file's lists: its key in the document and its record type.
    public struct Section<Record: Decodable & Sendable>: Sendable {
        public let key: String
        public let records: WritableKeyPath<PlanFile, [Record]> & Sendable

        init(_ key: CodingKeys, _ records: WritableKeyPath<PlanFile, [Record]> & Sendable) {
            self.key = key.stringValue
            self.records = records
        }
    }

    /// The keys of every list, in the order an import reads them.
    public static let sectionKeys: [String] = [CodingKeys.qualityIndicators, .partnerships, .linkAssignments, .inspections,
                                               .evaluations, .findings, .plans, .inspectionChanges, .actions, .updates, .extensions, .reviews,
                                               .measures, .readings]
        .map(\.stringValue)
}

extension PlanFile.Section where Record == QualityIndicator { public static var qualityIndicators: Self { .init(.qualityIndicators, \.qualityIndicators) } }
extension PlanFile.Section where Record == Partnership { public static var partnerships: Self { .init(.partnerships, \.partnerships) } }
extension PlanFile.Section where Record == LinkAssignment { public static var linkAssignments: Self { .init(.linkAssignments, \.linkAssignments) } }
extension PlanFile.Section where Record == Inspection { public static var inspections: Self { .init(.inspections, \.inspections) } }
extension PlanFile.Section where Record == Evaluation { public static var evaluations: Self { .init(.evaluations, \.evaluations) } }
extension PlanFile.Section where Record == Finding { public static var findings: Self { .init(.findings, \.findings) } }
extension PlanFile.Section where Record == ActionPlan { public static var plans: Self { .init(.plans, \.plans) } }
extension PlanFile.Section where Record == InspectionChange { public static var inspectionChanges: Self { .init(.inspectionChanges, \.inspectionChanges) } }
extension PlanFile.Section where Record == Action { public static var actions: Self { .init(.actions, \.actions) } }
extension PlanFile.Section where Record == ProgressUpdate { public static var updates: Self { .init(.updates, \.updates) } }
extension PlanFile.Section where Record == DeadlineExtension { public static var extensions: Self { .init(.extensions, \.extensions) } }
extension PlanFile.Section where Record == PlanFile.Review { public static var reviews: Self { .init(.reviews, \.reviews) } }
extension PlanFile.Section where Record == OutcomeMeasure { public static var measures: Self { .init(.measures, \.measures) } }
extension PlanFile.Section where Record == MeasureReading { public static var readings: Self { .init(.readings, \.readings) } }

extension PlanFile: PlanFileRecords {
    public func forEach<Record>(_ section: Section<Record>, _ body: (Int, Record) throws -> Void) throws {
        for (index, record) in self[keyPath: section.records].enumerated() { try body(index, record) }
    }
}

extension PlanFile {
    /// Every list of `source`, held in memory whole.
    public init(records source: some PlanFileRecords) throws {
        self.init()
        try source.forEach(.qualityIndicators) { _, record in qualityIndicators.append(record) }
        try source.forEach(.partnerships) { _, record in partnerships.append(record) }
        try source.forEach(.linkAssignments) { _, record in linkAssignments.append(record) }
        try source.forEach(.inspections) { _, record in inspections.append(record) }
        try source.forEach(.evaluations) { _, record in evaluations.append(record) }
        try source.forEach(.findings) { _, record in findings.append(record) }
        try source.forEach(.plans) { _, record in plans.append(record) }
        try source.forEach(.inspectionChanges) { _, record in inspectionChanges.append(record) }
        try source.forEach(.actions) { _, record in actions.append(record) }
        try source.forEach(.updates) { _, record in updates.append(record) }
        try source.forEach(.extensions) { _, record in extensions.append(record) }
        try source.forEach(.reviews) { _, record in reviews.append(record) }
        try source.forEach(.measures) { _, record in measures.append(record) }
        try source.forEach(.readings) { _, record in readings.append(record) }
    }
}

/// Receives a plan file's records list by list (`PlanStore.exportPlanFile(into:)`),
/// lists in the order of their keys: a writer streams them, a collector keeps them.
public protocol PlanFileSink {
    mutating func beginList(_ key: String) throws
    mutating func record<T: Codable & Sendable>(_ record: T, in section: PlanFile.Section<T>) throws
    mutating func endList() throws
}

extension PlanFile {
    /// A sink that keeps every record: the plan file in memory.
    public struct Collector: PlanFileSink {
        public private(set) var file = PlanFile()

        public init() {}

        public mutating func beginList(_ key: String) {}
        public mutating func endList() {}

        public mutating func record<T: Codable & Sendable>(_ record: T, in section: PlanFile.Section<T>) {
            file[keyPath: section.records].append(record)
        }
    }
}
