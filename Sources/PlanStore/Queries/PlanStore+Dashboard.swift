import GRDB
import ImprovementPlan

extension PlanStore {
    /// The dashboard of some partnerships (all when `keys` is empty) as of a
    /// day: one pass over each one's actions through the progress report's
    /// own tally, so every number on the page is the report's number; the
    /// burn-up and ageing are counted from the same rows, and completion
    /// days come from one aggregate query.
    public func dashboard(partnerships keys: [String], asOf: CalendarDate, thresholds: Thresholds = .standard,
                          listLimit: Int = 25) throws -> Dashboard {
        let (completedOn, firstRecorded): ([Int64: CalendarDate], [String: CalendarDate]) = try read { db in
            var days: [Int64: CalendarDate] = [:]
            try db.forEachRow(sql: "SELECT id, completed_on FROM action WHERE completed_on IS NOT NULL") { row in
                if let day: CalendarDate = row["completed_on"], let id: Int64 = row["id"] { days[id] = day }
            }
            var first: [String: CalendarDate] = [:]
            for row in try db.rows(sql: """
                SELECT p.key, min(a.created_on) AS first FROM action a JOIN inspection i ON i.id = a.inspection_id
                JOIN partnership p ON p.id = i.partnership_id GROUP BY p.key
                """) {
                if let day: CalendarDate = row["first"], let key: String = row["key"] { first[key] = day }
            }
            return (days, first)
        }
        // A class, so each row is added in place (a struct taken out of the dictionary and put back would copy its lists).
        final class Collected {
            var tally = BurnUpTally()
            var ageing: [AgeingBucket: Int] = [:]
            var red: [ActionRow] = []
            var amber: [ActionRow] = []
        }
        var collected: [String: Collected] = [:]
        // Soonest deadline first, those without one last (as `follow` lists them).
        func order(_ row: ActionRow) -> (Int, Int, Int64) { (row.due == nil ? 1 : 0, row.due?.dayNumber ?? 0, row.id) }
        // Only the first `listLimit` are shown: the list is cut back to them whenever it doubles, so memory stays flat.
        func keep(_ row: ActionRow, in list: inout [ActionRow]) {
            list.append(row)
            if list.count >= 2 * listLimit {
                list.sort { order($0) < order($1) }
                list.removeLast(list.count - listLimit)
            }
        }
        func take(_ row: ActionRow) {
            let c: Collected
            if let known = collected[row.partnership] { c = known } else { c = Collected(); collected[row.partnership] = c }
            let completed = row.status == .complete ? min(completedOn[row.id] ?? asOf, asOf) : nil
            c.tally.add(row, completed: completed)
            if let bucket = row.ageing { c.ageing[bucket, default: 0] += 1 }
            if row.status.isOpen, row.rag == .red { keep(row, in: &c.red) }
            if row.status.isOpen, row.rag == .amber { keep(row, in: &c.amber) }
        }
        var lines: [PartnershipProgress] = []
        if keys.isEmpty {
            lines = try progressReport(ActionFilter(), asOf: asOf, thresholds: thresholds, each: take)
        } else {
            for key in keys where !lines.contains(where: { $0.partnership == key }) {
                lines += try progressReport(ActionFilter(partnership: key), asOf: asOf, thresholds: thresholds, each: take)
            }
        }
        let outcomes = Dictionary(grouping: try outcomeRows(asOf: asOf), by: \.partnership)
        var planned: [String: [DatedValue]] = [:]
        for record in try measures(asOf: asOf) {
            let m = record.measure
            planned[m.key] = [m.baseline] + m.trajectory.sorted { $0.date < $1.date } + [m.target]
        }
        let panels: [DashboardPanel] = try read { db in
            try lines.map { line in
                let key = line.partnership
                let partnership = try db.row(sql: Select.partnership + " WHERE p.key = ?", arguments: [key]).map(Partnership.init(row:))
                    ?? Partnership(key: key, name: line.name)
                let (inspection, evaluations, plan) = try PlanStore.latestInspectionFacts(db, partnership: key, asOf: asOf)
                var milestones: [LinkingMilestone] = []
                if let inspection {
                    if let d = inspection.published, d <= asOf { milestones.append(LinkingMilestone(date: d, kind: .published, detail: inspection.key)) }
                    if let d = plan?.submitted, d <= asOf { milestones.append(LinkingMilestone(date: d, kind: .planSubmitted, detail: inspection.key)) }
                    if let d = plan?.agreed, d <= asOf { milestones.append(LinkingMilestone(date: d, kind: .planAgreed, detail: inspection.key)) }
                    if let d = plan?.closed, d <= asOf { milestones.append(LinkingMilestone(date: d, kind: .planClosed, detail: inspection.key)) }
                }
                let reviews = try db.rows(sql: Select.review + " WHERE p.key = ? AND r.on_date <= ? ORDER BY r.on_date, r.id",
                                          arguments: [key, asOf]).map(LinkingReview.init(row:))
                for r in reviews {
                    milestones.append(LinkingMilestone(date: r.date, kind: .review, detail: r.summary, reviewKind: r.kind,
                                                       inspector: r.inspector, confidence: r.confidence))
                }
                milestones = milestones.enumerated().sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }.map(\.element)
                let c = collected[key] ?? Collected()
                // From publication; without a publication date, from the end of fieldwork, else the first action recorded.
                let start = inspection?.published ?? inspection?.fieldworkEnd ?? firstRecorded[key]
                return DashboardPanel(
                    partnership: partnership, inspector: try PlanStore.linkInspector(db, partnership: key, asOf: asOf)?.inspector,
                    inspection: inspection, evaluations: evaluations, progress: line, ageing: c.ageing,
                    burnUp: start.map { c.tally.points(from: $0, asOf: asOf) } ?? [],
                    red: Array(c.red.sorted { order($0) < order($1) }.prefix(listLimit)),
                    amber: Array(c.amber.sorted { order($0) < order($1) }.prefix(listLimit)),
                    milestones: milestones, outcomes: outcomes[key] ?? [], planned: planned)
            }
        }
        return Dashboard(asOf: asOf, thresholds: thresholds, listLimit: listLimit, panels: panels)
    }
}
