/// The plan as it stood on a past day (`--as-of`), rebuilt from what is
/// recorded and dated: an action's creation, its progress updates, its
/// deadline extensions, the plan's submission, agreement and closing, and
/// the inspection's changes of escalation and confidence. docs/rules.md
/// states the rules; every report reads the past through these functions.

/// An action's status, percent complete and completion date.
public struct ActionState: Hashable, Sendable {
    public var status: ActionStatus
    public var percent: Int
    public var completed: CalendarDate?

    public init(status: ActionStatus, percent: Int, completed: CalendarDate?) {
        self.status = status; self.percent = percent; self.completed = completed
    }

    /// How every action begins.
    public static let initial = ActionState(status: .notStarted, percent: 0, completed: nil)

    public init(_ action: Action) {
        self.init(status: action.status, percent: action.percent, completed: action.completed)
    }

    /// The state after an update of `date` carrying a status, a percent or
    /// both: the one transition `update`, `complete`, `withdraw` and the
    /// rebuilding of the past all use. A percent above 0 starts an action not
    /// yet started; completing sets 100% unless a percent is given and keeps
    /// the first completion date; any other status clears the completion.
    public func applying(status newStatus: ActionStatus?, percent newPercent: Int?, on date: CalendarDate) -> ActionState {
        var after = self
        if let newPercent {
            after.percent = newPercent
            if newStatus == nil, status == .notStarted, newPercent > 0 { after.status = .inProgress }
        }
        if let newStatus {
            after.status = newStatus
            switch newStatus {
            case .complete:
                if status != .complete { after.completed = date }
                if newPercent == nil { after.percent = 100 }
            case .notStarted, .inProgress, .withdrawn:
                after.completed = nil
            }
        }
        return after
    }
}

/// A progress update as the past is rebuilt from it: its date and what it set.
public struct StateChange: Hashable, Sendable {
    public var date: CalendarDate
    public var status: ActionStatus?
    public var percent: Int?

    public init(date: CalendarDate, status: ActionStatus?, percent: Int?) {
        self.date = date; self.status = status; self.percent = percent
    }
}

public enum History {
    /// The day an action counts from: the day it was recorded, or its first
    /// dated update when that is earlier (an update typed in for a day before
    /// the action was).
    public static func since(created: CalendarDate, firstUpdate: CalendarDate?) -> CalendarDate {
        min(created, firstUpdate ?? created)
    }

    /// The deadline on `asOf`: the deadline the first extension recorded
    /// after `asOf` moved away from, or the current one when none was.
    /// `laterExtensionsFrom` are the `from` deadlines of the extensions
    /// recorded after `asOf`, in the order they were recorded.
    public static func due(current: CalendarDate?, laterExtensionsFrom: [CalendarDate]) -> CalendarDate? {
        laterExtensionsFrom.first ?? current
    }

    /// Status, percent and completion at the end of `asOf`.
    ///
    /// `changes` are the action's updates that set a status or percent, in
    /// date order (then the order they were recorded). When nothing is dated
    /// after `asOf`, the action is as it is now. Otherwise the updates up to
    /// `asOf` are replayed: from "not started, 0%" when the updates account
    /// for the present state, else from the state the action was recorded in
    /// (an action imported already in progress), except that a completion
    /// counts only from its date.
    public static func state(present: ActionState, created: CalendarDate, changes: [StateChange],
                             asOf: CalendarDate) -> ActionState {
        var anchor = created
        if let last = changes.last?.date, last > anchor { anchor = last }
        if let completed = present.completed, completed > anchor { anchor = completed }
        if asOf >= anchor { return present }
        let replayed = changes.reduce(ActionState.initial) { $0.applying(status: $1.status, percent: $1.percent, on: $1.date) }
        var base = replayed == present ? ActionState.initial : present
        if let completed = base.completed, completed > asOf { base = .initial }
        return changes.lazy.filter { $0.date <= asOf }
            .reduce(base) { $0.applying(status: $1.status, percent: $1.percent, on: $1.date) }
    }

    /// The action as it stood at the end of `asOf`, or nil when it did not
    /// exist yet (see `since`); its `created` is then the day it counts from.
    public static func action(_ action: Action, firstUpdate: CalendarDate?, changes: [StateChange],
                              laterExtensionsFrom: [CalendarDate], asOf: CalendarDate) -> Action? {
        var then = action
        then.created = since(created: action.created, firstUpdate: firstUpdate)
        guard then.created <= asOf else { return nil }
        let state = state(present: ActionState(action), created: then.created, changes: changes, asOf: asOf)
        then.status = state.status; then.percent = state.percent; then.completed = state.completed
        then.due = due(current: action.due, laterExtensionsFrom: laterExtensionsFrom)
        return then
    }

    /// The plan as it stood at the end of `asOf`: submitted, agreed and closed
    /// from their dates; a step dated later had not happened (a plan
    /// recorded closed without a date counts as closed once submitted).
    public static func plan(_ plan: ActionPlan, asOf: CalendarDate) -> ActionPlan {
        var then = plan
        let closedUndated = plan.status == .closed && plan.closed == nil
        if let closed = plan.closed, closed > asOf { then.closed = nil }
        if let agreed = plan.agreed, agreed > asOf { then.agreed = nil; then.agreedBy = nil }
        if let submitted = plan.submitted, submitted > asOf { then.submitted = nil }
        if then.closed != nil || (closedUndated && then.submitted != nil) {
            then.status = .closed
        } else if then.agreed != nil {
            then.status = .agreed
        } else if then.submitted != nil {
            then.status = .submitted
        } else {
            then.status = .draft
        }
        return then
    }

    /// The inspection's escalation and confidence at the end of `asOf`: the
    /// values the first change dated after `asOf` moved away from, or the
    /// present ones. `laterChanges` are in date order.
    public static func inspection(_ inspection: Inspection, laterChanges: [InspectionChange]) -> Inspection {
        var then = inspection
        if let from = laterChanges.first(where: { $0.escalation != nil })?.fromEscalation { then.escalation = from }
        if let first = laterChanges.first(where: { $0.confidence != nil }) { then.confidence = first.fromConfidence }
        return then
    }
}
