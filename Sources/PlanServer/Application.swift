import Dispatch
import Foundation
import Hummingbird
import ImprovementPlan
import Logging
import PlanFormats
import PlanStore

/// What a request carries through the middleware to its route: who sent it.
public struct PlanRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated account; nil until the auth middleware has found one.
    public var user: UserAccount?
    /// The CSRF token of the browser session the request came with; nil for a token's or no session.
    public var csrf: String?

    public init(source: Source) {
        coreContext = .init(source: source)
        user = nil
        csrf = nil
    }

    /// The account, or 401.
    func requireUser() throws -> UserAccount {
        guard let user else { throw Problem.unauthorized }
        return user
    }

    /// 403 or 404 unless the account may do `operation` to `partnership`.
    func require(_ operation: PlanOperation, on partnership: String?, entity: String, key: String) throws -> UserAccount {
        let user = try requireUser()
        switch user.access(operation, partnership: partnership) {
        case .allowed: return user
        case .forbidden: throw Problem.forbidden(user, operation)
        case .hidden: throw Problem.notFound(entity, key)
        }
    }
}

/// Where `planwatch serve` listens, and how it logs.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var logLevel: Logger.Level
    /// Mark cookies `Secure` always (behind a TLS proxy that does not send `X-Forwarded-Proto: https`).
    public var secureCookies: Bool

    public init(host: String = "127.0.0.1", port: Int = 8080, logLevel: Logger.Level = .info, secureCookies: Bool = false) {
        self.host = host; self.port = port; self.logLevel = logLevel; self.secureCookies = secureCookies
    }
}

/// Runs store calls (GRDB, synchronous) on Dispatch's threads, so a slow
/// query never holds one of Swift concurrency's few cooperative threads.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
        }
    }
}

/// Builds the application: one function from the store and the configuration,
/// as Hummingbird's examples do. `onRunning` is told the port it listens on
/// (the one asked for, or the one the system chose for port 0).
public func buildApplication(store: PlanStore, configuration: ServerConfiguration,
                             onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
    var logger = Logger(label: "planwatch.serve")
    logger.logLevel = configuration.logLevel
    let router = Router(context: PlanRequestContext.self)
    // Method, path and status of every request; never a header, so never a token or a cookie.
    router.add(middleware: LogRequestsMiddleware(.info))
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: SecurityHeadersMiddleware())
    router.get("healthz") { _, _ -> Response in
        let versions = try await blocking { try store.schemaVersions() }
        return try JSONResponse.make(["status": "ok", "schema": versions.last ?? ""])
    }
    let api = router.group("api/v1")
    api.add(middleware: BearerAuthMiddleware(store: store))
    APIController(store: store).register(on: api)
    WebController(store: store, throttle: LoginThrottle(), secureCookies: configuration.secureCookies).register(on: router)
    return Application(router: router, configuration: .init(address: .hostname(configuration.host, port: configuration.port),
                                                            serverName: "planwatch"),
                       onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? configuration.port) },
                       logger: logger)
}

/// JSON bodies in the CLI's own encoding (the same field names and order as `--format json`).
enum JSONResponse {
    static func make<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: try JSONOutput.encode(value))))
    }
}

/// Turns every error a route throws into a problem response, so a client
/// always gets `application/problem+json` with one line of detail.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = PlanRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            // The router's own: no route (404), a body too large (413).
            throw Problem(error.status, error.body ?? (error.status == .notFound ? "no such page: \(request.uri.path)" : error.status.reasonPhrase))
        } catch {
            let problem = Problem.from(error)
            if problem.status == .internalServerError { context.logger.error("request failed", metadata: ["error": "\(error)"]) }
            throw problem
        }
    }
}

/// Headers on every response: nothing may be fetched from elsewhere or framed, nothing cached.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = PlanRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let problem as Problem {
            response = try problem.response(from: request, context: context)
        }
        response.headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.cacheControl] = "no-store"
        if let name = .init("Referrer-Policy") as HTTPFields.Element.Name? { response.headers[name] = "no-referrer" }
        return response
    }
}

/// `Authorization: Bearer pwt_…`: the account of a live token, else 401.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = PlanRequestContext
    let store: PlanStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { throw Problem.unauthorized }
        let secret = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        guard let user = try await blocking({ try store.account(forToken: secret) }) else { throw Problem.unauthorized }
        var context = context
        context.user = user
        context.logger[metadataKey: "user"] = .string(user.name)
        return try await next(request, context)
    }
}
