import ImprovementPlan
import PlanFormats

/// Who is logged in, for the navigation bar of `planwatch serve`'s pages and the token its forms carry.
public struct WebNav: Sendable {
    public var user: String
    public var role: Role
    public var csrf: String

    public init(user: String, role: Role, csrf: String) { self.user = user; self.role = role; self.csrf = csrf }
}

/// The pages of `planwatch serve`: the dashboard's templates and style,
/// with a navigation bar and forms. No page has a script; every form posts
/// its session's CSRF token; every value is escaped by the template.
public enum WebPages {
    static let appCSS = HTMLPage.text(PackageResources.app_css)

    static func page(title: String, nav: WebNav?, flash: String?, problem: String?, _ app: [String: Any],
                     extra: [String: Any] = [:]) throws -> String {
        var object: [String: Any] = ["title": HTMLPage.clean(title), "css": HTMLPage.css, "appCSS": appCSS]
        if let nav {
            object["nav"] = ["user": HTMLPage.clean(nav.user), "role": nav.role.rawValue, "csrf": nav.csrf,
                             "inspector": nav.role == .inspector] as [String: Any]
        }
        var app = app
        app["flash"] = flash.map(HTMLPage.clean) ?? false
        app["problem"] = problem.map(HTMLPage.clean) ?? false
        object["app"] = app
        for (key, value) in extra { object[key] = value }
        return try HTMLPage.render(object)
    }

    /// A page saying what went wrong, in the one line the CLI would print.
    public static func error(nav: WebNav?, title: String, problem: String) throws -> String {
        try page(title: title, nav: nav, flash: nil, problem: problem, [:])
    }

    /// The login form; `problem` says why the last attempt failed.
    public static func login(csrf: String, user: String = "", problem: String? = nil, flash: String? = nil) throws -> String {
        try page(title: "planwatch: log in", nav: nil, flash: flash, problem: problem,
                 ["login": ["csrf": csrf, "user": HTMLPage.clean(user)] as [String: Any]])
    }

    /// The partnerships an account sees, one row each, with links to their pages.
    public static func overview(nav: WebNav, lines: [PartnershipProgress], pendingRequests: Int?, asOf: CalendarDate,
                                flash: String? = nil) throws -> String {
        let rows = lines.map { l -> [String: Any] in
            ["key": HTMLPage.clean(l.partnership), "name": HTMLPage.clean(l.name), "actions": l.actions, "red": l.red, "amber": l.amber,
             "green": l.green, "complete": l.complete, "overdue": l.overdue, "plan": HTMLPage.clean(l.planStatus),
             "nextReview": l.nextReview.map { $0.iso + (l.followUpOverdue ? " (overdue)" : "") } ?? "none"]
        }
        var overview: [String: Any] = ["rows": rows, "none": rows.isEmpty]
        if let pendingRequests { overview["queue"] = ["count": pendingRequests] }
        return try page(title: "planwatch: overview", nav: nav, flash: flash, problem: nil, ["overview": overview],
                        extra: ["subtitle": "As of \(asOf.iso)"])
    }

    /// The forms a partnership's page offers the account: a linking review (an inspector of it), a reading of one of its
    /// outcome measures and the upload of a return (an officer of it). Empty lists offer no form.
    public struct FollowForms: Sendable {
        public var partnership: String
        public var today: CalendarDate
        public var review: Bool
        public var measures: [OutcomeMeasure]
        public var inspections: [Inspection]
        /// Inspections whose plan is submitted and awaits agreement (an inspector of it may agree each).
        public var plansToAgree: [String]

        public init(partnership: String, today: CalendarDate, review: Bool = false, measures: [OutcomeMeasure] = [],
                    inspections: [Inspection] = [], plansToAgree: [String] = []) {
            self.partnership = partnership; self.today = today; self.review = review; self.measures = measures; self.inspections = inspections
            self.plansToAgree = plansToAgree
        }
    }

    /// A vocabulary's words as a select's options.
    static func options<V: Vocabulary>(_ type: V.Type) -> [[String: Any]] {
        V.allCases.map { ["value": $0.rawValue, "label": $0.rawValue.replacingOccurrences(of: "-", with: " ")] }
    }

    /// A partnership's follow page: its dashboard section, every action with a link to its page, then the forms its role offers.
    public static func follow(nav: WebNav, dashboard: Dashboard, actions: [ActionRow], forms: FollowForms? = nil, flash: String? = nil,
                              problem: String? = nil) throws -> String {
        let panels = dashboard.panels.enumerated().map { HTMLPage.panelContext($1, index: $0, dashboard: dashboard) }
        let rows = actions.map { r -> [String: Any] in
            ["id": r.id, "ref": HTMLPage.clean(r.ref), "title": HTMLPage.clean(r.title), "owner": HTMLPage.clean(r.owner),
             "status": r.status.rawValue, "due": r.due?.iso ?? "none", "rag": r.rag.rawValue]
        }
        var app: [String: Any] = ["actionList": ["rows": rows]]
        if let forms {
            let key = HTMLPage.clean(forms.partnership)
            var context: [String: Any] = ["key": key, "csrf": nav.csrf, "today": forms.today.iso]
            if forms.review {
                context["review"] = ["kinds": options(ReviewKind.self), "confidences": options(Confidence.self),
                                     "escalations": options(Escalation.self)] as [String: Any]
            }
            if !forms.measures.isEmpty {
                context["reading"] = ["measures": forms.measures.map { ["key": HTMLPage.clean($0.key), "name": HTMLPage.clean($0.name),
                                                                          "unit": HTMLPage.clean($0.unit)] }]
            }
            if !forms.plansToAgree.isEmpty {
                context["agree"] = ["plans": forms.plansToAgree.map { ["inspection": HTMLPage.clean($0)] }]
            }
            if !forms.inspections.isEmpty {
                context["upload"] = ["inspections": forms.inspections.map { ["key": HTMLPage.clean($0.key), "title": HTMLPage.clean($0.title)] }]
            }
            app["followForms"] = context
        }
        let title = dashboard.panels.first.map { "\($0.partnership.name) (\($0.partnership.key))" } ?? "Partnership"
        return try page(title: title, nav: nav, flash: flash, problem: problem, app,
                        extra: ["subtitle": "As of \(dashboard.asOf.iso)",
                                "dashboard": ["overview": false, "panels": panels, "none": panels.isEmpty] as [String: Any]])
    }

    /// A return read but not yet recorded: its change list, and the form that records it.
    public struct ReturnPreview: Sendable {
        public var partnership: String
        public var inspection: String
        public var date: CalendarDate
        public var fileName: String
        /// The change list, one line each, as `import --dry-run` prints it.
        public var lines: [String]
        public var summary: String
        /// The file, in base64, carried by the confirmation form so the server keeps nothing between the two requests.
        public var file: String
        /// The change list's digest: the confirmation records the return only if it would still make these changes.
        public var digest: String

        public init(partnership: String, inspection: String, date: CalendarDate, fileName: String, lines: [String], summary: String,
                    file: String, digest: String) {
            self.partnership = partnership; self.inspection = inspection; self.date = date; self.fileName = fileName
            self.lines = lines; self.summary = summary; self.file = file; self.digest = digest
        }
    }

    /// The change list of an uploaded return, with the button that records it (and a way back that records nothing).
    public static func returnPreview(nav: WebNav, _ p: ReturnPreview, problem: String? = nil) throws -> String {
        let context: [String: Any] = [
            "partnership": HTMLPage.clean(p.partnership), "inspection": HTMLPage.clean(p.inspection), "date": p.date.iso,
            "fileName": HTMLPage.clean(p.fileName), "lines": p.lines.map(HTMLPage.clean), "none": p.lines.isEmpty,
            "summary": HTMLPage.clean(p.summary), "file": p.file, "digest": p.digest, "csrf": nav.csrf,
        ]
        return try page(title: "Return for \(p.inspection): check the changes", nav: nav, flash: nil, problem: problem,
                        ["returnPreview": context])
    }

    /// What an action's page shows and offers.
    public struct ActionPage: Sendable {
        public var action: Action
        public var row: ActionRow
        public var updates: [ProgressUpdate]
        public var history: [HistoryEntry]
        public var pending: ExtensionRequest?
        /// Inspectors' sign-offs of its completions, oldest first.
        public var signOffs: [CompletionSignOff]
        /// The account may record updates and completions (an officer of its partnership, the action open).
        public var canProgress: Bool
        /// The account may request an extension (the same, with a deadline and no request open).
        public var canRequest: Bool

        public init(action: Action, row: ActionRow, updates: [ProgressUpdate], history: [HistoryEntry], pending: ExtensionRequest?,
                    signOffs: [CompletionSignOff] = [], canProgress: Bool, canRequest: Bool) {
            self.action = action; self.row = row; self.updates = updates; self.history = history; self.pending = pending
            self.signOffs = signOffs
            self.canProgress = canProgress; self.canRequest = canRequest
        }
    }

    /// An action: its facts, its forms, its updates and its history, each entry with who made it and whether through the server or the CLI.
    public static func action(nav: WebNav, _ p: ActionPage, flash: String? = nil, problem: String? = nil) throws -> String {
        let a = p.action
        var context: [String: Any] = [
            "id": a.id ?? 0, "partnership": HTMLPage.clean(p.row.partnership), "owner": HTMLPage.clean(a.owner), "agency": HTMLPage.clean(a.agency),
            "status": a.status.rawValue, "percent": a.percent, "due": a.due?.iso ?? "none", "originalDue": a.originalDue?.iso ?? "none",
            "rag": p.row.rag.rawValue, "measure": HTMLPage.clean(a.measure ?? "not recorded"), "csrf": nav.csrf,
            "canProgress": p.canProgress, "canRequest": p.canRequest, "noUpdates": p.updates.isEmpty,
        ]
        context["pending"] = p.pending.map { r -> [String: Any] in
            ["requestedBy": HTMLPage.clean(r.requestedBy), "to": r.to.iso, "reason": HTMLPage.clean(r.reason)]
        } ?? false
        context["signOffs"] = p.signOffs.map { s -> [String: Any] in
            ["decision": s.decision.rawValue, "completed": s.completed.iso, "by": HTMLPage.clean(s.decidedBy), "at": HTMLPage.clean(s.decidedAt),
             "note": s.note.map(HTMLPage.clean) ?? false]
        }
        context["updates"] = p.updates.map { u -> [String: Any] in
            ["date": u.date.iso, "author": HTMLPage.clean(u.author), "note": HTMLPage.clean(u.note), "status": u.status?.rawValue ?? false]
        }
        context["history"] = p.history.map { h -> [String: Any] in
            ["at": HTMLPage.clean(h.at), "actor": HTMLPage.clean(h.actor), "via": h.command.hasPrefix("serve ") ? "web" : "command line",
             "summary": HTMLPage.clean(h.summary)]
        }
        return try page(title: "\(a.qualifiedRef): \(a.title)", nav: nav, flash: flash, problem: problem, ["action": context])
    }

    /// An inspector's queue: requested extensions awaiting a decision, with the forms to agree or refuse each.
    public static func queue(nav: WebNav, _ items: [PendingExtension], completions: [ActionRow] = [], reviewsDue: [LinkingRow] = [],
                             flash: String? = nil, problem: String? = nil) throws -> String {
        let rows = items.map { i -> [String: Any] in
            let r = i.request
            return ["id": r.id, "action": r.action, "reference": HTMLPage.clean(i.reference), "title": HTMLPage.clean(i.title),
                    "partnership": HTMLPage.clean(i.partnership), "owner": HTMLPage.clean(i.owner ?? "none"),
                    "requestedBy": HTMLPage.clean(r.requestedBy), "requestedAt": HTMLPage.clean(r.requestedAt),
                    "from": r.from.iso, "to": r.to.iso, "reason": HTMLPage.clean(r.reason), "csrf": nav.csrf]
        }
        let done = completions.map { r -> [String: Any] in
            ["id": r.id, "reference": HTMLPage.clean(r.inspection + "/" + r.ref), "title": HTMLPage.clean(r.title),
             "partnership": HTMLPage.clean(r.partnership), "owner": HTMLPage.clean(r.owner), "lastUpdate": r.lastUpdate?.iso ?? "none",
             "csrf": nav.csrf, "canDecide": nav.role == .inspector]
        }
        let reviews = reviewsDue.map { r -> [String: Any] in
            ["key": HTMLPage.clean(r.partnership), "name": HTMLPage.clean(r.name), "next": r.nextReview?.iso ?? "none set",
             "overdue": r.followUpOverdue, "last": r.lastReview?.iso ?? "none"]
        }
        return try page(title: "Awaiting a decision", nav: nav, flash: flash, problem: problem,
                        ["queue": ["items": rows, "none": rows.isEmpty, "completions": done, "noCompletions": done.isEmpty,
                                   "reviews": reviews, "noReviews": reviews.isEmpty] as [String: Any]])
    }
}
