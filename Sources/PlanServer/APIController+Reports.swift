import Foundation
import Hummingbird
import ImprovementPlan
import PlanFormats
import PlanStore

/// The reports of the CLI through the API, each narrowed to the partnerships the account reads.
extension APIController {
    /// The reports `GET /api/v1/reports/{name}` answers (progress has its own route).
    static let reports = ["overdue", "due-soon", "stale", "owners", "linking", "outcomes"]

    /// `GET reports/{name}?partnership=&inspection=&owner=&agency=&asOf=` (and `within` for due-soon, `days` for stale):
    /// the report's rows as `report NAME --format json` lists them, for the account's partnerships only.
    @Sendable func report(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let name = try context.parameters.require("name")
        guard APIController.reports.contains(name) else { throw Problem.notFound("report", name) }
        let query = request.uri.queryParameters
        let asOf = try APIController.asOf(request)
        // One partnership asked for, else each the account reads (nil: every one, for an admin).
        let keys: [String?]
        if let key = query.get("partnership") {
            _ = try context.require(.read, on: key, entity: "partnership", key: key)
            keys = [key]
        } else {
            keys = user.readablePartnerships.map { $0.sorted() } ?? [nil]
        }
        // An inspection of a partnership the account does not read is not found, as a missing one is.
        let inspection = query.get("inspection")
        if let inspection {
            let owner = try await owner("inspection", inspection) { [store] in try store.partnership(ofInspection: inspection) }
            _ = try context.require(.read, on: owner, entity: "inspection", key: inspection)
        }
        var thresholds = Thresholds.standard
        if let within = query.get("within") { thresholds.dueSoonDays = try APIController.days(within, field: "within") }
        if let days = query.get("days") { thresholds.staleDays = try APIController.days(days, field: "days") }
        let owner = query.get("owner"), agency = query.get("agency")
        let visible = user.readablePartnerships
        return try await blocking { [store, thresholds] in
            func filters() -> [ActionFilter] { keys.map { ActionFilter(partnership: $0, inspection: inspection, owner: owner, agency: agency) } }
            switch name {
            case "overdue", "due-soon", "stale":
                var rows: [ActionRow] = []
                for filter in filters() {
                    switch name {
                    case "overdue": try store.forEachOverdue(filter, asOf: asOf, thresholds: thresholds) { rows.append($0) }
                    case "due-soon": try store.forEachDueSoon(filter, asOf: asOf, thresholds: thresholds) { rows.append($0) }
                    default: try store.forEachStale(filter, asOf: asOf, thresholds: thresholds) { rows.append($0) }
                    }
                }
                return try JSONResponse.make(rows)
            case "owners":
                return try JSONResponse.make(try filters().flatMap { try store.ownerDigests($0, asOf: asOf, thresholds: thresholds) })
            case "linking":
                let rows = try store.linkingReport(ActionFilter(partnership: keys.count == 1 ? keys[0] : nil), asOf: asOf, thresholds: thresholds)
                return try JSONResponse.make(rows.filter { visible?.contains($0.partnership) ?? true })
            default:
                return try JSONResponse.make(try keys.flatMap { try store.outcomeRows(partnership: $0, asOf: asOf) })
            }
        }
    }

    /// A day count of a report's query, as the CLI's thresholds take it.
    static func days(_ text: String, field: String) throws -> Int {
        guard let days = Int(text) else { throw Problem(.unprocessableContent, "\(field): expected a whole number of days") }
        try Thresholds.check(days: days, field: field)
        return days
    }
}
