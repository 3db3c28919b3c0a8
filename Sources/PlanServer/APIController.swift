import Foundation
import Hummingbird
import ImprovementPlan
import PlanFormats
import PlanStore

/// The JSON API under `/api/v1`: the CLI's records and reports in the CLI's
/// JSON, each narrowed to what the authenticated account may see, and the
/// writes its role allows, each audited with that account as the actor.
/// docs/openapi.yaml describes every route.
struct APIController: Sendable {
    let store: PlanStore

    func register(on group: RouterGroup<PlanRequestContext>) {
        group.get("me") { _, context in try JSONResponse.make(try context.requireUser()) }
        group.get("partnerships", use: partnerships)
        group.get("partnerships/:key", use: partnership)
        group.get("partnerships/:key/actions", use: actions)
        group.get("actions/:id", use: action)
        group.post("actions/:id/updates", use: recordUpdate)
        group.get("reports/progress", use: progress)
        group.get("reports/:name", use: report)
        group.get("users", use: users)
        group.post("users", use: addUser)
        group.post("users/:name/state", use: setUserState)
        group.post("partnerships", use: addPartnership)
        group.post("inspections", use: addInspection)
        group.post("actions/:id/completion", use: recordCompletion)
        group.get("actions/:id/history", use: history)
        group.post("actions/:id/extension-requests", use: requestExtension)
        group.get("extension-requests", use: extensionRequests)
        group.post("extension-requests/:id/decision", use: decideExtension)
        group.post("actions/:id/sign-off", use: signOff)
        group.get("completions/awaiting-sign-off", use: awaitingSignOff)
        group.get("inspections", use: inspections)
        group.get("inspections/:key", use: inspection)
        group.post("inspections/:key/returns", use: uploadReturn)
        group.post("inspections/:key/plan/agreement", use: agreePlan)
        group.get("partnerships/:key/reviews", use: reviews)
        group.post("partnerships/:key/reviews", use: recordReview)
        group.get("partnerships/:key/measures", use: measures)
        group.post("measures/:key/readings", use: recordReading)
    }

    /// The store acting as the account: it is the actor of every audit entry, and the command names the route.
    static func acting(_ store: PlanStore, as user: UserAccount, _ request: Request, _ context: PlanRequestContext) -> PlanStore {
        var acting = store
        acting.actor = user.name
        // The route's pattern (`/api/v1/actions/{id}/updates`), not the path: the id is in the entry's key already.
        acting.command = "serve \(request.method.rawValue) \(context.endpointPath ?? request.uri.path)"
        return acting
    }

    static func asOf(_ request: Request) throws -> CalendarDate {
        let today = CalendarDate.today()
        guard let text = request.uri.queryParameters.get("asOf") else { return today }
        return try DateInput.parse(field: "asOf", text, today: today)
    }

    @Sendable func partnerships(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let all = try await blocking { [store] in try store.partnerships() }
        let visible = user.readablePartnerships.map { keys in all.filter { keys.contains($0.key) } } ?? all
        return try JSONResponse.make(visible)
    }

    @Sendable func partnership(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let key = try context.parameters.require("key")
        _ = try context.require(.read, on: key, entity: "partnership", key: key)
        return try JSONResponse.make(try await blocking { [store] in try store.partnershipDetail(key) })
    }

    @Sendable func actions(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let key = try context.parameters.require("key")
        _ = try context.require(.read, on: key, entity: "partnership", key: key)
        let asOf = try APIController.asOf(request)
        let query = request.uri.queryParameters
        var filter = ActionFilter(partnership: key, owner: query.get("owner"), agency: query.get("agency"))
        if let status = query.get("status") { filter.status = try ActionStatus.require(status) }
        if let inspection = query.get("inspection") {
            // Only this partnership's inspections: another's is not found, as a missing one is.
            let owner = try await owner("inspection", inspection) { [store] in try store.partnership(ofInspection: inspection) }
            guard owner == key else { throw Problem.notFound("inspection", inspection) }
            filter.inspection = inspection
        }
        // An unknown key is a 404, not an empty list: the filter's own lookup refuses it.
        let rows = try await blocking { [store, filter] in
            var rows: [ActionRow] = []
            try store.forEachActionRow(filter, asOf: asOf) { rows.append($0) }
            return rows
        }
        return try JSONResponse.make(rows)
    }

    /// The action and the partnership it belongs to, or 404 — the same 404 for one the account may not see.
    func visibleAction(_ context: PlanRequestContext, _ operation: PlanOperation, asOf: CalendarDate) async throws -> (UserAccount, ActionDetail) {
        let number = try APIController.actionNumber(context)
        let (user, _) = try await APIController.allowedAction(store, context, operation, number)
        return (user, try await blocking { [store] in try store.actionDetail(String(number), asOf: asOf) })
    }

    /// The action a route's `id` names, as a number, or 404.
    static func actionNumber(_ context: PlanRequestContext) throws -> Int64 {
        let id = try context.parameters.require("id")
        guard let number = Int64(id), number > 0 else { throw Problem.notFound("action", id) }
        return number
    }

    /// The account, if it may do `operation` to the action; else 403, or 404 as for a missing action. One indexed read,
    /// so a write never gathers the action's history only to be allowed.
    static func allowedAction(_ store: PlanStore, _ context: PlanRequestContext, _ operation: PlanOperation,
                              _ number: Int64) async throws -> (UserAccount, Action) {
        _ = try context.requireUser()
        let found: (action: Action, partnership: String)
        do {
            found = try await blocking { try store.actionWithPartnership(String(number)) }
        } catch PlanError.notFound {
            throw Problem.notFound("action", String(number))
        }
        return (try context.require(operation, on: found.partnership, entity: "action", key: String(number)), found.action)
    }

    @Sendable func action(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let (_, detail) = try await visibleAction(context, .read, asOf: try APIController.asOf(request))
        return try JSONResponse.make(detail)
    }

    /// The fields a progress update may carry: `note` (required), `status`, `percent`, `evidence`, `date`.
    static let updateFields: Set<String> = ["note", "status", "percent", "evidence", "date"]

    @Sendable func recordUpdate(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let today = CalendarDate.today()
        let number = try APIController.actionNumber(context)
        let (user, _) = try await APIController.allowedAction(store, context, .recordProgress, number)
        let body = try await JSONBody.read(request, context: context, allowed: APIController.updateFields)
        let note = try body.requiredString("note")
        let status = try body.string("status").map { try ActionStatus.require($0) }
        let percent = try body.int("percent")
        if let percent { try Validation.percent(percent) }
        let date = try body.string("date").map { try DateInput.parse(field: "date", $0, today: today) } ?? today
        let evidence = try body.string("evidence")
        let acting = APIController.acting(store, as: user, request, context)
        let reference = String(number)
        let after = try await blocking {
            try acting.recordProgress(action: reference, date: date, note: note, status: status, percent: percent, evidence: evidence, today: today)
        }
        var response = try JSONResponse.make(after, status: .created)
        response.headers[.location] = "/api/v1/actions/\(reference)"
        return response
    }

    @Sendable func recordCompletion(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let today = CalendarDate.today()
        let number = try APIController.actionNumber(context)
        let (user, _) = try await APIController.allowedAction(store, context, .recordProgress, number)
        let body = try await JSONBody.read(request, context: context, allowed: ["evidence", "note", "date"])
        let evidence = try body.requiredString("evidence")
        let note = try body.string("note")
        let date = try body.string("date").map { try DateInput.parse(field: "date", $0, today: today) } ?? today
        let acting = APIController.acting(store, as: user, request, context)
        let reference = String(number)
        let after = try await blocking { try acting.completeAction(reference, date: date, evidence: evidence, note: note, today: today) }
        return try JSONResponse.make(after, status: .created)
    }

    @Sendable func history(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let (_, detail) = try await visibleAction(context, .read, asOf: CalendarDate.today())
        return try JSONResponse.make(detail.history.map(HistoryEntry.init))
    }

    /// `{"to": "2027-03-31", "reason": "..."}`: recorded as requested; the deadline stands until an inspector agrees it.
    @Sendable func requestExtension(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let today = CalendarDate.today()
        let number = try APIController.actionNumber(context)
        let (user, _) = try await APIController.allowedAction(store, context, .requestExtension, number)
        let body = try await JSONBody.read(request, context: context, allowed: ["to", "reason"])
        let to = try DateInput.parse(field: "to", try body.requiredString("to"), today: today)
        let reason = try body.requiredString("reason")
        let acting = APIController.acting(store, as: user, request, context)
        let reference = String(number)
        let made = try await blocking { try acting.requestExtension(action: reference, to: to, reason: reason) }
        var response = try JSONResponse.make(made, status: .created)
        response.headers[.location] = "/api/v1/extension-requests/\(made.id)"
        return response
    }

    /// `?state=requested` (the default), `agreed`, `refused` or `all`: the requests of the partnerships the account sees.
    @Sendable func extensionRequests(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let text = request.uri.queryParameters.get("state") ?? "requested"
        let state = text == "all" ? nil : try RequestState.require(text)
        let visible = user.readablePartnerships
        return try JSONResponse.make(try await blocking { [store] in try store.extensionRequests(partnerships: visible, state: state) })
    }

    /// `{"decision": "agree" | "refuse", "note": "..."}` by an inspector of the action's partnership.
    @Sendable func decideExtension(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let id = try context.parameters.require("id")
        guard let number = Int64(id), number > 0 else { throw Problem.notFound("extension request", id) }
        let pending: PendingExtension
        do {
            pending = try await blocking { [store] in try store.extensionRequest(id: number) }
        } catch PlanError.notFound {
            throw Problem.notFound("extension request", id)
        }
        _ = try context.require(.decideExtension, on: pending.partnership, entity: "extension request", key: id)
        let body = try await JSONBody.read(request, context: context, allowed: ["decision", "note"])
        let decision = try RequestState.require(try body.requiredString("decision"))
        let note = try body.string("note")
        let acting = APIController.acting(store, as: user, request, context)
        return try JSONResponse.make(try await blocking { try acting.decideExtension(request: number, decision, note: note, today: CalendarDate.today()) })
    }

    /// `{"decision": "accept" | "query", "note": "..."}` by an inspector of the action's partnership; a query needs a note.
    @Sendable func signOff(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let number = try APIController.actionNumber(context)
        let (user, _) = try await APIController.allowedAction(store, context, .signOffCompletion, number)
        let body = try await JSONBody.read(request, context: context, allowed: ["decision", "note"])
        let decision = try SignOffDecision.require(try body.requiredString("decision"))
        let note = try body.string("note")
        let acting = APIController.acting(store, as: user, request, context)
        return try JSONResponse.make(try await blocking { try acting.signOffCompletion(action: String(number), decision, note: note) }, status: .created)
    }

    /// Complete actions of the account's partnerships that no inspector has signed off yet.
    @Sendable func awaitingSignOff(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let asOf = try APIController.asOf(request)
        let visible = user.readablePartnerships
        return try JSONResponse.make(try await blocking { [store] in try store.completionsAwaitingSignOff(partnerships: visible, asOf: asOf) })
    }

    @Sendable func progress(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let asOf = try APIController.asOf(request)
        let lines = try await blocking { [store] in try store.progressReport(ActionFilter(), asOf: asOf) }
        let visible = user.readablePartnerships.map { keys in lines.filter { keys.contains($0.partnership) } } ?? lines
        return try JSONResponse.make(visible)
    }
}

/// A request's JSON object, with its keys checked against the route's fields:
/// a misspelt field is refused, never silently ignored.
struct JSONBody {
    /// One field's value: what a form of the API may carry.
    enum Value: Decodable {
        case string(String), bool(Bool), int(Int), number(Double), array([Value]), null, other

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { self = .null }
            else if let text = try? container.decode(String.self) { self = .string(text) }
            else if let items = try? container.decode([Value].self) { self = .array(items) }
            else if let flag = try? container.decode(Bool.self) { self = .bool(flag) }
            else if let whole = try? container.decode(Int.self) { self = .int(whole) }
            else if let number = try? container.decode(Double.self) { self = .number(number) }
            else { self = .other }
        }
    }

    let object: [String: Value]

    static func read(_ request: Request, context: PlanRequestContext, allowed: Set<String>) async throws -> JSONBody {
        let buffer = try await request.body.collect(upTo: 1 << 20)
        guard let object = try? JSONDecoder().decode([String: Value].self, from: Data(buffer.readableBytesView)) else {
            throw Problem(.badRequest, "body: expected a JSON object, like {\"note\": \"...\"}")
        }
        if let unknown = object.keys.filter({ !allowed.contains($0) }).sorted().first {
            throw Problem(.unprocessableContent, "\(unknown): not a field here (expected one of \(allowed.sorted().joined(separator: ", ")))")
        }
        return JSONBody(object: object)
    }

    func string(_ key: String) throws -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw Problem(.unprocessableContent, "\(key): expected a string")
        }
    }

    func requiredString(_ key: String) throws -> String {
        guard let text = try string(key) else { throw Problem(.unprocessableContent, "\(key): a value is required") }
        return text
    }

    /// A list of names or numbers: `["3", "dundee-2021/1.2"]`, `[3, 4]`, or one string separated by commas.
    func strings(_ key: String) throws -> [String] {
        switch object[key] {
        case nil, .null?: return []
        case .string(let text)?: return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case .array(let items)?:
            return try items.map { item in
                switch item {
                case .string(let text): return text
                case .int(let whole): return String(whole)
                default: throw Problem(.unprocessableContent, "\(key): expected a list of strings or whole numbers")
                }
            }
        default: throw Problem(.unprocessableContent, "\(key): expected a list of strings or whole numbers")
        }
    }

    /// A number: `42`, `42.5`, or a string as the CLI takes it (`"42.5%"`, `"1,204"`).
    func number(_ key: String) throws -> Double? {
        switch object[key] {
        case nil, .null?: return nil
        case .int(let whole)?: return Double(whole)
        case .number(let value)?: return value
        case .string(let text)?: return try Validation.measureValue(text)
        default: throw Problem(.unprocessableContent, "\(key): expected a number")
        }
    }

    func bool(_ key: String) throws -> Bool {
        switch object[key] {
        case nil, .null?: return false
        case .bool(let flag)?: return flag
        default: throw Problem(.unprocessableContent, "\(key): expected true or false")
        }
    }

    func int(_ key: String) throws -> Int? {
        switch object[key] {
        case nil, .null?: return nil
        case .int(let whole)?: return whole
        default: throw Problem(.unprocessableContent, "\(key): expected a whole number")
        }
    }
}
