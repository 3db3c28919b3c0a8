import GRDB
import ImprovementPlan

/// `report changes`: the plan as it stood the day before a window against
/// the plan at its end, action by action, with the reviews and plan events
/// dated in the window.
extension PlanStore {
    /// What changed from `since` to `until`, both days included. With `since`
    /// nil, each partnership's window starts the day after its last linking
    /// review on or before `until` ("since the last review"); a partnership
    /// never reviewed counts from its latest inspection's publication.
    public func changes(_ filter: ActionFilter, since: CalendarDate?, until: CalendarDate,
                        thresholds: Thresholds = .standard) throws -> ChangesReport {
        if let since, since > until {
            throw PlanError.refused("since: \(since) is after until \(until)")
        }
        // Each partnership's window.
        let windows: [(key: String, since: CalendarDate?)] = try read { db in
            try reportPartnerships(db, filter).map { p in
                if let since { return (p.key, since) }
                if let review = try PlanStore.lastReview(db, partnership: p.key, asOf: until) {
                    return (p.key, review.date.adding(days: 1))
                }
                return (p.key, try PlanStore.latestInspection(db, partnership: p.key, asOf: until)?.published)
            }
        }
        var rows: [ActionChange] = []
        var partnerships: [ChangesReport.Partnership] = []
        // One pair of passes for a fixed window; one per partnership "since the last review".
        let passes: [(filter: ActionFilter, since: CalendarDate?)] = since != nil
            ? [(filter, since)]
            : windows.map { window in
                var one = filter
                one.partnership = window.key
                return (one, window.since)
            }
        for pass in passes {
            let start = pass.since ?? CalendarDate(dayNumber: -719_162)  // 0001-01-01: from the beginning
            guard start <= until.adding(days: 1) else { continue }
            var before: [Int64: ActionRow] = [:]
            if pass.since != nil {
                try forEachActionRow(pass.filter, asOf: start.adding(days: -1), thresholds: thresholds) { before[$0.id] = $0 }
            }
            let reviewed: Set<Int64> = try read { db in
                Set(try db.all(Int64.self, sql: """
                    SELECT ra.action_id FROM review_action ra JOIN linking_review r ON r.id = ra.review_id
                    WHERE r.on_date BETWEEN ? AND ?
                    """, arguments: [start, until]))
            }
            try forEachActionRow(pass.filter, asOf: until, thresholds: thresholds) { row in
                let kinds = Rules.changes(before: before[row.id], after: row, reviewed: reviewed.contains(row.id))
                guard !kinds.isEmpty else { return }
                rows.append(ActionChange(partnership: row.partnership, id: row.id, action: "\(row.inspection)/\(row.ref)",
                                         title: row.title, owner: row.owner, changes: kinds,
                                         before: before[row.id].map(ActionChange.Standing.init), after: ActionChange.Standing(row)))
            }
        }
        let counted = Dictionary(grouping: rows, by: \.partnership).mapValues(\.count)
        try read { db in
            for window in windows {
                let start = window.since ?? CalendarDate(dayNumber: -719_162)
                let inspection = try PlanStore.latestInspection(db, partnership: window.key, asOf: until)
                let plan = try inspection.flatMap { try PlanStore.plan(db, inspection: $0.key, asOf: until) }
                let events = try PlanStore.timeline(db, partnership: window.key, from: start, to: until, inspection: inspection, plan: plan)
                let reviews = try db.rows(sql: Select.review + " WHERE p.key = ? AND r.on_date BETWEEN ? AND ? ORDER BY r.on_date, r.id",
                                          arguments: [window.key, start, until]).map(LinkingReview.init(row:))
                partnerships.append(ChangesReport.Partnership(
                    partnership: window.key, since: start, until: until, reviews: reviews,
                    events: events.filter { ![.update, .extension, .review].contains($0.kind) }, changed: counted[window.key] ?? 0))
            }
        }
        return ChangesReport(since: since, until: until, rows: rows, partnerships: partnerships)
    }
}
