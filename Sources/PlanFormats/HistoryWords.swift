import Foundation
import ImprovementPlan

/// One audit entry told in plain words, with its field changes.
public struct HistoryEntry: Codable, Hashable, Sendable {
    /// One field that changed.
    public struct Change: Codable, Hashable, Sendable {
        public var field: String
        public var before: String?
        public var after: String?
    }

    public var seq: Int64
    public var at: String
    public var actor: String
    public var command: String
    public var entity: String
    public var key: String
    public var operation: String
    public var summary: String
    public var changes: [Change]
}

extension HistoryEntry {
    /// Tells one audit entry in plain words.
    public init(_ entry: AuditEntry) {
        let before = HistoryEntry.object(entry.before), after = HistoryEntry.object(entry.after)
        seq = entry.seq; at = entry.at; actor = entry.actor; command = entry.command; entity = entry.entity
        key = entry.key; operation = entry.operation
        changes = []
        if entry.operation == "update" {
            for field in Set(before.keys).union(after.keys).sorted() {
                let old = before[field].flatMap(HistoryEntry.text), new = after[field].flatMap(HistoryEntry.text)
                if old != new { changes.append(Change(field: field, before: old, after: new)) }
            }
        }
        summary = HistoryEntry.describe(entry, before: before, after: after, changes: changes)
    }

    static func object(_ json: String?) -> [String: Any] {
        guard let json, let value = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return [:] }
        return value
    }

    static func text(_ value: Any) -> String? {
        switch value {
        case is NSNull: return nil
        case let list as [Any]: return list.compactMap(text).joined(separator: ", ")
        case let number as NSNumber: return number.stringValue
        default: return "\(value)"
        }
    }

    static func describe(_ entry: AuditEntry, before: [String: Any], after: [String: Any], changes: [Change]) -> String {
        let value = { (name: String) -> String in (after[name] ?? before[name]).flatMap(text) ?? "" }
        let action = entry.key
        switch (entry.entity, entry.operation) {
        case ("extension_request", "update"):
            let verb = value("state") == "agreed" ? "agreed" : "refused"
            let number = action.split(separator: "#").first.map(String.init) ?? action
            return "\(verb) the requested deadline \(value("to")) for action \(number)" + (value("decisionNote").isEmpty ? "" : ": \(value("decisionNote"))")
        case (_, "update"):
            let label = entry.entity == "action" ? "action \(action) (\(value("inspection"))/\(value("ref")))" : "\(entry.entity.replacingOccurrences(of: "_", with: " ")) \(entry.key)"
            let list = changes.map { "\($0.field) \($0.before ?? "—") → \($0.after ?? "—")" }.joined(separator: "; ")
            return "\(label): \(list.isEmpty ? "no field changed" : list)"
        case (_, "delete"):
            return "removed \(entry.entity.replacingOccurrences(of: "_", with: " ")) \(entry.key) (undo)"
        case ("database", _):
            return entry.after.flatMap { try? JSONDecoder().decode(String.self, from: Data($0.utf8)) } ?? "database event"
        case ("partnership", _): return "added partnership \(entry.key) (\(value("name")))"
        case ("link_assignment", _): return "assigned link inspector \(value("inspector")) to \(value("partnership")) from \(value("from"))"
        case ("quality_indicator", _): return "added quality indicator \(value("code").isEmpty ? "" : value("code") + " ")\(value("name"))"
        case ("inspection", _): return "recorded inspection \(entry.key) of \(value("partnership")): \(value("title"))"
        case ("action_plan", _): return "opened the action plan for \(entry.key) (\(value("status")))"
        case ("evaluation", _):
            let grade = Int(value("grade")).flatMap(Grade.init).map(\.description) ?? value("grade")
            return "graded \(value("inspection")) QI \(value("qi")): \(grade)"
        case ("finding", _): return "added finding \(entry.key) (\(value("kind"))): \(value("text"))"
        case ("action", _):
            let due = value("due").isEmpty ? "no deadline" : "due \(value("due"))"
            return "added action \(action) (\(value("inspection"))/\(value("ref"))): \(value("title")); owner \(value("owner")), \(value("agency")); \(due)"
        case ("progress_update", _):
            var extra: [String] = []
            if !value("status").isEmpty { extra.append("status \(value("status"))") }
            if !value("percent").isEmpty { extra.append("\(value("percent"))%") }
            if !value("evidence").isEmpty { extra.append("evidence: \(value("evidence"))") }
            return "progress on action \(action) (\(value("action"))) dated \(value("date")): \(value("note"))" + (extra.isEmpty ? "" : " [\(extra.joined(separator: ", "))]")
        case ("deadline_extension", _):
            return "deadline of action \(action) (\(value("action"))) \(value("from")) → \(value("to")), reason: \(value("reason"))"
                + (value("agreedBy").isEmpty ? "" : " (agreed by \(value("agreedBy")))")
        case ("extension_request", "insert"):
            return "requested a later deadline for action \(action.split(separator: "#").first.map(String.init) ?? action): \(value("from")) → \(value("to")), reason: \(value("reason"))"
        case ("completion_signoff", _):
            let number = action.split(separator: "#").first.map(String.init) ?? action
            return "\(value("decision")) the completion of action \(number) on \(value("completed"))" + (value("note").isEmpty ? "" : ": \(value("note"))")
        case ("inspection_change", _):
            var moved: [String] = []
            if !value("escalation").isEmpty { moved.append("escalation \(value("fromEscalation")) → \(value("escalation"))") }
            if !value("confidence").isEmpty {
                moved.append("confidence \(value("fromConfidence").isEmpty ? "—" : value("fromConfidence")) → \(value("confidence"))")
            }
            return "changed inspection \(value("inspection")) on \(value("date")): \(moved.joined(separator: ", ")); reason: \(value("reason"))"
        case ("linking_review", _):
            return "linking review (\(value("kind"))) with \(value("partnership")) on \(value("date")): \(value("summary"))"
        default:
            return "\(entry.operation) \(entry.entity) \(entry.key)"
        }
    }
}
