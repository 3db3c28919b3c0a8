import ImprovementPlan
import Mustache
import PlanFormats

/// The words the HTML pages use for the domain's values.
enum HTMLWords {
    static func rag(_ rag: RAG) -> String { rag.rawValue }

    static func bucket(_ bucket: AgeingBucket) -> String {
        bucket == .over180 ? "over 180 days" : bucket.rawValue.replacingOccurrences(of: "-", with: "–") + " days"
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// "Mar 2024".
    static func month(_ date: CalendarDate) -> String { "\(months[date.month - 1]) \(date.year)" }

    static func milestone(_ m: LinkingMilestone) -> String {
        switch m.kind {
        case .published: return "Inspection report published"
        case .planSubmitted: return "Action plan submitted"
        case .planAgreed: return "Action plan agreed"
        case .planClosed: return "Action plan closed"
        case .review:
            switch m.reviewKind {
            case .meeting: return "Linking meeting"
            case .progressReview: return "Progress review"
            case .writtenReturn: return "Written return"
            case nil: return "Linking review"
            }
        }
    }

    static func plural(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }
}

/// A part of a report page: a heading, a table or a line of text, in the order the report prints them.
public enum HTMLBlock: Sendable, Equatable {
    case heading(String)
    case table(Table, empty: String)
    case text(String)
}

/// Renders planwatch's HTML pages from Mustache templates: every value
/// goes through the template's escaping (`{{...}}`), and the only markup
/// inserted as it is comes from the templates and the style sheet.
public enum HTMLPage {
    /// The templates, parsed once.
    static let library: Result<MustacheLibrary, Error> = Result {
        var library = MustacheLibrary()
        try library.register(text(PackageResources.page_mustache), named: "page")
        try library.register(text(PackageResources.dashboard_mustache), named: "dashboard")
        try library.register(text(PackageResources.tables_mustache), named: "tables")
        try library.register(text(PackageResources.ragbar_mustache), named: "ragbar")
        try library.register(text(PackageResources.actions_mustache), named: "actions")
        try library.register(text(PackageResources.app_mustache), named: "app")
        return library
    }

    static let css = text(PackageResources.style_css)

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// Text for a page: one line, control characters and escape sequences removed.
    static func clean(_ text: String) -> String { Sanitise.line(text) }

    static func render(_ object: [String: Any]) throws -> String {
        let library = try library.get()
        guard let page = library.render(object, withTemplate: "page") else { throw HTMLError.noTemplate("page") }
        return page
    }

    /// The dashboard: the overview table of its partnerships (unless `overview` is false), then a section each.
    public static func dashboard(_ dashboard: Dashboard, title: String, overview: Bool = true) throws -> String {
        let panels = dashboard.panels.enumerated().map { panelContext($1, index: $0, dashboard: dashboard) }
        let subtitle = "As of \(dashboard.asOf.iso) · \(HTMLWords.plural(dashboard.panels.count, "partnership"))"
        return try render(["title": clean(title), "subtitle": subtitle, "css": css, "asOf": dashboard.asOf.iso,
                           "dashboard": ["overview": overview && !dashboard.panels.isEmpty, "panels": panels,
                                         "none": dashboard.panels.isEmpty] as [String: Any]])
    }

    /// A report as a page: its headings, tables and lines in order.
    public static func report(title: String, blocks: [HTMLBlock]) throws -> String {
        var items: [[String: Any]] = []
        for block in blocks {
            switch block {
            case .heading(let text): items.append(["heading": clean(text)])
            case .text(let text): items.append(["text": clean(text)])
            case .table(let table, let empty): items.append(["table": tableContext(table, empty: empty)])
            }
        }
        return try render(["title": clean(title), "css": css, "tables": ["blocks": items]])
    }

    static func tableContext(_ table: Table, empty: String) -> [String: Any] {
        let columns = table.columns.map { ["title": clean($0.title), "right": $0.alignRight] as [String: Any] }
        let rows = table.rows.map { row in
            ["cells": table.columns.indices.map { i -> [String: Any] in
                let text = clean(i < row.count ? row[i] : "")
                let rag = table.columns[i].isRAG && RAG(rawValue: text) != nil
                return ["text": text, "right": table.columns[i].alignRight, "isRag": rag, "rag": rag ? text : ""]
            }] as [String: Any]
        }
        return ["columns": columns, "rows": rows, "empty": rows.isEmpty ? clean(empty) : false]
    }

    /// An anchor for a partnership's section: its key's letters and digits, and its place, so two never clash.
    static func anchor(_ key: String, index: Int) -> String {
        let safe = String(key.lowercased().unicodeScalars.filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }.prefix(40))
        return "p\(index + 1)-\(safe)"
    }

    static func actionRows(_ rows: [ActionRow]) -> [[String: Any]] {
        rows.map { r in
            ["ref": clean(r.ref), "title": clean(r.title), "owner": clean(r.owner), "agency": clean(r.agency),
             "due": r.due?.iso ?? "none", "daysOverdue": r.daysOverdue.map(String.init) ?? "",
             "lastUpdate": r.lastUpdate?.iso ?? "none", "rag": r.rag.rawValue, "percent": r.percent]
        }
    }

    static func panelContext(_ p: DashboardPanel, index: Int, dashboard: Dashboard) -> [String: Any] {
        let pr = p.progress
        var context: [String: Any] = [
            "key": clean(p.partnership.key), "name": clean(p.partnership.name), "anchor": anchor(p.partnership.key, index: index),
            "segments": Charts.ragSegments(pr), "ragWidth": Charts.n(Charts.ragWidth), "ragInner": Charts.n(Charts.ragWidth - 1),
            "red": pr.red, "amber": pr.amber, "green": pr.green, "complete": pr.complete, "withdrawn": pr.withdrawn,
            "actions": pr.actions, "percent": pr.percent, "overdue": pr.overdue, "slipped": pr.slipped, "noDeadline": pr.noDeadline,
            "plan": clean(pr.planStatus), "lastReview": pr.lastReview?.iso ?? "none",
            "nextReview": pr.nextReview.map { $0.iso + (pr.followUpOverdue ? " (overdue)" : "") } ?? "none",
            "followUpOverdue": pr.followUpOverdue,
            "confidence": pr.confidence?.rawValue ?? "not recorded", "escalation": pr.escalation?.rawValue ?? "none",
            "inspector": clean(p.inspector ?? "none assigned"),
            "ageing": Charts.ageing(p.ageing), "ageingTotal": p.overdue,
        ]
        if let i = p.inspection {
            context["inspection"] = ["key": clean(i.key), "title": clean(i.title), "published": i.published?.iso ?? "not recorded"] as [String: Any]
        }
        context["grades"] = p.evaluations.map { e in
            ["qi": clean(e.qi), "grade": e.grade.value, "label": e.grade.label, "weak": e.grade.isWeak,
             "width": Charts.n(Double(e.grade.value) * 30)] as [String: Any]
        }
        if let burnUp = Charts.burnUp(p.burnUp, total: pr.actions) { context["burnUp"] = burnUp }
        context["hasGrades"] = !p.evaluations.isEmpty
        context["hasMilestones"] = !p.milestones.isEmpty
        context["hasOutcomes"] = !p.outcomes.isEmpty
        context["redBlock"] = ["rows": actionRows(p.red), "none": p.red.isEmpty,
                               "more": pr.red > p.red.count ? "The first \(p.red.count) of \(pr.red) red actions, soonest deadline first; planwatch report overdue lists them all." : false] as [String: Any]
        context["amberBlock"] = ["rows": actionRows(p.amber), "none": p.amber.isEmpty,
                                 "more": pr.amber > p.amber.count ? "The first \(p.amber.count) of \(pr.amber) amber actions, soonest deadline first; planwatch follow lists them all." : false] as [String: Any]
        if let timeline = Charts.timeline(p.milestones, asOf: dashboard.asOf) { context["timeline"] = timeline }
        context["milestones"] = p.milestones.enumerated().map { i, m in
            ["number": i + 1, "date": m.date.iso, "what": HTMLWords.milestone(m), "kind": m.kind == .review ? "review" : "plan",
             "detail": clean(m.detail), "inspector": m.inspector.map(clean) ?? false,
             "confidence": m.confidence?.rawValue ?? false] as [String: Any]
        }
        context["outcomes"] = p.outcomes.map { row in
            var o: [String: Any] = [
                "measure": clean(row.measure), "name": clean(row.name), "unit": clean(row.unit),
                "trend": row.trend.rawValue, "trendWord": OutcomeWords.trend(row.trend, rule: row.rule),
                "direction": row.direction == .higher ? "higher is better" : "lower is better",
                "baseline": OutcomeWords.dated(row.baseline, unit: row.unit), "target": OutcomeWords.dated(row.target, unit: row.unit),
                "latest": OutcomeWords.dated(row.latest, unit: row.unit), "targetStatus": row.targetStatus.rawValue,
                "flags": row.flags.map(\.rawValue).joined(separator: ", "),
                "chart": Charts.outcome(row, planned: p.planned[row.measure] ?? []),
            ]
            if row.flags.isEmpty { o["flags"] = false }
            return o
        }
        return context
    }
}

/// A template that would not load: a fault of the build, not of the data.
enum HTMLError: Error, CustomStringConvertible {
    case noTemplate(String)
    var description: String {
        switch self {
        case .noTemplate(let name): return "the HTML template '\(name)' is missing from this build"
        }
    }
}
