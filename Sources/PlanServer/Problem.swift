import Foundation
import Hummingbird
import ImprovementPlan
import PlanFormats
import PlanStore

/// An error answered as an RFC 9457 problem (`application/problem+json`):
/// the HTTP status, a title for it, and as detail the same one line the CLI
/// would print. Nothing was written when one is thrown.
public struct Problem: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let detail: String
    /// Every problem of a file refused whole (a return with several bad rows), one line each; `detail` is the first.
    public let errors: [String]?

    public init(_ status: HTTPResponse.Status, _ detail: String, errors: [String]? = nil) {
        self.status = status
        self.detail = Sanitise.line(detail)
        self.errors = errors.map { $0.map(Sanitise.line) }
    }

    /// 422 for a file with these problems: the first as the detail (with how many more there are), all as `errors`.
    static func lines(_ lines: [String]) -> Problem {
        guard let first = lines.first else { return Problem(.unprocessableContent, "the file could not be read") }
        let more = lines.count - 1
        return Problem(.unprocessableContent, first + (more > 0 ? " (and \(more) more problem\(more == 1 ? "" : "s"))" : ""), errors: lines)
    }

    struct Body: Encodable {
        let type: String
        let title: String
        let status: Int
        let detail: String
        let instance: String?
        let errors: [String]?
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(type: "about:blank", title: status.reasonPhrase, status: status.code, detail: detail, instance: request.uri.path,
                        errors: errors)
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json"
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"planwatch\"" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: try JSONOutput.encode(body))))
    }

    /// 401: no credentials, or ones that are unknown, revoked or of a disabled account (which of these is not said).
    static let unauthorized = Problem(.unauthorized, "authentication required: log in, or send 'Authorization: Bearer <token>' (planwatch token create)")

    /// 403: a form without its session's CSRF token, or with another.
    static let csrf = Problem(.forbidden, "the form's security token is missing or out of date: reload the page and try again")

    /// 404 for a record that does not exist and, the same, for one of a partnership the account may not see.
    static func notFound(_ entity: String, _ key: String) -> Problem { Problem(.notFound, "no \(entity) '\(key)'") }

    /// 403: the account sees the partnership but its role may not do this.
    static func forbidden(_ user: UserAccount, _ operation: PlanOperation) -> Problem {
        Problem(.forbidden, "forbidden: an \(user.role.rawValue) may not \(operation.rawValue.replacingOccurrences(of: "-", with: " "))")
    }

    /// The problem for an error the store or the domain raised.
    static func from(_ error: any Error) -> Problem {
        switch error {
        case let problem as Problem: return problem
        case let error as PlanError:
            switch error {
            // Never a "did you mean": the nearest key may be another partnership's.
            case let .notFound(entity, key, _): return .notFound(entity, key)
            case .duplicate: return Problem(.conflict, error.description)
            default: return Problem(.unprocessableContent, error.description)
            }
        case let error as StoreError: return Problem(.serviceUnavailable, error.description)
        default: return Problem(.internalServerError, "internal error: \(type(of: error))")
        }
    }
}
