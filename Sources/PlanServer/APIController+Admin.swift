import Foundation
import Hummingbird
import ImprovementPlan
import PlanFormats
import PlanStore

/// What an admin keeps through the API: accounts, partnerships and
/// inspections (the permission table's "administer"; officers and
/// inspectors are answered 403). Each change is audited with the admin as
/// actor, as `planwatch user add` and the rest are on the command line.
extension APIController {
    @Sendable func users(_ request: Request, context: PlanRequestContext) async throws -> Response {
        _ = try context.require(.administer, on: nil, entity: "user", key: "")
        return try JSONResponse.make(try await blocking { [store] in try store.users() })
    }

    /// `{"name", "email", "role", "partnerships": [...], "password"?}`: a password given here is bcrypt-hashed like the CLI's.
    @Sendable func addUser(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let admin = try context.require(.administer, on: nil, entity: "user", key: "")
        let body = try await JSONBody.read(request, context: context, allowed: ["name", "email", "role", "partnerships", "password"])
        let account = UserAccount(name: try body.requiredString("name"), email: try body.requiredString("email"),
                                  role: try Role.require(try body.requiredString("role")),
                                  partnerships: Array(Set(try body.strings("partnerships"))).sorted())
        try account.validate()
        let password = try body.string("password")
        let acting = APIController.acting(store, as: admin, request, context)
        var response = try JSONResponse.make(try await blocking { try acting.addUser(account, password: password) }, status: .created)
        response.headers[.location] = "/api/v1/users/\(account.name)"
        return response
    }

    /// `{"disabled": true | false}`: a disabled account can neither log in nor use its tokens; its sessions end.
    @Sendable func setUserState(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let admin = try context.require(.administer, on: nil, entity: "user", key: "")
        let name = try context.parameters.require("name")
        let body = try await JSONBody.read(request, context: context, allowed: ["disabled"])
        guard case .bool(let disabled)? = body.object["disabled"] else { throw Problem(.unprocessableContent, "disabled: expected true or false") }
        let acting = APIController.acting(store, as: admin, request, context)
        do {
            return try JSONResponse.make(try await blocking { try acting.setDisabled(user: name, disabled) })
        } catch PlanError.notFound {
            throw Problem.notFound("user", name)
        }
    }

    /// `{"key", "name", "council"?, "healthBoard"?, "policeDivision"?, "otherPartners"?: [...]}`.
    @Sendable func addPartnership(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let admin = try context.require(.administer, on: nil, entity: "partnership", key: "")
        let body = try await JSONBody.read(request, context: context, allowed: ["key", "name", "council", "healthBoard", "policeDivision", "otherPartners"])
        let partnership = Partnership(key: try body.requiredString("key"), name: try body.requiredString("name"), council: try body.string("council"),
                                      healthBoard: try body.string("healthBoard"), policeDivision: try body.string("policeDivision"),
                                      otherPartners: try body.strings("otherPartners"))
        let acting = APIController.acting(store, as: admin, request, context)
        try await blocking { try acting.addPartnership(partnership) }
        return try JSONResponse.make(try await blocking { [store] in try store.partnershipDetail(partnership.key).partnership }, status: .created)
    }

    /// `{"key", "partnership", "title", "published"?, "planDue"?, "fieldworkStart"?, "fieldworkEnd"?, "confidence"?, "escalation"?,
    /// "summary"?, "source"?}`: the plan is due 42 days after publication unless `planDue` says otherwise.
    @Sendable func addInspection(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let today = CalendarDate.today()
        let admin = try context.require(.administer, on: nil, entity: "inspection", key: "")
        let body = try await JSONBody.read(request, context: context, allowed: [
            "key", "partnership", "title", "published", "planDue", "fieldworkStart", "fieldworkEnd", "confidence", "escalation", "summary", "source",
        ])
        func date(_ field: String) throws -> CalendarDate? { try body.string(field).map { try DateInput.parse(field: field, $0, today: today) } }
        let inspection = Inspection(
            key: try body.requiredString("key"), partnership: try body.requiredString("partnership"), title: try body.requiredString("title"),
            fieldworkStart: try date("fieldworkStart"), fieldworkEnd: try date("fieldworkEnd"), published: try date("published"),
            planDue: try date("planDue"), confidence: try body.string("confidence").map { try Confidence.require($0) },
            escalation: try body.string("escalation").map { try Escalation.require($0) } ?? .none,
            summary: try body.string("summary"), source: try body.string("source"))
        let acting = APIController.acting(store, as: admin, request, context)
        try await blocking { try acting.recordInspection(inspection) }
        return try JSONResponse.make(try await blocking { [store] in try store.inspectionDetail(inspection.key).inspection }, status: .created)
    }
}
