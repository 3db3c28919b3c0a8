import GRDB
import ImprovementPlan

/// The report queries. Each selects its candidate rows in SQL (with the
/// indexes on status and current deadline) and streams them through the
/// domain's classification, which has the final word on every rule.
extension PlanStore {

    /// Overdue actions, grouped by partnership, most overdue first within each.
    public func forEachOverdue(_ filter: ActionFilter, asOf: CalendarDate, thresholds: Thresholds = .standard,
                               _ body: (ActionRow) throws -> Void) throws {
        try forEachActionRow(filter, asOf: asOf, thresholds: thresholds, ReportQuery.overdue, extraArguments: [asOf]) { row in
            if row.has(.overdue) { try body(row) }
        }
    }

    /// Open actions due between `asOf` and `asOf + thresholds.dueSoonDays`, soonest first.
    public func forEachDueSoon(_ filter: ActionFilter, asOf: CalendarDate, thresholds: Thresholds = .standard,
                               _ body: (ActionRow) throws -> Void) throws {
        try forEachActionRow(filter, asOf: asOf, thresholds: thresholds, ReportQuery.dueSoon,
                             extraArguments: [asOf, asOf.adding(days: thresholds.dueSoonDays)]) { row in
            if row.has(.dueSoon) { try body(row) }
        }
    }

    /// Open actions with no update for more than `thresholds.staleDays` days, longest idle first.
    public func forEachStale(_ filter: ActionFilter, asOf: CalendarDate, thresholds: Thresholds = .standard,
                             _ body: (ActionRow) throws -> Void) throws {
        let cutoff = asOf.adding(days: -thresholds.staleDays)
        try forEachActionRow(filter, asOf: asOf, thresholds: thresholds, ReportQuery.stale, extraArguments: [cutoff]) { row in
            if row.has(.stale) { try body(row) }
        }
    }

    /// The latest inspection of a partnership published by `asOf` (or not
    /// dated): the most recently published, then by key; with its escalation
    /// and confidence as they stood on `asOf`.
    static func latestInspection(_ db: any SQLConnection, partnership: String, asOf: CalendarDate) throws -> Inspection? {
        try db.row(sql: Select.inspection + """
             WHERE p.key = ? AND (i.published IS NULL OR i.published <= ?)
             ORDER BY i.published IS NULL, i.published DESC, i.key DESC LIMIT 1
            """, arguments: [partnership, asOf]).map { try inspection(db, try Inspection(row: $0), asOf: asOf) }
    }

    /// The latest inspection by `asOf` (as `latestInspection`), its grades, and its plan as it stood then.
    static func latestInspectionFacts(_ db: any SQLConnection, partnership: String, asOf: CalendarDate) throws
        -> (inspection: Inspection?, evaluations: [Evaluation], plan: ActionPlan?) {
        let inspection = try latestInspection(db, partnership: partnership, asOf: asOf)
        let evaluations = try inspection.map { i in
            try db.rows(sql: Select.evaluation + " WHERE i.key = ? ORDER BY q.code IS NULL, q.code, q.name",
                        arguments: [i.key]).map(Evaluation.init(row:))
        } ?? []
        return (inspection, evaluations, try inspection.flatMap { try plan(db, inspection: $0.key, asOf: asOf) })
    }

    /// An inspection's escalation and confidence as they stood at the end of `asOf`.
    static func inspection(_ db: any SQLConnection, _ present: Inspection, asOf: CalendarDate) throws -> Inspection {
        let later = try db.rows(sql: Select.inspectionChange + " WHERE i.key = ? AND c.on_date > ? ORDER BY c.on_date",
                                arguments: [present.key, asOf]).map(InspectionChange.init(row:))
        return History.inspection(present, laterChanges: later)
    }

    /// An inspection's plan as it stood at the end of `asOf`.
    static func plan(_ db: any SQLConnection, inspection: String, asOf: CalendarDate) throws -> ActionPlan? {
        try Lookup.plan(db, inspection: inspection).map { History.plan($0, asOf: asOf) }
    }

    /// The latest linking review on or before `asOf`.
    static func lastReview(_ db: any SQLConnection, partnership: String, asOf: CalendarDate) throws -> LinkingReview? {
        try db.row(sql: Select.review + " WHERE p.key = ? AND r.on_date <= ? ORDER BY r.on_date DESC, r.id DESC LIMIT 1",
                         arguments: [partnership, asOf]).map(LinkingReview.init(row:))
    }

    /// The link inspector assigned on `asOf`, and since when.
    static func linkInspector(_ db: any SQLConnection, partnership: String, asOf: CalendarDate) throws -> LinkAssignment? {
        try db.row(sql: Select.link + """
             WHERE p.key = ? AND l.from_date <= ? AND (l.to_date IS NULL OR l.to_date >= ?) ORDER BY l.from_date DESC LIMIT 1
            """, arguments: [partnership, asOf, asOf]).map(LinkAssignment.init(row:))
    }

    /// The partnerships a report covers: one when the filter names it, else all.
    func reportPartnerships(_ db: any SQLConnection, _ filter: ActionFilter) throws -> [Partnership] {
        _ = try resolve(db, filter)
        var sql = Select.partnership
        var arguments: SQLArguments = []
        if let key = filter.partnership {
            sql += " WHERE p.key = ?"; arguments += [key]
        } else if let inspection = filter.inspection {
            sql += " WHERE p.id = (SELECT partnership_id FROM inspection WHERE key = ?)"; arguments += [inspection]
        }
        return try db.rows(sql: sql + " ORDER BY p.key", arguments: arguments).map(Partnership.init(row:))
    }

    /// One line per partnership, counted from every action the filter selects.
    /// `each` sees every row counted, so a caller can list some of them in the same pass.
    public func progressReport(_ filter: ActionFilter, asOf: CalendarDate, thresholds: Thresholds = .standard,
                               each: ((ActionRow) -> Void)? = nil) throws -> [PartnershipProgress] {
        var lines: [String: PartnershipProgress] = [:]
        let partnerships = try read { db in
            let partnerships = try reportPartnerships(db, filter)
            for p in partnerships {
                let inspection = try filter.inspection.map { key in
                    try db.row(sql: Select.inspection + " WHERE i.key = ?", arguments: [key])
                        .map { try PlanStore.inspection(db, try Inspection(row: $0), asOf: asOf) }
                } ?? PlanStore.latestInspection(db, partnership: p.key, asOf: asOf)
                let plan = try inspection.flatMap { try PlanStore.plan(db, inspection: $0.key, asOf: asOf) }
                let review = try PlanStore.lastReview(db, partnership: p.key, asOf: asOf)
                lines[p.key] = PartnershipProgress(partnership: p.key, name: p.name, inspection: inspection, plan: plan,
                                                   lastReview: review?.date, nextReview: review?.next, asOf: asOf)
            }
            return partnerships
        }
        // The rows come a partnership at a time: its line is counted in place and put back when the next begins,
        // rather than looked up by its key for every row (a national report reads a million).
        var current: (key: String, line: PartnershipProgress?)?
        try forEachActionRow(filter, asOf: asOf, thresholds: thresholds, ReportQuery.all) { row in
            if current?.key != row.partnership {
                if let done = current { lines[done.key] = done.line }
                current = (row.partnership, lines[row.partnership])
            }
            current?.line?.add(row)
            each?(row)
        }
        if let done = current { lines[done.key] = done.line }
        // Measures belong to the partnership, whatever the actions' filter.
        for outcome in try outcomeRows(partnership: filter.partnership, asOf: asOf) {
            if outcome.flags.contains(.staleData) { lines[outcome.partnership]?.measuresNoData += 1 }
            else if outcome.trend == .improving { lines[outcome.partnership]?.measuresImproving += 1 }
            else if outcome.trend == .worsening { lines[outcome.partnership]?.measuresWorsening += 1 }
        }
        return partnerships.compactMap { lines[$0.key] }
    }

    /// Per owner and agency: everything open they hold, as overdue, due soon
    /// and the rest, soonest deadline first.
    public func ownerDigests(_ filter: ActionFilter, asOf: CalendarDate, thresholds: Thresholds = .standard) throws -> [OwnerDigest] {
        var digests: [OwnerDigest] = []
        try forEachOwnerDigest(filter, asOf: asOf, thresholds: thresholds) { digests.append($0) }
        return digests
    }

    /// The same digests one at a time, in order, each handed over once it
    /// is whole: the rows come in owner order, so only one owner's are held
    /// (at national scale every open action is in some digest).
    public func forEachOwnerDigest(_ filter: ActionFilter, asOf: CalendarDate, thresholds: Thresholds = .standard,
                                   _ body: (OwnerDigest) throws -> Void) throws {
        var current: (digest: OwnerDigest, owner: String, agency: String)?
        try forEachActionRow(filter, asOf: asOf, thresholds: thresholds, ReportQuery.owners) { row in
            let owner = row.owner.lowercased(), agency = row.agency.lowercased()
            if let held = current, held.owner == owner, held.agency == agency {
                current?.digest.add(row)
                return
            }
            if let held = current { try body(held.digest) }
            var digest = OwnerDigest(owner: row.owner, agency: row.agency)
            digest.add(row)
            current = (digest, owner, agency)
        }
        if let held = current { try body(held.digest) }
    }

    /// Per partnership: link inspector, last and next review, late plans, escalation.
    public func linkingReport(_ filter: ActionFilter, asOf: CalendarDate, thresholds: Thresholds = .standard) throws -> [LinkingRow] {
        var reds: [String: Int] = [:]
        try forEachOverdue(filter, asOf: asOf, thresholds: thresholds) { reds[$0.partnership, default: 0] += 1 }
        return try read { db in
            try reportPartnerships(db, filter).map { p in
                let link = try PlanStore.linkInspector(db, partnership: p.key, asOf: asOf)
                let review = try PlanStore.lastReview(db, partnership: p.key, asOf: asOf)
                let inspections = try db.rows(sql: Select.inspection + """
                     WHERE p.key = ? AND (i.published IS NULL OR i.published <= ?) ORDER BY i.key
                    """, arguments: [p.key, asOf]).map(Inspection.init(row:))
                var late: [String] = []
                for inspection in inspections {
                    let plan = try PlanStore.plan(db, inspection: inspection.key, asOf: asOf)
                    if Rules.isPlanLate(due: inspection.planDue, submitted: plan?.submitted, asOf: asOf) { late.append(inspection.key) }
                }
                let latest = try PlanStore.latestInspection(db, partnership: p.key, asOf: asOf)
                return LinkingRow(partnership: p.key, name: p.name, inspector: link?.inspector, inspectorSince: link?.from,
                                  lastReview: review, nextReview: review?.next, latePlans: late,
                                  confidence: review?.confidence ?? latest?.confidence, escalation: latest?.escalation,
                                  red: reds[p.key] ?? 0, asOf: asOf, thresholds: thresholds)
            }
        }
    }

    /// Every spelling of an owner's name in the plans (or one partnership's),
    /// with its count of actions and of open ones; spellings of one owner
    /// (`Rules.ownerKey`) side by side, to be merged.
    public func ownerSpellings(partnership: String? = nil) throws -> [OwnerSpelling] {
        try read { db in
            if let partnership { _ = try Lookup.partnershipID(db, partnership) }
            let rows = try db.rows(sql: """
                SELECT a.owner, count(*) AS actions, count(*) FILTER (WHERE a.status IN ('not-started', 'in-progress')) AS open
                FROM action a JOIN inspection i ON i.id = a.inspection_id JOIN partnership p ON p.id = i.partnership_id
                WHERE ? IS NULL OR p.key = ? GROUP BY a.owner
                """, arguments: [partnership, partnership])
            return Rules.ownerSpellings(try rows.map { row in
                OwnerSpelling(owner: try row.required("owner"), actions: row["actions"] ?? 0, open: row["open"] ?? 0)
            })
        }
    }

    /// A partnership's story: latest inspection, plan, actions by RAG, timeline and what is due next.
    /// Without `timeline`, the view's timeline is left empty: a caller that
    /// prints it streams it with `readTimeline(of:since:_:)` instead.
    public func follow(partnership key: String, asOf: CalendarDate, since: CalendarDate?, thresholds: Thresholds = .standard,
                       dueNextLimit: Int = 5, timeline withTimeline: Bool = true) throws -> FollowView<TimelineEntry> {
        let filter = ActionFilter(partnership: key)
        // One pass over the partnership's actions: the counts, and the lists of open actions.
        var open: [ActionRow] = []
        guard let progress = try progressReport(filter, asOf: asOf, thresholds: thresholds, each: { row in
            if row.status.isOpen { open.append(row) }
        }).first else {
            throw PlanError.notFound(entity: "partnership", key: key)
        }
        // Soonest deadline first, those without one last.
        func order(_ row: ActionRow) -> (Int, Int, Int64) { (row.due == nil ? 1 : 0, row.due?.dayNumber ?? 0, row.id) }
        // Each key worked out once (a partnership holds tens of thousands of open actions at national scale).
        let keys = open.map(order)
        open = open.indices.sorted { keys[$0] < keys[$1] }.map { open[$0] }
        let red = open.filter { $0.rag == .red }
        let amber = open.filter { $0.rag == .amber }
        let dueNext = Array(open.filter { $0.due.map { $0 >= asOf } ?? false }.prefix(dueNextLimit))
        let outcomes = try outcomeRows(partnership: key, asOf: asOf)
        return try read { db in
            let partnership = try Partnership(row: try db.row(sql: Select.partnership + " WHERE p.key = ?", arguments: [key])
                                              ?? { throw try Lookup.unknown(db, "partnership", key) }())
            let (inspection, evaluations, plan) = try PlanStore.latestInspectionFacts(db, partnership: key, asOf: asOf)
            let timeline = withTimeline ? try PlanStore.timeline(db, partnership: key, from: since ?? inspection?.published, to: asOf,
                                                                 inspection: inspection, plan: plan) : []
            return FollowView(asOf: asOf, partnership: partnership,
                              inspector: try PlanStore.linkInspector(db, partnership: key, asOf: asOf)?.inspector,
                              inspection: inspection, evaluations: evaluations, plan: plan, progress: progress, red: red,
                              amber: amber, timeline: timeline, dueNext: dueNext, outcomes: outcomes)
        }
    }

    /// A follow view's timeline (from `since`, else its inspection's
    /// publication, to its as-of day), streamed: `use` is given a `forEach`
    /// it may run as many times as it needs (to measure, then to print), each
    /// in the same order, all within one read of the database.
    public func readTimeline(of view: FollowView<TimelineEntry>, since: CalendarDate?,
                             _ use: (_ forEach: ((TimelineEntry) throws -> Void) throws -> Void) throws -> Void) throws {
        try read { db in
            try use { body in
                try PlanStore.forEachTimelineEntry(db, partnership: view.partnership.key, from: since ?? view.inspection?.published,
                                                   to: view.asOf, inspection: view.inspection, plan: view.plan, body)
            }
        }
    }

    /// Dated events of one partnership between two days (both included), in memory.
    static func timeline(_ db: any SQLConnection, partnership: String, from: CalendarDate?, to: CalendarDate,
                         inspection: Inspection?, plan: ActionPlan?) throws -> [TimelineEntry] {
        var entries: [TimelineEntry] = []
        try forEachTimelineEntry(db, partnership: partnership, from: from, to: to, inspection: inspection, plan: plan) { entries.append($0) }
        return entries
    }

    /// The order of kinds on one day of a timeline.
    static let timelineOrder: [TimelineEntry.Kind] = [.published, .planSubmitted, .planAgreed, .review, .inspectionChange, .extension,
                                                      .update, .signOff, .planClosed]

    /// Dated events of one partnership between two days (both included), in
    /// order: by day, then by kind (`timelineOrder`), then as recorded. The
    /// many (progress updates and extensions: tens of thousands a partnership
    /// at national scale) stream from their queries, merged with the few
    /// (plan and inspection events, reviews, sign-offs), so the timeline is
    /// never held whole.
    static func forEachTimelineEntry(_ db: any SQLConnection, partnership: String, from: CalendarDate?, to: CalendarDate,
                                     inspection: Inspection?, plan: ActionPlan?, _ body: (TimelineEntry) throws -> Void) throws {
        let lower = from ?? CalendarDate(dayNumber: -719_162)  // 0001-01-01
        func inRange(_ date: CalendarDate?) -> Bool { date.map { $0 >= lower && $0 <= to } ?? false }
        var few: [TimelineEntry] = []
        if let inspection, let published = inspection.published, inRange(published) {
            few.append(TimelineEntry(date: published, event: .published(inspection: inspection.key)))
        }
        if let plan, let inspection {
            if let submitted = plan.submitted, inRange(submitted) {
                few.append(TimelineEntry(date: submitted, event: .planSubmitted(inspection: inspection.key)))
            }
            if let agreed = plan.agreed, inRange(agreed) {
                few.append(TimelineEntry(date: agreed, event: .planAgreed(inspection: inspection.key, by: plan.agreedBy)))
            }
            if let closed = plan.closed, inRange(closed) {
                few.append(TimelineEntry(date: closed, event: .planClosed(inspection: inspection.key)))
            }
        }
        if let inspection {
            let changes = try db.rows(sql: Select.inspectionChange + " WHERE i.key = ? AND c.on_date BETWEEN ? AND ? ORDER BY c.on_date",
                                      arguments: [inspection.key, lower, to]).map(InspectionChange.init(row:))
            for c in changes { few.append(TimelineEntry(date: c.date, event: .inspectionChange(c))) }
        }
        let reviews = try db.rows(sql: Select.review + " WHERE p.key = ? AND r.on_date BETWEEN ? AND ? ORDER BY r.on_date, r.id",
                                       arguments: [partnership, lower, to]).map(LinkingReview.init(row:))
        for r in reviews { few.append(TimelineEntry(date: r.date, event: .review(r))) }
        // Sign-offs, dated the UTC day they were made.
        let signOffs = try db.rows(sql: Select.signOff + """
             JOIN action a ON a.id = s.action_id JOIN inspection i ON i.id = a.inspection_id JOIN partnership p ON p.id = i.partnership_id
             WHERE p.key = ? AND substr(s.decided_at, 1, 10) BETWEEN ? AND ? ORDER BY s.id
            """, arguments: [partnership, lower, to])
        for row in signOffs {
            let s = try CompletionSignOff(row: row)
            let reference = try db.one(String.self, sql: "SELECT i.key || '/' || a.ref FROM action a JOIN inspection i ON i.id = a.inspection_id WHERE a.id = ?",
                                       arguments: [s.action]) ?? String(s.action)
            if let day = CalendarDate(iso: String(s.decidedAt.prefix(10))) { few.append(TimelineEntry(date: day, event: .signOff(action: reference, s))) }
        }
        func rank(_ entry: TimelineEntry) -> (CalendarDate, Int) { (entry.date, timelineOrder.firstIndex(of: entry.kind) ?? 0) }
        few = few.enumerated().sorted { a, b in
            let ra = rank(a.element), rb = rank(b.element)
            return ra != rb ? ra < rb : a.offset < b.offset
        }.map(\.element)
        // Each stream is in timeline order on its own (by day; one kind each), so a merge of the three is the whole in order.
        let updates = try db.positional(sql: Select.update + """
             JOIN partnership p ON p.id = i.partnership_id WHERE p.key = ? AND u.on_date BETWEEN ? AND ? ORDER BY u.on_date, u.id
            """, arguments: [partnership, lower, to])
        let extensions = try db.positional(sql: Select.extensionRow + """
             JOIN partnership p ON p.id = i.partnership_id WHERE p.key = ? AND x.recorded_on BETWEEN ? AND ? ORDER BY x.recorded_on, x.id
            """, arguments: [partnership, lower, to])
        // Left mid-way when `body` throws: reset, so the cached statements hold nothing open.
        defer { updates.reset(); extensions.reset() }
        func nextUpdate() throws -> TimelineEntry? {
            guard try updates.step() else { return nil }
            let u = try ProgressUpdate(updates)
            return TimelineEntry(date: u.date, event: .update(u))
        }
        func nextExtension() throws -> TimelineEntry? {
            guard try extensions.step() else { return nil }
            let x = try DeadlineExtension(extensions)
            return TimelineEntry(date: x.recorded, event: .extension(x))
        }
        // Each head's rank worked out once, as it is read; entries are handed on, never copied to compare
        // (a partnership's timeline holds tens of thousands of updates at national scale).
        let fewRanks = few.map(rank)
        let updateKind = timelineOrder.firstIndex(of: .update) ?? 0, extensionKind = timelineOrder.firstIndex(of: .extension) ?? 0
        var fewIndex = 0
        var update = try nextUpdate(), ext = try nextExtension()
        while true {
            // The least rank first; on a tie the few, then extensions, then updates (a later source must be strictly less).
            var source = -1
            var best: (CalendarDate, Int)?
            if fewIndex < fewRanks.count { source = 0; best = fewRanks[fewIndex] }
            if let date = ext?.date, best.map({ (date, extensionKind) < $0 }) ?? true { source = 1; best = (date, extensionKind) }
            if let date = update?.date, best.map({ (date, updateKind) < $0 }) ?? true { source = 2; best = (date, updateKind) }
            switch source {
            case 0:
                try body(few[fewIndex])
                fewIndex += 1
            case 1:
                if let entry = ext { try body(entry) }
                ext = try nextExtension()
            case 2:
                if let entry = update { try body(entry) }
                update = try nextUpdate()
            default:
                return
            }
        }
    }
}

/// The candidate rows of each report: a condition added to the action
/// filter's, and an order. Named here so `QueryPlanTests` can check each
/// against SQLite's query plan (an index search, never a scan of every action).
struct ReportQuery: Sendable {
    let condition: String
    let orderBy: String
    /// Whether the statement walks the partnerships in key order and each
    /// one's actions from the open-actions index (`ActionRowReader.Column.byPartnership`).
    var byPartnership = false
    /// As of a past day the SQL condition, which reads the present, cannot
    /// choose the rows: every action recorded by then is read, and these say
    /// which the report keeps and in what order (nil: the SQL order of `all`).
    let keep: @Sendable (ActionRow) -> Bool
    let inOrder: (@Sendable (ActionRow, ActionRow) -> Bool)?

    static let open = " AND a.status IN ('not-started', 'in-progress')"

    /// Every action of the filter (progress, action list).
    static let all = ReportQuery(condition: "", orderBy: "p.key, i.key, a.id", keep: { _ in true }, inOrder: nil)
    /// Overdue: partnership by partnership in key order, each one's open
    /// actions past their deadline read in deadline order from the index
    /// `action_open_partnership_due`, so SQLite sorts nothing.
    static let overdue = ReportQuery(condition: open + " AND a.current_due < ?", orderBy: "p.key, a.current_due, a.id",
                                     byPartnership: true,
                                     keep: { $0.has(.overdue) },
                                     inOrder: { ($0.partnership, $0.due?.dayNumber ?? 0, $0.id) < ($1.partnership, $1.due?.dayNumber ?? 0, $1.id) })
    static let dueSoon = ReportQuery(condition: open + " AND a.current_due BETWEEN ? AND ?", orderBy: "a.current_due, p.key, a.id",
                                     keep: { $0.has(.dueSoon) },
                                     inOrder: { ($0.due?.dayNumber ?? 0, $0.partnership, $0.id) < ($1.due?.dayNumber ?? 0, $1.partnership, $1.id) })
    static let stale = ReportQuery(condition: open + """
         AND max(a.created_on, coalesce(a.last_update_on, a.created_on)) < ?
        """, orderBy: "max(a.created_on, coalesce(a.last_update_on, a.created_on)), p.key, a.id",
        keep: { $0.has(.stale) },
        inOrder: { (-$0.daysSinceUpdate, $0.partnership, $0.id) < (-$1.daysSinceUpdate, $1.partnership, $1.id) })
    /// Every open action, by owner and agency (case-blind), soonest deadline first, for the owners' digest.
    static let owners = ReportQuery(condition: open,
                                    orderBy: "a.owner COLLATE NOCASE, a.lead_agency COLLATE NOCASE, a.current_due IS NULL, a.current_due, a.id",
                                    keep: { $0.status.isOpen },
                                    inOrder: { a, b in
        let ka = (a.owner.lowercased(), a.agency.lowercased()), kb = (b.owner.lowercased(), b.agency.lowercased())
        if ka != kb { return ka < kb }
        return (a.due == nil ? 1 : 0, a.due?.dayNumber ?? 0, a.id) < (b.due == nil ? 1 : 0, b.due?.dayNumber ?? 0, b.id)
    })

    /// The whole statement for `filter`, with the filter's arguments (the
    /// condition's own come after them).
    func sql(_ filter: ActionFilter) -> (sql: String, arguments: SQLArguments) {
        let (clause, arguments) = filter.sql()
        let select = byPartnership
            ? ActionRowReader.reportColumnsByPartnership + " WHERE " + ActionRowReader.Column.partnershipJoin
            : ActionRowReader.reportColumns + " WHERE true"
        return (select + clause + condition + " ORDER BY " + orderBy, arguments)
    }

    /// The statement as of the past day `asOf`: the filter's clause but its
    /// status (which is the status then, decided in Swift).
    static func pastSQL(_ filter: ActionFilter, asOf: CalendarDate) -> (sql: String, arguments: SQLArguments) {
        var present = filter
        present.status = nil
        let (clause, arguments) = present.sql()
        return (ActionRowReader.pastColumns + clause + " ORDER BY p.key, i.key, a.id", [asOf] + arguments)
    }
}
