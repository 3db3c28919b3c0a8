import ImprovementPlan

/// Which columns a listing of actions shows and how each row fills them.
/// The same layout makes the text table, the Markdown table and the
/// streamed CSV, so a column means the same thing in every format.
public struct RowLayout: Sendable {
    public var columns: [Table.Column]
    public var cells: @Sendable (ActionRow) -> [String]

    public init(columns: [Table.Column], cells: @escaping @Sendable (ActionRow) -> [String]) {
        self.columns = columns
        self.cells = cells
    }

    public func table(_ rows: [ActionRow]) -> Table {
        Table(columns: columns, rows: rows.map(cells))
    }

    /// The same layout without one column (a section already headed by it).
    public func without(_ key: String) -> RowLayout {
        guard let index = columns.firstIndex(where: { $0.key == key }) else { return self }
        let cells = self.cells
        var kept = columns
        kept.remove(at: index)
        return RowLayout(columns: kept) { row in
            var all = cells(row)
            if index < all.count { all.remove(at: index) }
            return all
        }
    }

    static func date(_ date: CalendarDate?) -> String { date?.iso ?? "" }
    static func due(_ row: ActionRow) -> String { row.due?.iso ?? "no deadline" }
    static func flags(_ row: ActionRow, without: ActionFlag? = nil) -> String {
        // Joined in place, with no arrays between (a cell of every row of a national report).
        var text = ""
        for flag in row.flags where flag != without {
            if !text.isEmpty { text += " " }
            text += flag.rawValue
        }
        return text
    }

    /// `action list`: every action with its RAG, the owner's own RAG, and flags.
    /// On a narrow terminal: agency, flags, own RAG, partnership, status and % go first, in that order.
    public static let list = RowLayout(columns: [
        .init("id", alignRight: true), .init("partnership", drop: 3), .init("ref"), .init("title", wrap: true, minWidth: 24),
        .init("owner", wrap: true), .init("agency", wrap: true, drop: 6), .init("due"), .init("status", drop: 2),
        .init("%", alignRight: true, drop: 1), .init("rag", isRAG: true), .init("selfRag", title: "Own RAG", drop: 4),
        .init("flags", wrap: true, drop: 5),
    ]) { row in
        [String(row.id), row.partnership, row.ref, row.title, row.owner, row.agency, due(row), row.status.rawValue,
         String(row.percent), row.rag.rawValue, row.selfAssessment?.rawValue ?? "", flags(row)]
    }

    /// `report overdue`: days overdue, ageing, both deadlines, last update.
    public static let overdue = RowLayout(columns: [
        .init("id", alignRight: true), .init("partnership", drop: 1), .init("ref"), .init("title", wrap: true, minWidth: 24),
        .init("owner", wrap: true), .init("agency", wrap: true, drop: 6), .init("due"), .init("originalDue", drop: 4),
        .init("daysOverdue", alignRight: true), .init("ageing", drop: 3), .init("lastUpdate", drop: 2), .init("flags", wrap: true, drop: 5),
    ]) { row in
        [String(row.id), row.partnership, row.ref, row.title, row.owner, row.agency, due(row), date(row.originalDue),
         row.daysOverdue.map(String.init) ?? "", row.ageing?.rawValue ?? "", date(row.lastUpdate), flags(row, without: .overdue)]
    }

    /// `report due-soon`: what falls due next.
    public static let dueSoon = RowLayout(columns: [
        .init("id", alignRight: true), .init("partnership", drop: 1), .init("ref"), .init("title", wrap: true, minWidth: 24),
        .init("owner", wrap: true), .init("agency", wrap: true, drop: 5), .init("due"), .init("daysLeft", alignRight: true),
        .init("status", drop: 2), .init("%", alignRight: true), .init("lastUpdate", drop: 3), .init("flags", wrap: true, drop: 4),
    ]) { row in
        [String(row.id), row.partnership, row.ref, row.title, row.owner, row.agency, due(row),
         row.daysLeft.map(String.init) ?? "", row.status.rawValue, String(row.percent),
         date(row.lastUpdate), flags(row, without: .dueSoon)]
    }

    /// `report stale`: how long each open action has gone without an update.
    public static let stale = RowLayout(columns: [
        .init("id", alignRight: true), .init("partnership", drop: 1), .init("ref"), .init("title", wrap: true, minWidth: 24),
        .init("owner", wrap: true), .init("agency", wrap: true, drop: 5), .init("due", drop: 4), .init("status", drop: 3),
        .init("%", alignRight: true, drop: 2), .init("lastUpdate"), .init("daysSinceUpdate", title: "Days idle", alignRight: true),
        .init("rag", isRAG: true),
    ]) { row in
        [String(row.id), row.partnership, row.ref, row.title, row.owner, row.agency, due(row), row.status.rawValue,
         String(row.percent), row.lastUpdate?.iso ?? "never", String(row.daysSinceUpdate), row.rag.rawValue]
    }

    /// The overdue part of an owner's section of `report owners`: days overdue.
    public static let ownerOverdue = ownerSection("daysOverdue") { $0.daysOverdue }

    /// The due-soon and other open parts of an owner's section: days left to the deadline.
    public static let ownerOpen = ownerSection("daysLeft") { $0.daysLeft }

    /// An owner's section, the partnership and action named, with one column of days.
    static func ownerSection(_ daysKey: String, _ days: @escaping @Sendable (ActionRow) -> Int?) -> RowLayout {
        RowLayout(columns: [
            .init("id", alignRight: true), .init("partnership", drop: 3), .init("ref"), .init("title", wrap: true, minWidth: 24), .init("due"),
            .init(daysKey, alignRight: true), .init("status", drop: 2), .init("%", alignRight: true, drop: 1), .init("rag", isRAG: true),
        ]) { row in
            [String(row.id), row.partnership, row.ref, row.title, due(row), days(row).map(String.init) ?? "",
             row.status.rawValue, String(row.percent), row.rag.rawValue]
        }
    }

    /// `report owners --format csv`: one row per open action, owner first;
    /// `days` is days overdue in the overdue section, days left in the others.
    public static let ownerCSV = RowLayout(columns: [
        .init("owner"), .init("agency"), .init("section"), .init("id"), .init("partnership"), .init("ref"), .init("title"),
        .init("due"), .init("daysOverdue"), .init("daysLeft"), .init("status"), .init("percent"), .init("rag"),
    ]) { row in
        [row.owner, row.agency, OwnerDigest.section(of: row).rawValue, String(row.id), row.partnership, row.ref,
         row.title, due(row), row.daysOverdue.map(String.init) ?? "", row.daysLeft.map(String.init) ?? "",
         row.status.rawValue, String(row.percent), row.rag.rawValue]
    }
}
