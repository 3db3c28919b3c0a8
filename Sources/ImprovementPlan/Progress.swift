/// What a progress update does to an action: the status machine every way
/// of recording progress goes through (`update`, `complete`, `withdraw`, a
/// sheet's progress cells).
extension Action {
    /// The action after `update`: its status and percent move as
    /// `ActionState.applying` says, a completion takes the update's evidence.
    /// A withdrawn action's status and percent never change; a complete one
    /// is reopened only by a status, never by a lower percent alone.
    public func applying(_ update: ProgressUpdate) throws(PlanError) -> Action {
        let name = "action \(id.map(String.init) ?? qualifiedRef) (\(qualifiedRef))"
        if status == .withdrawn, update.status != nil || update.percent != nil {
            throw .refused("\(name) is withdrawn; its status and percent cannot change")
        }
        if status == .complete, update.status == nil, let percent = update.percent, percent < 100 {
            throw .refused("\(name) is complete; to reopen it give --status in-progress")
        }
        if let percent = update.percent { try Validation.percent(percent) }
        var after = self
        let state = ActionState(self).applying(status: update.status, percent: update.percent, on: update.date)
        after.status = state.status; after.percent = state.percent; after.completed = state.completed
        if update.status == .complete, status != .complete, let evidence = update.evidence { after.evidence = evidence }
        return after
    }

    /// Refuses progress dated before the action starts.
    public func checkProgressDate(_ date: CalendarDate) throws(PlanError) {
        if let start, date < start {
            throw .refused("date: \(date) is before action \(id.map(String.init) ?? ref) (\(qualifiedRef)) starts (\(start))")
        }
    }
}

extension Validation {
    /// The range of a percentage, wherever one is read or checked.
    public static let percentRange = 0...100

    /// A percentage as typed or held in a cell: a whole number from 0 to 100,
    /// with or without `%` and spaces around it (`40`, `40%`, ` 40 % `).
    public static func percent(text: String, field: String = "percent") throws(PlanError) -> Int {
        var digits = Substring(text)
        while let last = digits.last, last == "%" || last == " " { digits.removeLast() }
        while let first = digits.first, first == "%" || first == " " { digits.removeFirst() }
        guard let value = Int(digits), percentRange.contains(value) else {
            throw .invalidValue(field: field, value: text, expected: "a whole number from 0 to 100")
        }
        return value
    }
}
