import Foundation
import Hummingbird
import ImprovementPlan
import PlanFormats
import PlanHTML
import PlanStore

/// The web pages: log in and out, the overview, a partnership's follow page,
/// an action's page with its forms, an inspector's queue of requested
/// extensions. Server-rendered, without scripts; sessions by cookie; every
/// form carries its session's CSRF token; every write is the store's own,
/// audited with the logged-in account as actor.
struct WebController: Sendable {
    let store: PlanStore
    let throttle: LoginThrottle
    let secureCookies: Bool

    static let sessionCookie = "planwatch_session"
    /// Before a session exists, the login form's token is checked against this cookie (double submit).
    static let loginCookie = "planwatch_login"

    func register(on router: Router<PlanRequestContext>) {
        let web = router.group()
        web.add(middleware: WebProblemMiddleware())
        web.get("login", use: loginPage)
        web.post("login", use: login)
        let pages = web.group()
        pages.add(middleware: SessionMiddleware(store: store))
        pages.post("logout", use: logout)
        pages.get("/", use: overview)
        pages.get("partnerships/:key", use: follow)
        pages.get("actions/:id", use: actionPage)
        pages.post("actions/:id/update", use: postUpdate)
        pages.post("actions/:id/complete", use: postCompletion)
        pages.post("actions/:id/extension", use: postExtension)
        pages.get("queue", use: queue)
        pages.post("extension-requests/:id/decide", use: postDecision)
        pages.post("actions/:id/sign-off", use: postSignOff)
        pages.post("partnerships/:key/reviews", use: postReview)
        pages.post("partnerships/:key/plan-agreement", use: postPlanAgreement)
        pages.post("partnerships/:key/readings", use: postReading)
        pages.post("partnerships/:key/returns", use: postReturn)
        pages.post("partnerships/:key/returns/confirm", use: confirmReturn)
    }

    // MARK: Logging in

    func secure(_ request: Request) -> Bool { secureCookies || request.headers[.init("X-Forwarded-Proto")!] == "https" }

    func cookie(_ name: String, _ value: String, maxAge: Int, request: Request) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secure(request), httpOnly: true, sameSite: .strict)
    }

    @Sendable func loginPage(_ request: Request, context: PlanRequestContext) async throws -> Response {
        try loginResponse(request, status: .ok, user: "", problem: nil,
                          flash: request.uri.queryParameters.get("out") != nil ? "You are logged out." : nil)
    }

    func loginResponse(_ request: Request, status: HTTPResponse.Status, user: String, problem: String?, flash: String?) throws -> Response {
        let token = request.cookies[WebController.loginCookie]?.value ?? WebForm.randomToken()
        var response = HTMLResponse.make(try WebPages.login(csrf: token, user: user, problem: problem, flash: flash), status: status)
        response.setCookie(cookie(WebController.loginCookie, token, maxAge: 3600, request: request))
        return response
    }

    @Sendable func login(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let user = form["user"]?.trimmingCharacters(in: .whitespaces) ?? ""
        guard let expected = request.cookies[WebController.loginCookie]?.value, WebForm.same(form["csrf"], expected) else {
            return try loginResponse(request, status: .forbidden, user: user, problem: Problem.csrf.detail, flash: nil)
        }
        let password = form["password"] ?? ""
        if let wait = await throttle.refusal(for: user) {
            return try loginResponse(request, status: .tooManyRequests, user: user,
                                     problem: "too many failed log-ins for this account: try again in \(wait) minute\(wait == 1 ? "" : "s")", flash: nil)
        }
        guard let account = try await blocking({ [store] in try store.authenticate(user: user, password: password) }) else {
            await throttle.failed(user)
            return try loginResponse(request, status: .unauthorized, user: user, problem: "user name or password not recognised", flash: nil)
        }
        await throttle.succeeded(user)
        let (secret, _) = try await blocking { [store] in try store.startSession(user: account.name) }
        context.logger.info("logged in", metadata: ["user": .string(account.name)])
        var response = Response.redirect(to: "/")
        response.setCookie(cookie(WebController.sessionCookie, secret, maxAge: Int(PlanStore.sessionLifetime), request: request))
        response.setCookie(cookie(WebController.loginCookie, "", maxAge: 0, request: request))
        return response
    }

    @Sendable func logout(_ request: Request, context: PlanRequestContext) async throws -> Response {
        _ = try await checkedForm(request, context)
        if let secret = request.cookies[WebController.sessionCookie]?.value {
            try await blocking { [store] in try store.endSession(secret: secret) }
        }
        var response = Response.redirect(to: "/login?out=1")
        response.setCookie(cookie(WebController.sessionCookie, "", maxAge: 0, request: request))
        return response
    }

    // MARK: Pages

    func nav(_ context: PlanRequestContext) throws -> WebNav {
        let user = try context.requireUser()
        return WebNav(user: user.name, role: user.role, csrf: context.csrf ?? "")
    }

    /// The form of a POST, once its CSRF token is the session's.
    func checkedForm(_ request: Request, _ context: PlanRequestContext, limit: Int = 64 << 10) async throws -> WebForm {
        let form = try await WebForm.read(request, context: context, limit: limit)
        guard let expected = context.csrf, WebForm.same(form["csrf"], expected) else { throw Problem.csrf }
        return form
    }

    @Sendable func overview(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let today = CalendarDate.today()
        let visible = user.readablePartnerships
        let (lines, pending) = try await blocking { [store] in
            let lines = try store.progressReport(ActionFilter(), asOf: today).filter { visible?.contains($0.partnership) ?? true }
            let pending = user.role == .inspector ? try store.extensionRequests(partnerships: visible).count : nil
            return (lines, pending)
        }
        return HTMLResponse.make(try WebPages.overview(nav: try nav(context), lines: lines, pendingRequests: pending, asOf: today,
                                                       flash: WebController.flash(request)))
    }

    @Sendable func follow(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let key = try context.parameters.require("key")
        let user = try context.require(.read, on: key, entity: "partnership", key: key)
        return try await followResponse(context, user: user, key: key, flash: WebController.flash(request))
    }

    /// A partnership's page: its dashboard section, its actions, and the forms the account's role offers there.
    func followResponse(_ context: PlanRequestContext, user: UserAccount, key: String, status: HTTPResponse.Status = .ok,
                        flash: String? = nil, problem: String? = nil) async throws -> Response {
        let today = CalendarDate.today()
        let review = user.access(.recordReview, partnership: key) == .allowed
        let reading = user.access(.recordReading, partnership: key) == .allowed
        let upload = user.access(.uploadReturn, partnership: key) == .allowed
        let agree = user.access(.agreePlan, partnership: key) == .allowed
        let (dashboard, rows, forms) = try await blocking { [store] in
            let dashboard = try store.dashboard(partnerships: [key], asOf: today)
            var rows: [ActionRow] = []
            try store.forEachActionRow(ActionFilter(partnership: key), asOf: today) { rows.append($0) }
            let forms = WebPages.FollowForms(
                partnership: key, today: today, review: review,
                measures: reading ? try store.measures(partnership: key).map(\.measure) : [],
                inspections: upload ? try store.inspections(partnership: key) : [],
                plansToAgree: agree ? try store.plansAwaitingAgreement(partnership: key) : [])
            return (dashboard, rows, forms)
        }
        return HTMLResponse.make(try WebPages.follow(nav: try nav(context), dashboard: dashboard, actions: rows, forms: forms,
                                                     flash: flash, problem: problem), status: status)
    }

    /// Runs a partnership form's write as the logged-in account, if its role may do `operation` there; on a refusal the
    /// partnership's page again, with the one line saying why.
    func partnershipWrite(_ request: Request, _ context: PlanRequestContext, _ operation: PlanOperation, done: String,
                          form: WebForm? = nil, _ body: @escaping @Sendable (PlanStore, WebForm, String) throws -> Void) async throws -> Response {
        var checked = form
        if checked == nil { checked = try await checkedForm(request, context) }
        guard let form = checked else { throw Problem.csrf }
        let key = try context.parameters.require("key")
        let user = try context.require(operation, on: key, entity: "partnership", key: key)
        let acting = APIController.acting(store, as: user, request, context)
        do {
            try await blocking { try body(acting, form, key) }
        } catch {
            let problem = Problem.from(error)
            guard problem.status == .unprocessableContent || problem.status == .conflict else { throw problem }
            return try await followResponse(context, user: user, key: key, status: problem.status, problem: problem.detail)
        }
        return Response.redirect(to: "/partnerships/\(key)?done=\(done)")
    }

    @Sendable func postReview(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let form = try await checkedForm(request, context)
        // Escalation is agreed by the same role that agrees plans: checked as its own permission.
        if form.value("escalation") != nil {
            let key = try context.parameters.require("key")
            _ = try context.require(.agreePlan, on: key, entity: "partnership", key: key)
        }
        return try await partnershipWrite(request, context, .recordReview, done: "review", form: form) { store, form, key in
            let today = CalendarDate.today()
            let review = PlanFile.Review(
                partnership: key, date: try DateInput.parse(field: "date", try form.required("date"), today: today), inspector: store.actor,
                kind: try ReviewKind.require(try form.required("kind")), summary: try form.required("summary"),
                actions: (form.value("actions") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
                confidence: try form.value("confidence").map { try Confidence.require($0) },
                next: try form.value("next").map { try DateInput.parse(field: "next", $0, today: today) })
            try APIController.checkOwnActions(store, review.actions, partnership: key)
            try store.addReview(review, escalation: try form.value("escalation").map { try Escalation.require($0) }, today: today)
        }
    }

    @Sendable func postPlanAgreement(_ request: Request, context: PlanRequestContext) async throws -> Response {
        try await partnershipWrite(request, context, .agreePlan, done: "plan") { store, form, key in
            let inspection = try form.required("inspection")
            guard try store.partnership(ofInspection: inspection) == key else {
                throw PlanError.notFound(entity: "inspection", key: inspection)
            }
            let today = CalendarDate.today()
            try PlanAgreement.agree(inspection, on: try DateInput.parse(field: "date", try form.required("date"), today: today), store: store, today: today)
        }
    }

    @Sendable func postReading(_ request: Request, context: PlanRequestContext) async throws -> Response {
        try await partnershipWrite(request, context, .recordReading, done: "reading") { store, form, key in
            let today = CalendarDate.today()
            let measure = try form.required("measure")
            // A measure of another partnership is not found here, whoever may record it there.
            guard try store.partnership(ofMeasure: measure) == key else { throw PlanError.notFound(entity: "measure", key: measure) }
            let reading = MeasureReading(measure: measure, date: try DateInput.parse(field: "date", try form.required("date"), today: today),
                                         value: try Validation.measureValue(try form.required("value")), source: form.value("source"),
                                         note: form.value("note"), supersedes: form.value("supersede") != nil)
            try store.addReading(reading, today: today)
        }
    }

    /// The action a route names with all a page shows of it, if the account may do `operation` to it; else 403, or 404 as for a missing one.
    func visibleAction(_ context: PlanRequestContext, _ operation: PlanOperation) async throws -> (UserAccount, ActionDetail) {
        let number = try APIController.actionNumber(context)
        let (user, _) = try await APIController.allowedAction(store, context, operation, number)
        return (user, try await blocking { [store] in try store.actionDetail(String(number), asOf: CalendarDate.today()) })
    }

    func actionPageResponse(_ context: PlanRequestContext, user: UserAccount, detail: ActionDetail, status: HTTPResponse.Status = .ok,
                            flash: String? = nil, problem: String? = nil) async throws -> Response {
        let id = detail.action.id ?? 0
        let (pending, signOffs) = try await blocking { [store] in
            (try store.extensionRequests(action: String(id)).first?.request, try store.signOffs(action: String(id)))
        }
        let open = detail.action.status.isOpen
        let page = WebPages.ActionPage(
            action: detail.action, row: detail.row, updates: detail.updates, history: detail.history.map(HistoryEntry.init), pending: pending,
            signOffs: signOffs,
            canProgress: open && user.access(.recordProgress, partnership: detail.row.partnership) == .allowed,
            canRequest: open && pending == nil && detail.action.due != nil
                && user.access(.requestExtension, partnership: detail.row.partnership) == .allowed)
        return HTMLResponse.make(try WebPages.action(nav: try nav(context), page, flash: flash, problem: problem), status: status)
    }

    @Sendable func actionPage(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let (user, detail) = try await visibleAction(context, .read)
        return try await actionPageResponse(context, user: user, detail: detail, flash: WebController.flash(request))
    }

    /// Runs a form's write as the logged-in account; on a refusal the action's page again, with the one line saying why.
    func write(_ request: Request, _ context: PlanRequestContext, _ operation: PlanOperation, done: String,
               _ body: @escaping @Sendable (PlanStore, WebForm, String) throws -> Void) async throws -> Response {
        let form = try await checkedForm(request, context)
        let number = try APIController.actionNumber(context)
        let (user, _) = try await APIController.allowedAction(store, context, operation, number)
        let reference = String(number)
        let acting = APIController.acting(store, as: user, request, context)
        do {
            try await blocking { try body(acting, form, reference) }
        } catch {
            let problem = Problem.from(error)
            guard problem.status == .unprocessableContent || problem.status == .conflict else { throw problem }
            let (_, fresh) = try await visibleAction(context, .read)
            return try await actionPageResponse(context, user: user, detail: fresh, status: problem.status, problem: problem.detail)
        }
        return Response.redirect(to: "/actions/\(reference)?done=\(done)")
    }

    @Sendable func postUpdate(_ request: Request, context: PlanRequestContext) async throws -> Response {
        try await write(request, context, .recordProgress, done: "update") { store, form, reference in
            let today = CalendarDate.today()
            let status = try form.value("status").map { try ActionStatus.require($0) }
            let percent = try form.value("percent").map { text -> Int in
                guard let number = Int(text) else { throw PlanError.invalidValue(field: "percent", value: Validation.shown(text), expected: "a whole number from 0 to 100") }
                try Validation.percent(number)
                return number
            }
            try store.recordProgress(action: reference, date: today, note: try form.required("note"), status: status, percent: percent,
                                     evidence: form.value("evidence"), today: today)
        }
    }

    @Sendable func postCompletion(_ request: Request, context: PlanRequestContext) async throws -> Response {
        try await write(request, context, .recordProgress, done: "complete") { store, form, reference in
            let today = CalendarDate.today()
            try store.completeAction(reference, date: today, evidence: try form.required("evidence"), note: form.value("note"), today: today)
        }
    }

    @Sendable func postExtension(_ request: Request, context: PlanRequestContext) async throws -> Response {
        try await write(request, context, .requestExtension, done: "extension") { store, form, reference in
            let to = try DateInput.parse(field: "to", try form.required("to"), today: CalendarDate.today())
            try store.requestExtension(action: reference, to: to, reason: try form.required("reason"))
        }
    }

    @Sendable func queue(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let user = try context.requireUser()
        return try await queueResponse(context, user: user, flash: WebController.flash(request))
    }

    func queueResponse(_ context: PlanRequestContext, user: UserAccount, status: HTTPResponse.Status = .ok,
                       flash: String? = nil, problem: String? = nil) async throws -> Response {
        let visible = user.readablePartnerships
        let today = CalendarDate.today()
        let (items, completions, reviews) = try await blocking { [store] in
            let horizon = today.adding(days: Thresholds.standard.dueSoonDays)
            let reviews = user.role == .inspector
                ? try store.linkingReport(ActionFilter(), asOf: today).filter { (visible?.contains($0.partnership) ?? true) && Reminder.reviewDue($0, horizon: horizon) }
                : []
            return (try store.extensionRequests(partnerships: visible), try store.completionsAwaitingSignOff(partnerships: visible, asOf: today), reviews)
        }
        return HTMLResponse.make(try WebPages.queue(nav: try nav(context), items, completions: completions, reviewsDue: reviews,
                                                    flash: flash, problem: problem), status: status)
    }

    @Sendable func postSignOff(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let form = try await checkedForm(request, context)
        let number = try APIController.actionNumber(context)
        let (user, _) = try await APIController.allowedAction(store, context, .signOffCompletion, number)
        let acting = APIController.acting(store, as: user, request, context)
        do {
            guard let decision = form["decision"].flatMap(SignOffDecision.parse) else { throw PlanError.refused("decision: accept or query") }
            let note = form.value("note")
            _ = try await blocking { try acting.signOffCompletion(action: String(number), decision, note: note) }
            return Response.redirect(to: "/queue?done=\(decision.rawValue)")
        } catch {
            let problem = Problem.from(error)
            guard problem.status == .unprocessableContent else { throw problem }
            return try await queueResponse(context, user: user, status: problem.status, problem: problem.detail)
        }
    }

    @Sendable func postDecision(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let form = try await checkedForm(request, context)
        let id = try context.parameters.require("id")
        guard let number = Int64(id), number > 0 else { throw Problem.notFound("extension request", id) }
        let user = try context.requireUser()
        let pending: PendingExtension
        do {
            pending = try await blocking { [store] in try store.extensionRequest(id: number) }
        } catch PlanError.notFound {
            throw Problem.notFound("extension request", id)
        }
        _ = try context.require(.decideExtension, on: pending.partnership, entity: "extension request", key: id)
        let acting = APIController.acting(store, as: user, request, context)
        do {
            guard let decision = form["decision"].flatMap(RequestState.parse), decision != .requested else {
                throw PlanError.refused("decision: agree or refuse")
            }
            let note = form.value("note")
            _ = try await blocking { try acting.decideExtension(request: number, decision, note: note, today: CalendarDate.today()) }
            return Response.redirect(to: "/queue?done=\(decision.rawValue)")
        } catch {
            let problem = Problem.from(error)
            guard problem.status == .unprocessableContent else { throw problem }
            return try await queueResponse(context, user: user, status: problem.status, problem: problem.detail)
        }
    }

    /// What a redirect after a form says happened: a fixed sentence per code, never text from the request.
    static func flash(_ request: Request) -> String? {
        switch request.uri.queryParameters.get("done") {
        case "update": return "Progress update recorded."
        case "complete": return "Action marked complete."
        case "extension": return "Extension requested: the deadline stands until an inspector agrees it."
        case "agreed": return "Extension agreed: the new deadline is in force."
        case "refused": return "Extension refused: the deadline stands."
        case "accepted": return "Completion accepted."
        case "queried": return "Completion queried: the officers see the question on the action's page."
        case "review": return "Linking review recorded."
        case "plan": return "Plan agreed."
        case "reading": return "Outcome reading recorded."
        case "return": return "Return recorded: every change is in the actions' histories."
        default: return nil
        }
    }
}

/// The session a request's cookie names: its account and CSRF token in the
/// context, or, without a live one, a page asks to log in and a form is refused.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = PlanRequestContext
    let store: PlanStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let secret = request.cookies[WebController.sessionCookie]?.value
        guard let secret, let session = try await blocking({ [store] in try store.session(forSecret: secret) }) else {
            if request.method == .get { return Response.redirect(to: "/login") }
            throw Problem.unauthorized
        }
        var context = context
        context.user = session.user
        context.csrf = session.csrfToken
        context.logger[metadataKey: "user"] = .string(session.user.name)
        return try await next(request, context)
    }
}

/// A page's error: the problem's one line in an HTML page, with its status.
struct WebProblemMiddleware: RouterMiddleware {
    typealias Context = PlanRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem: Problem
            if let error = error as? HTTPError {
                problem = Problem(error.status, error.body ?? (error.status == .notFound ? "no such page: \(request.uri.path)" : error.status.reasonPhrase))
            } else {
                problem = Problem.from(error)
            }
            if problem.status == .internalServerError { context.logger.error("request failed", metadata: ["error": "\(error)"]) }
            let nav = context.user.map { WebNav(user: $0.name, role: $0.role, csrf: context.csrf ?? "") }
            return HTMLResponse.make(try WebPages.error(nav: nav, title: problem.status.reasonPhrase, problem: problem.detail), status: problem.status)
        }
    }
}

/// Login failures per account name: after five within fifteen minutes, that
/// name may not try again until the oldest of them is fifteen minutes old
/// (a right password included). Kept in the server's memory: a restart forgets.
actor LoginThrottle {
    static let limit = 5
    static let window: TimeInterval = 15 * 60
    private var failures: [String: [Date]] = [:]
    let now: @Sendable () -> Date

    init(now: @escaping @Sendable () -> Date = { Date() }) { self.now = now }

    /// Minutes to wait, or nil when the name may try.
    func refusal(for name: String) -> Int? {
        let key = name.lowercased()
        let recent = (failures[key] ?? []).filter { now().timeIntervalSince($0) < LoginThrottle.window }
        failures[key] = recent.isEmpty ? nil : recent
        guard recent.count >= LoginThrottle.limit, let oldest = recent.first else { return nil }
        return max(1, Int((LoginThrottle.window - now().timeIntervalSince(oldest)) / 60 + 0.999))
    }

    func failed(_ name: String) { failures[name.lowercased(), default: []].append(now()) }
    func succeeded(_ name: String) { failures[name.lowercased()] = nil }
}

/// A form's fields (`application/x-www-form-urlencoded`), the first of each name.
struct WebForm: Sendable {
    let fields: [String: String]

    subscript(_ name: String) -> String? { fields[name] }

    /// A field's value, nil when absent or blank.
    func value(_ name: String) -> String? {
        guard let text = fields[name], !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return text
    }

    func required(_ name: String) throws -> String {
        guard let text = value(name) else { throw PlanError.refused("\(name): a value is required") }
        return text
    }

    static func read(_ request: Request, context: PlanRequestContext, limit: Int = 64 << 10) async throws -> WebForm {
        let buffer = try await request.body.collect(upTo: limit)
        guard let form = parse(String(decoding: buffer.readableBytesView, as: UTF8.self)) else {
            throw Problem(.badRequest, "form: not a valid form submission")
        }
        return form
    }

    static func parse(_ body: String) -> WebForm? {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]), let value = decode(parts.count > 1 ? parts[1] : "") else { return nil }
            if fields[name] == nil { fields[name] = value }
        }
        return WebForm(fields: fields)
    }

    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    /// Compares a sent token with the expected one in time that does not depend on where they differ.
    static func same(_ sent: String?, _ expected: String) -> Bool {
        guard let sent, !expected.isEmpty else { return false }
        let a = Array(sent.utf8), b = Array(expected.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }
}

enum HTMLResponse {
    static func make(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
