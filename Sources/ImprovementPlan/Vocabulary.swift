/// A closed list of words stored as text, with the spellings a user may type.
public protocol Vocabulary: RawRepresentable, CaseIterable, Codable, Hashable, Sendable where RawValue == String {
    /// What the field is called in messages ("status", "kind").
    static var fieldName: String { get }
    /// Other spellings accepted on input, lower-cased, spaces and underscores as hyphens.
    static var aliases: [String: Self] { get }
}

extension Vocabulary {
    public static var aliases: [String: Self] { [:] }

    /// Reads a word loosely: case, spaces and underscores do not matter.
    public static func parse(_ text: String) -> Self? {
        // Most cells already name a value, perhaps capitalised ("Red", "Complete").
        if let value = Self(rawValue: text.lowercased()) { return value }
        let folded = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            .replacingOccurrences(of: " ", with: "-").replacingOccurrences(of: "_", with: "-")
        return Self(rawValue: folded) ?? aliases[folded]
    }

    /// The accepted words, for messages and help.
    public static var choices: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// Parses or throws a message naming the field, the value and the choices.
    public static func require(_ text: String) throws(PlanError) -> Self {
        guard let value = parse(text) else {
            throw .invalidValue(field: fieldName, value: text, expected: "one of \(choices)")
        }
        return value
    }
}

import Foundation

/// Where an action stands.
public enum ActionStatus: String, Vocabulary {
    case notStarted = "not-started"
    case inProgress = "in-progress"
    case complete
    case withdrawn

    public static let fieldName = "status"
    public static let aliases: [String: ActionStatus] = [
        "completed": .complete, "done": .complete, "closed": .complete,
        "ongoing": .inProgress, "started": .inProgress, "underway": .inProgress, "under-way": .inProgress,
        "on-track": .inProgress, "delayed": .inProgress, "behind": .inProgress, "at-risk": .inProgress,
        "off-track": .inProgress, "overdue": .inProgress, "partially-complete": .inProgress,
        "not-yet-started": .notStarted, "new": .notStarted, "open": .notStarted, "planned": .notStarted,
        "achieved": .complete, "met": .complete, "finished": .complete,
        "cancelled": .withdrawn, "canceled": .withdrawn,
    ]

    /// Open actions are the ones that can still be overdue.
    public var isOpen: Bool { self == .notStarted || self == .inProgress }
}

/// What a finding of an inspection report is.
public enum FindingKind: String, Vocabulary {
    case strength
    case improvement
    case priority

    public static let fieldName = "kind"
    public static let aliases: [String: FindingKind] = [
        "key-strength": .strength, "strengths": .strength,
        "area-for-improvement": .improvement, "afi": .improvement,
        "priority-area-for-improvement": .priority, "priority-improvement": .priority,
    ]

    public var label: String {
        switch self {
        case .strength: return "key strength"
        case .improvement: return "area for improvement"
        case .priority: return "priority area for improvement"
        }
    }
}

/// The inspectors' statement of confidence in the partnership's capacity to improve.
public enum Confidence: String, Vocabulary {
    case confident
    case notYetConfident = "not-yet-confident"
    case needsExternalSupport = "needs-external-support"

    public static let fieldName = "confidence"
    public static let aliases: [String: Confidence] = [
        "not-confident": .notYetConfident, "external-support": .needsExternalSupport,
    ]
}

/// What the regulator did where grades were weak.
public enum Escalation: String, Vocabulary {
    case none
    case progressReview = "progress-review"
    case formalMonitoring = "formal-monitoring"
    case externalSupport = "external-support"

    public static let fieldName = "escalation"
}

/// The joint action plan's life: draft, submitted, agreed, closed.
public enum PlanStatus: String, Vocabulary {
    case draft
    case submitted
    case agreed
    case closed

    public static let fieldName = "plan status"
}

/// How a link inspector reviewed progress.
public enum ReviewKind: String, Vocabulary {
    case meeting
    case progressReview = "progress-review"
    case writtenReturn = "written-return"

    public static let fieldName = "review kind"
    public static let aliases: [String: ReviewKind] = ["review": .progressReview, "return": .writtenReturn]
}

/// Red, amber or green, as a partnership's own spreadsheet rates an action.
public enum SelfAssessment: String, Vocabulary {
    case red, amber, green
    public static let fieldName = "RAG"
    public static let aliases: [String: SelfAssessment] = ["r": .red, "a": .amber, "g": .green]
}
