import ImprovementPlan

/// The tables every action listing and report shares, so one column means
/// the same thing everywhere.
public enum ActionTables {
    static func text(_ date: CalendarDate?) -> String { date?.iso ?? "" }

    static func due(_ row: ActionRow) -> String { row.due?.iso ?? "no deadline" }

    /// `action list`: every action with its RAG and flags.
    public static func list(_ rows: [ActionRow]) -> Table {
        var table = Table(columns: [
            .init("id", alignRight: true), .init("partnership"), .init("ref"), .init("title", maxWidth: 48),
            .init("owner", maxWidth: 32), .init("agency", maxWidth: 24), .init("due"), .init("status"),
            .init("%", alignRight: true), .init("rag", isRAG: true), .init("flags"),
        ])
        for row in rows {
            table.append([String(row.id), row.partnership, row.ref, row.title, row.owner, row.agency, due(row),
                          row.status.rawValue, String(row.percent), row.rag.rawValue,
                          row.flags.map(\.rawValue).joined(separator: " ")])
        }
        return table
    }

    /// `report overdue`: overdue actions with days overdue, ageing and owners.
    public static func overdue(_ rows: [ActionRow]) -> Table {
        var table = Table(columns: [
            .init("id", alignRight: true), .init("partnership"), .init("ref"), .init("title", maxWidth: 44),
            .init("owner", maxWidth: 32), .init("agency", maxWidth: 24), .init("due"), .init("originalDue"),
            .init("daysOverdue", alignRight: true), .init("ageing"), .init("lastUpdate"), .init("flags"),
        ])
        for row in rows {
            table.append([String(row.id), row.partnership, row.ref, row.title, row.owner, row.agency, due(row),
                          text(row.originalDue), row.daysOverdue.map(String.init) ?? "", row.ageing?.rawValue ?? "",
                          text(row.lastUpdate), row.flags.filter { $0 != .overdue }.map(\.rawValue).joined(separator: " ")])
        }
        return table
    }

    /// The overdue report's totals per ageing bucket.
    public static func ageingTotals(_ report: OverdueReport) -> Table {
        var table = Table(columns: AgeingBucket.allCases.map { .init("\($0.rawValue) days", alignRight: true) }
                          + [.init("total", alignRight: true)])
        table.append(AgeingBucket.allCases.map { String(report.totals[$0.rawValue] ?? 0) } + [String(report.total)])
        return table
    }

    /// One line per partnership.
    public static func summaries(_ summaries: [PartnershipSummary]) -> Table {
        var table = Table(columns: [
            .init("partnership"), .init("inspection"), .init("actions", alignRight: true), .init("open", alignRight: true),
            .init("complete", alignRight: true), .init("red", alignRight: true), .init("amber", alignRight: true),
            .init("green", alignRight: true), .init("overdue", alignRight: true), .init("noDeadline", alignRight: true),
            .init("plan"), .init("confidence"), .init("escalation"),
        ])
        for s in summaries {
            table.append([s.partnership, s.inspection ?? "", String(s.actions), String(s.open), String(s.complete),
                          String(s.red), String(s.amber), String(s.green), String(s.overdue), String(s.noDeadline),
                          s.planStatus, s.confidence?.rawValue ?? "", s.escalation?.rawValue ?? ""])
        }
        return table
    }
}
