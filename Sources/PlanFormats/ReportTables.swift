import ImprovementPlan

/// Tables for the reports that are not lists of actions.
public enum ReportTables {
    static func date(_ date: CalendarDate?) -> String { date?.iso ?? "" }

    /// The overdue report's totals per ageing bucket: one row per partnership and a total.
    public static func ageing(_ totals: OverdueTotals) -> Table {
        var table = Table(columns: [.init("partnership")] + AgeingBucket.allCases.map { .init("\($0.rawValue) days", alignRight: true) }
                          + [.init("total", alignRight: true)])
        for group in totals.partnerships {
            table.append([group.partnership] + AgeingBucket.allCases.map { String(group.totals[$0.rawValue] ?? 0) } + [String(group.total)])
        }
        table.append(["all"] + AgeingBucket.allCases.map { String(totals.totals[$0.rawValue] ?? 0) } + [String(totals.total)])
        return table
    }

    /// `report progress`: one line per partnership.
    public static func progress(_ lines: [PartnershipProgress]) -> Table {
        var table = Table(columns: [
            .init("partnership"), .init("inspection", drop: 14), .init("actions", alignRight: true),
            .init("notStarted", alignRight: true, drop: 13), .init("inProgress", alignRight: true, drop: 12),
            .init("complete", alignRight: true, drop: 2), .init("withdrawn", alignRight: true, drop: 11),
            .init("%", alignRight: true), .init("red", alignRight: true), .init("amber", alignRight: true, drop: 5),
            .init("green", alignRight: true, drop: 6), .init("overdue", alignRight: true, drop: 1), .init("slipped", alignRight: true, drop: 9),
            .init("noDeadline", alignRight: true, drop: 10), .init("plan", drop: 7), .init("lastReview", drop: 8), .init("nextReview"),
            .init("confidence", drop: 4), .init("escalation", drop: 3),
            .init("improving", alignRight: true, drop: 15), .init("worsening", alignRight: true, drop: 16), .init("noData", alignRight: true, drop: 17),
        ])
        for p in lines {
            let next = p.nextReview.map { $0.iso + (p.followUpOverdue ? " (overdue)" : "") } ?? ""
            table.append([p.partnership, p.inspection ?? "", String(p.actions), String(p.notStarted), String(p.inProgress),
                          String(p.complete), String(p.withdrawn), String(p.percent), String(p.red), String(p.amber),
                          String(p.green), String(p.overdue), String(p.slipped), String(p.noDeadline), p.planStatus,
                          date(p.lastReview), next, p.confidence?.rawValue ?? "", p.escalation?.rawValue ?? "",
                          String(p.measuresImproving), String(p.measuresWorsening), String(p.measuresNoData)])
        }
        return table
    }

    /// `report linking`: the linking arrangements per partnership.
    public static func linking(_ rows: [LinkingRow]) -> Table {
        var table = Table(columns: [
            .init("partnership"), .init("linkInspector", wrap: true, drop: 2), .init("since", drop: 8), .init("lastReview", drop: 3),
            .init("kind", drop: 7), .init("nextReview"), .init("followUp", drop: 1), .init("latePlans", wrap: true, drop: 6),
            .init("confidence", drop: 4), .init("escalation", drop: 5), .init("red", alignRight: true), .init("attention", wrap: true),
        ])
        for r in rows {
            let followUp = r.nextReview == nil ? "none set" : (r.followUpOverdue ? "overdue" : "on track")
            table.append([r.partnership, r.inspector ?? "none", date(r.inspectorSince), date(r.lastReview),
                          r.lastReviewKind?.rawValue ?? "", date(r.nextReview), followUp, r.latePlans.joined(separator: " "),
                          r.confidence?.rawValue ?? "", r.escalation?.rawValue ?? "", String(r.red),
                          r.attention.map(\.rawValue).joined(separator: ", ")])
        }
        return table
    }

    /// `report changes`: one line per action that changed, then → now.
    public static func changes(_ rows: [ActionChange]) -> Table {
        var table = Table(columns: [
            .init("partnership", drop: 1), .init("action"), .init("title", wrap: true), .init("owner", wrap: true, drop: 2),
            .init("changes", wrap: true), .init("rag", title: "RAG"), .init("percent", title: "%"), .init("deadline", wrap: true),
        ])
        func span<T: Equatable>(_ before: T?, _ after: T, _ text: (T) -> String) -> String {
            guard let before else { return text(after) }
            return before == after ? text(after) : "\(text(before)) → \(text(after))"
        }
        for r in rows {
            table.append([r.partnership, r.action, r.title, r.owner, r.changes.map(\.rawValue).joined(separator: ", "),
                          span(r.before?.rag, r.after.rag) { $0.rawValue }, span(r.before?.percent, r.after.percent) { "\($0)%" },
                          span(r.before.map(\.due), r.after.due) { $0?.iso ?? "none" }])
        }
        return table
    }

    /// The grades of an inspection.
    public static func grades(_ evaluations: [Evaluation]) -> Table {
        var table = Table(columns: [.init("qi", wrap: true), .init("grade", alignRight: true), .init("label")])
        for e in evaluations { table.append([e.qi, String(e.grade.value), e.grade.label]) }
        return table
    }

    /// A dated timeline.
    public static func timeline(_ entries: [TimelineEntry]) -> Table { timeline(entries.map { TimelineWords.Line($0) }) }

    /// A dated timeline of events already in words.
    public static func timeline(_ lines: [TimelineWords.Line]) -> Table {
        Table(columns: timelineColumns, rows: lines.map(timelineRow))
    }

    /// The timeline's columns, and one event's row (a timeline streamed is printed from these).
    public static let timelineColumns: [Table.Column] = [.init("date"), .init("event"), .init("action"), .init("what", wrap: true)]
    public static func timelineRow(_ line: TimelineWords.Line) -> [String] { [line.date.iso, line.kind.rawValue, line.action ?? "", line.text] }
    public static func timelineRow(_ entry: TimelineEntry) -> [String] { timelineRow(TimelineWords.Line(entry)) }
}
