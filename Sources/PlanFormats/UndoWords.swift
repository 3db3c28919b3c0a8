import ImprovementPlan

/// An undo's steps in plain words, as `planwatch undo` prints them.
public enum UndoWords {
    public static func text(_ step: UndoStep) -> String {
        switch step {
        case .actionRestored(let action, let entry): return "action \(action) restored to its state before entry \(entry)"
        case .updateCorrected(let action, let date):
            return "progress update of \(date) on action \(action) answered by a correcting update (updates are never deleted)"
        case .extensionRemoved(let action, let to): return "extension of action \(action) to \(to) removed"
        case .actionRemoved(let action, let ref): return "action \(action) (\(ref)) removed"
        case .planRestored(let inspection, let status): return "plan for \(inspection) restored to \(status.rawValue)"
        case .inspectionRestored(let inspection, let escalation): return "inspection \(inspection) restored to escalation \(escalation.rawValue)"
        case .gradeRestored(let evaluation, let grade): return "grade of \(evaluation) restored to \(grade)"
        case .linkRestored(let assignment): return "link assignment \(assignment) restored"
        case .removed(let entity, let key): return "\(entity) \(key) removed"
        }
    }
}
