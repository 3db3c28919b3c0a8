/// Where a requested extension stands.
public enum RequestState: String, Vocabulary {
    /// Asked for; the action's deadline is unchanged.
    case requested
    /// Agreed by an inspector: the new deadline is in force (a deadline extension was recorded).
    case agreed
    /// Refused by an inspector: the deadline stands.
    case refused

    public static let fieldName = "decision"
    public static let aliases: [String: RequestState] = ["agree": .agreed, "accept": .agreed, "accepted": .agreed, "refuse": .refused, "decline": .refused]
}

/// An officer's request for a later deadline. It is not the action's
/// deadline until a link inspector agrees it (PRODUCT.md sections 2 and 7).
public struct ExtensionRequest: Codable, Hashable, Sendable {
    public var id: Int64
    /// The action's integer id.
    public var action: Int64
    /// The deadline when it was asked for, and the one asked for.
    public var from: CalendarDate
    public var to: CalendarDate
    public var reason: String
    public var requestedBy: String
    /// UTC instant.
    public var requestedAt: String
    public var state: RequestState
    public var decidedBy: String?
    public var decidedAt: String?
    /// The inspector's words with the decision (required with a refusal).
    public var decisionNote: String?

    public init(id: Int64, action: Int64, from: CalendarDate, to: CalendarDate, reason: String, requestedBy: String, requestedAt: String,
                state: RequestState = .requested, decidedBy: String? = nil, decidedAt: String? = nil, decisionNote: String? = nil) {
        self.id = id; self.action = action; self.from = from; self.to = to; self.reason = reason
        self.requestedBy = requestedBy; self.requestedAt = requestedAt; self.state = state
        self.decidedBy = decidedBy; self.decidedAt = decidedAt; self.decisionNote = decisionNote
    }

    /// The longest reason or note accepted, in characters.
    public static let longestText = 2000

    /// A request's own rules, before any record is read: a reason, and a day after the current deadline.
    public static func validate(to: CalendarDate, current: CalendarDate?, reason: String) throws(PlanError) {
        try Validation.text(reason, field: "reason")
        guard reason.count <= longestText else { throw .refused("reason: at most \(longestText) characters (this one has \(reason.count))") }
        guard let current else { throw .refused("the action has no deadline to extend") }
        guard to > current else { throw .refused("to: \(to) is not after the current deadline \(current)") }
    }
}

/// A request with what a queue shows of its action.
public struct PendingExtension: Codable, Hashable, Sendable {
    public var request: ExtensionRequest
    public var partnership: String
    /// The action's qualified reference (`dundee-2021/1.2`).
    public var reference: String
    public var title: String
    public var owner: String?

    public init(request: ExtensionRequest, partnership: String, reference: String, title: String, owner: String?) {
        self.request = request; self.partnership = partnership; self.reference = reference; self.title = title; self.owner = owner
    }
}

/// An inspector's view of an officer's completion.
public enum SignOffDecision: String, Vocabulary {
    /// The evidence shows the action done.
    case accepted
    /// The inspector asks for more: the action stays complete, with the question shown beside it.
    case queried

    public static let fieldName = "decision"
    public static let aliases: [String: SignOffDecision] = ["accept": .accepted, "query": .queried, "question": .queried]
}

/// A link inspector's sign-off of a completion: accepted, or queried with a note.
/// Each completion (the action's completion date) is signed off once.
public struct CompletionSignOff: Codable, Hashable, Sendable {
    public var id: Int64
    /// The action's integer id.
    public var action: Int64
    /// The completion signed off: the action's completion date then.
    public var completed: CalendarDate
    public var decision: SignOffDecision
    public var note: String?
    public var decidedBy: String
    /// UTC instant.
    public var decidedAt: String

    public init(id: Int64, action: Int64, completed: CalendarDate, decision: SignOffDecision, note: String?, decidedBy: String, decidedAt: String) {
        self.id = id; self.action = action; self.completed = completed; self.decision = decision
        self.note = note; self.decidedBy = decidedBy; self.decidedAt = decidedAt
    }
}
