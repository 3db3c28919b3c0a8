import ImprovementPlan

/// What an audit entry is about: the record (or database event) and its
/// natural key, built and parsed here only. The trail stores it as two
/// strings, `entity` and `entity_key` (`finding`, `dundee-2021#3`); the
/// bytes are those every earlier planwatch wrote, so existing chains verify.
enum AuditSubject: Hashable, Sendable {
    case partnership(String)
    /// A link inspector's assignment, from a day.
    case linkAssignment(partnership: String, from: CalendarDate)
    /// By its code, or its name where it has none.
    case qualityIndicator(String)
    case inspection(String)
    case actionPlan(inspection: String)
    case inspectionChange(inspection: String, on: CalendarDate)
    /// A grade: the inspection and the QI's reference.
    case evaluation(inspection: String, qi: String)
    case finding(inspection: String, number: Int)
    /// An action, by its integer id (its reference may be edited, its id not).
    case action(Int64)
    /// The updates and extensions of an action are keyed by the action's id.
    case progressUpdate(action: Int64)
    case deadlineExtension(action: Int64)
    case linkingReview(partnership: String, on: CalendarDate, kind: ReviewKind)
    /// An outcome measure, by its key.
    case outcomeMeasure(String)
    /// The reading of a measure on a day (a correction is an update of it).
    case measureReading(measure: String, on: CalendarDate)
    /// An account of `planwatch serve`, by its login name.
    case user(String)
    /// A script's token, by its number (never its secret).
    case apiToken(Int64)
    /// A requested extension: its action's id and its own number (`12#3`), so an action's history finds it.
    case extensionRequest(action: Int64, id: Int64)
    /// An inspector's sign-off of a completion, keyed like a request (`12#3`).
    case completionSignOff(action: Int64, id: Int64)
    /// An event of the database itself (`checkpoint`, `restore`), not a record.
    case database(Event)

    enum Event: String, Sendable { case checkpoint, restore }

    /// The stored entity names, one per table audited.
    enum Entity: String, CaseIterable, Sendable {
        case partnership, linkAssignment = "link_assignment", qualityIndicator = "quality_indicator", inspection
        case actionPlan = "action_plan", inspectionChange = "inspection_change", evaluation, finding, action
        case progressUpdate = "progress_update", deadlineExtension = "deadline_extension", linkingReview = "linking_review", database
        case outcomeMeasure = "outcome_measure", measureReading = "measure_reading"
        case user, apiToken = "api_token", extensionRequest = "extension_request"
        case completionSignOff = "completion_signoff"

        /// The records of an action: itself, its updates and its extensions, all keyed by its id.
        static let ofAction: [Entity] = [.action, .progressUpdate, .deadlineExtension]

        /// The records of an action keyed `ID#N`: its requested extensions and sign-offs.
        static let numberedOfAction: [Entity] = [.extensionRequest, .completionSignOff]

        /// An action's entries, for `entity_key` given twice: itself, its updates and
        /// extensions (keyed by its id), its requests and sign-offs (keyed `ID#N`).
        static let ofActionSQL = """
            ((entity IN (\(sqlList(ofAction))) AND entity_key = ?)
             OR (entity IN (\(sqlList(numberedOfAction))) AND substr(entity_key, 1, instr(entity_key, '\(AuditSubject.findingSeparator)') - 1) = ?))
            """

        /// The names as an SQL list: `'action', 'progress_update'`.
        static func sqlList(_ entities: [Entity]) -> String { entities.map { "'\($0.rawValue)'" }.joined(separator: ", ") }

        /// The entity in words, as messages name it ("link assignment").
        var words: String { rawValue.replacingOccurrences(of: "_", with: " ") }
    }

    var entity: Entity {
        switch self {
        case .partnership: return .partnership
        case .linkAssignment: return .linkAssignment
        case .qualityIndicator: return .qualityIndicator
        case .inspection: return .inspection
        case .actionPlan: return .actionPlan
        case .inspectionChange: return .inspectionChange
        case .evaluation: return .evaluation
        case .finding: return .finding
        case .action: return .action
        case .progressUpdate: return .progressUpdate
        case .deadlineExtension: return .deadlineExtension
        case .linkingReview: return .linkingReview
        case .database: return .database
        case .outcomeMeasure: return .outcomeMeasure
        case .measureReading: return .measureReading
        case .user: return .user
        case .apiToken: return .apiToken
        case .extensionRequest: return .extensionRequest
        case .completionSignOff: return .completionSignOff
        }
    }

    /// The separators of composite keys, which the history's SQL matches on too.
    static let dateSeparator = "@", evaluationSeparator = "/", findingSeparator = "#", kindSeparator = "/"

    var key: String {
        switch self {
        case .partnership(let key), .qualityIndicator(let key), .inspection(let key): return key
        case .linkAssignment(let partnership, let from): return partnership + Self.dateSeparator + from.iso
        case .actionPlan(let inspection): return inspection
        case .inspectionChange(let inspection, let day): return inspection + Self.dateSeparator + day.iso
        case .evaluation(let inspection, let qi): return inspection + Self.evaluationSeparator + qi
        case .finding(let inspection, let number): return inspection + Self.findingSeparator + String(number)
        case .action(let id), .progressUpdate(let id), .deadlineExtension(let id): return String(id)
        case .linkingReview(let partnership, let day, let kind):
            return partnership + Self.dateSeparator + day.iso + Self.kindSeparator + kind.rawValue
        case .database(let event): return event.rawValue
        case .outcomeMeasure(let key): return key
        case .measureReading(let measure, let day): return measure + Self.dateSeparator + day.iso
        case .user(let name): return name
        case .apiToken(let id): return String(id)
        case .extensionRequest(let action, let id), .completionSignOff(let action, let id): return String(action) + Self.findingSeparator + String(id)
        }
    }

    /// The subject of a stored entry; nil when the entry names no subject this
    /// planwatch knows (a corrupt or foreign entry).
    init?(entity: String, key: String) {
        guard let kind = Entity(rawValue: entity) else { return nil }
        func split(_ separator: String, last: Bool = false) -> (String, String)? { Self.split(key, separator, last: last) }
        switch kind {
        case .partnership: self = .partnership(key)
        case .qualityIndicator: self = .qualityIndicator(key)
        case .inspection: self = .inspection(key)
        case .actionPlan: self = .actionPlan(inspection: key)
        case .linkAssignment:
            guard let (partnership, day) = split(Self.dateSeparator), let from = CalendarDate(iso: day) else { return nil }
            self = .linkAssignment(partnership: partnership, from: from)
        case .inspectionChange:
            guard let (inspection, day) = split(Self.dateSeparator), let date = CalendarDate(iso: day) else { return nil }
            self = .inspectionChange(inspection: inspection, on: date)
        case .evaluation:
            // An inspection key has no '/'; a QI's name might.
            guard let (inspection, qi) = split(Self.evaluationSeparator) else { return nil }
            self = .evaluation(inspection: inspection, qi: qi)
        case .finding:
            guard let (inspection, number) = split(Self.findingSeparator, last: true), let value = Int(number) else { return nil }
            self = .finding(inspection: inspection, number: value)
        case .action, .progressUpdate, .deadlineExtension:
            guard let id = Int64(key) else { return nil }
            self = kind == .action ? .action(id) : kind == .progressUpdate ? .progressUpdate(action: id) : .deadlineExtension(action: id)
        case .linkingReview:
            guard let (partnership, rest) = split(Self.dateSeparator), let (day, kindText) = Self.split(rest, Self.kindSeparator),
                  let date = CalendarDate(iso: day), let reviewKind = ReviewKind(rawValue: kindText) else { return nil }
            self = .linkingReview(partnership: partnership, on: date, kind: reviewKind)
        case .database:
            guard let event = Event(rawValue: key) else { return nil }
            self = .database(event)
        case .outcomeMeasure: self = .outcomeMeasure(key)
        case .measureReading:
            guard let (measure, day) = split(Self.dateSeparator, last: true), let date = CalendarDate(iso: day) else { return nil }
            self = .measureReading(measure: measure, on: date)
        case .user: self = .user(key)
        case .apiToken:
            guard let id = Int64(key) else { return nil }
            self = .apiToken(id)
        case .extensionRequest, .completionSignOff:
            guard let (action, number) = split(Self.findingSeparator), let actionID = Int64(action), let id = Int64(number) else { return nil }
            self = kind == .extensionRequest ? .extensionRequest(action: actionID, id: id) : .completionSignOff(action: actionID, id: id)
        }
    }

    /// The text either side of the first (or `last`) separator.
    private static func split(_ text: String, _ separator: String, last: Bool = false) -> (String, String)? {
        guard let range = last ? text.range(of: separator, options: .backwards) : text.range(of: separator) else { return nil }
        return (String(text[..<range.lowerBound]), String(text[range.upperBound...]))
    }
}

/// The command an undo records: `undo #N`, N the first entry of the change it reverts.
enum UndoCommand {
    static let prefix = "undo #"
    /// Matches every undo's command in SQL (`command LIKE ...`).
    static let pattern = prefix + "%"

    static func name(reverting seq: Int64) -> String { prefix + String(seq) }

    /// The entry an undo command reverts; nil for any other command.
    static func reverted(_ command: String) -> Int64? {
        command.hasPrefix(prefix) ? Int64(command.dropFirst(prefix.count)) : nil
    }
}
