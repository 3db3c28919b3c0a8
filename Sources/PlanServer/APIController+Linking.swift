import Foundation
import Hummingbird
import ImprovementPlan
import PlanFormats
import PlanStore

/// The API's inspections, linking reviews, outcome readings and returns: an
/// inspector records reviews (and with one, confidence and escalation); an
/// officer records readings and uploads the partnership's return.
extension APIController {
    /// The partnership a record of `entity` belongs to, or 404 (the same for one the account may not see).
    func owner(_ entity: String, _ key: String, _ find: @escaping @Sendable () throws -> String?) async throws -> String {
        guard let partnership = try await blocking(find) else { throw Problem.notFound(entity, key) }
        return partnership
    }

    /// `?partnership=P`: the inspections of the partnerships the account sees.
    @Sendable func inspections(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let partnership = request.uri.queryParameters.get("partnership")
        if let partnership { _ = try context.require(.read, on: partnership, entity: "partnership", key: partnership) }
        let visible = user.readablePartnerships
        let all = try await blocking { [store] in try store.inspections(partnership: partnership) }
        return try JSONResponse.make(all.filter { visible?.contains($0.partnership) ?? true })
    }

    @Sendable func inspection(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let key = try context.parameters.require("key")
        let partnership = try await owner("inspection", key) { [store] in try store.partnership(ofInspection: key) }
        _ = try context.require(.read, on: partnership, entity: "inspection", key: key)
        return try JSONResponse.make(try await blocking { [store] in try store.inspectionDetail(key) })
    }

    /// `{"date"?}`: an inspector of the partnership agrees its submitted plan, as the account.
    @Sendable func agreePlan(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let today = CalendarDate.today()
        let key = try context.parameters.require("key")
        let partnership = try await owner("inspection", key) { [store] in try store.partnership(ofInspection: key) }
        let user = try context.require(.agreePlan, on: partnership, entity: "inspection", key: key)
        let body = try await JSONBody.read(request, context: context, allowed: ["date"])
        let date = try body.string("date").map { try DateInput.parse(field: "date", $0, today: today) } ?? today
        let acting = APIController.acting(store, as: user, request, context)
        let plan = try await blocking { () throws -> ActionPlan? in
            try PlanAgreement.agree(key, on: date, store: acting, today: today)
            return try acting.inspectionDetail(key).plan
        }
        return try JSONResponse.make(plan, status: .created)
    }

    @Sendable func reviews(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let key = try context.parameters.require("key")
        _ = try context.require(.read, on: key, entity: "partnership", key: key)
        return try JSONResponse.make(try await blocking { [store] in try store.reviews(partnership: key) })
    }

    /// The fields of a linking review.
    static let reviewFields: Set<String> = ["date", "kind", "summary", "actions", "confidence", "next", "escalation"]

    /// `{"kind": "meeting", "summary": "...", "date", "actions": [3, 4], "confidence", "next", "escalation"}` by an inspector of
    /// the partnership, who is the review's inspector.
    @Sendable func recordReview(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let today = CalendarDate.today()
        let key = try context.parameters.require("key")
        let user = try context.require(.recordReview, on: key, entity: "partnership", key: key)
        let body = try await JSONBody.read(request, context: context, allowed: APIController.reviewFields)
        let review = PlanFile.Review(
            partnership: key, date: try body.string("date").map { try DateInput.parse(field: "date", $0, today: today) } ?? today,
            inspector: user.name, kind: try ReviewKind.require(try body.requiredString("kind")), summary: try body.requiredString("summary"),
            actions: try body.strings("actions"), confidence: try body.string("confidence").map { try Confidence.require($0) },
            next: try body.string("next").map { try DateInput.parse(field: "next", $0, today: today) })
        let escalation = try body.string("escalation").map { try Escalation.require($0) }
        // Escalation is the inspector's to set, as agreeing a plan is: a second permission, checked as the first.
        if escalation != nil { _ = try context.require(.agreePlan, on: key, entity: "partnership", key: key) }
        let acting = APIController.acting(store, as: user, request, context)
        let stored = try await blocking {
            try APIController.checkOwnActions(acting, review.actions, partnership: key)
            return try acting.addReview(review, escalation: escalation, today: today)
        }
        return try JSONResponse.make(stored, status: .created)
    }

    @Sendable func measures(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let key = try context.parameters.require("key")
        _ = try context.require(.read, on: key, entity: "partnership", key: key)
        return try JSONResponse.make(try await blocking { [store] in try store.measures(partnership: key).map(\.measure) })
    }

    /// `{"date": "2026-09-30", "value": 57.5, "source", "note", "supersede": false}` by an officer of the measure's partnership.
    @Sendable func recordReading(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let today = CalendarDate.today()
        let key = try context.parameters.require("key")
        let partnership = try await owner("measure", key) { [store] in try store.partnership(ofMeasure: key) }
        let user = try context.require(.recordReading, on: partnership, entity: "measure", key: key)
        let body = try await JSONBody.read(request, context: context, allowed: ["date", "value", "source", "note", "supersede"])
        guard let value = try body.number("value") else { throw Problem(.unprocessableContent, "value: a value is required") }
        let reading = MeasureReading(measure: key, date: try DateInput.parse(field: "date", try body.requiredString("date"), today: today),
                                     value: value, source: try body.string("source"), note: try body.string("note"),
                                     supersedes: try body.bool("supersede"))
        let acting = APIController.acting(store, as: user, request, context)
        return try JSONResponse.make(try await blocking { try acting.addReading(reading, today: today) }, status: .created)
    }

    /// The largest return accepted: a council's workbook is a few hundred kilobytes.
    static let largestReturn = 16 << 20

    /// The file itself as the body (CSV, an Excel workbook or a Word document); `?date=` (default today),
    /// `?dryRun=true` for the change list only, `?sheet=` or `?table=` as `import` takes them. All or nothing.
    @Sendable func uploadReturn(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let today = CalendarDate.today()
        let key = try context.parameters.require("key")
        let partnership = try await owner("inspection", key) { [store] in try store.partnership(ofInspection: key) }
        let user = try context.require(.uploadReturn, on: partnership, entity: "inspection", key: key)
        let query = request.uri.queryParameters
        let date = try query.get("date").map { try DateInput.parse(field: "date", $0, today: today) } ?? today
        let dryRun: Bool
        switch query.get("dryRun") {
        case nil, "false", "0": dryRun = false
        case "true", "1": dryRun = true
        default: throw Problem(.unprocessableContent, "dryRun: expected true or false")
        }
        let table = try query.get("table").map { text -> Int in
            guard let number = Int(text) else { throw Problem(.unprocessableContent, "table: expected a whole number from 1") }
            return number
        }
        let buffer = try await request.body.collect(upTo: APIController.largestReturn)
        let data = Data(buffer.readableBytesView)
        guard !data.isEmpty else { throw Problem(.unprocessableContent, "body: send the return's file (CSV, .xlsx or .docx) as the body") }
        let acting = APIController.acting(store, as: user, request, context)
        let sheetName = query.get("sheet")
        let report = try await blocking {
            try ReturnUpload.record(data, into: key, date: date, store: acting, today: today, dryRun: dryRun, sheet: sheetName, table: table)
        }
        return try JSONResponse.make(ReturnJSON(report, dryRun: dryRun), status: dryRun ? .ok : .created)
    }
}

extension APIController {
    /// The actions a review names must be its partnership's: another's is not found, word for word as a missing one
    /// (the store's own message would say whose it is).
    static func checkOwnActions(_ store: PlanStore, _ references: [String], partnership: String) throws {
        for reference in references {
            let owner = try? store.actionWithPartnership(reference).partnership
            guard owner == partnership else { throw PlanError.notFound(entity: "action", key: reference) }
        }
    }
}

/// A plan agreed through the server: by the account, on a day not in the future.
enum PlanAgreement {
    static func agree(_ inspection: String, on date: CalendarDate, store: PlanStore, today: CalendarDate) throws {
        try Validation.notFuture(date, today: today, field: "date")
        try store.agreePlan(inspection: inspection, on: date, by: store.actor)
    }
}

/// A return received by the server, through the API or the upload form: read
/// as `import` reads it, reconciled all or nothing, its problems one line each.
enum ReturnUpload {
    static func record(_ data: Data, into inspection: String, date: CalendarDate, store: PlanStore, today: CalendarDate, dryRun: Bool,
                       sheet: String? = nil, table: Int? = nil, accept: ((ReturnReport) throws -> Void)? = nil) throws -> ReturnReport {
        do {
            let read = try ActionSheet.read(file: data, sheet: sheet, table: table, today: date)
            do {
                // An officer asks for more time; a link inspector agrees it: a later timescale is a request, never an extension.
                return try store.importSheet(read.rows, inspection: inspection, date: date, today: today, dryRun: dryRun,
                                             laterTimescales: .request, accept: accept)
            } catch PlanError.rowProblems(let problems) {
                throw Problem.lines(read.describe(problems))
            }
        } catch PlanError.problems(let lines) {
            throw Problem.lines(lines)
        }
    }
}
