import Foundation
import ImprovementPlan
import PlanStore

/// Where a PostgreSQL database is: `postgres://user[:password]@host[:port]/dbname[?sslmode=MODE]`
/// (also `postgresql://`), as libpq writes it.
///
/// The user defaults to `PGUSER`, then the login name; the password to
/// `PGPASSWORD` (better than the URL, which shows in the process list); the
/// port to 5432. `sslmode` is `disable`, `prefer` (the default: encrypted when
/// the server offers it), `require` (encrypted or refused) or `verify-full`
/// (encrypted, and the server's certificate checked against the system's
/// trusted roots and the host name).
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, CaseIterable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    /// True when `text` names a PostgreSQL database rather than an SQLite file.
    public static func isPostgres(_ text: String) -> Bool { PlanStore.isPostgresAddress(text) }

    /// The location `text` names, or an error saying what is wrong with it.
    public init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        func bad(_ problem: String) -> PlanError {
            PlanError.invalidValue(field: "database", value: PostgresLocation.redacted(text),
                                   expected: "postgres://user@host:port/dbname (\(problem))")
        }
        guard PostgresLocation.isPostgres(text), let components = URLComponents(string: text) else {
            throw bad("not a PostgreSQL address")
        }
        guard let host = components.host, !host.isEmpty else { throw bad("no host") }
        self.host = host
        if let port = components.port {
            guard (1...65_535).contains(port) else { throw bad("the port must be 1 to 65535") }
            self.port = port
        } else {
            guard !text.dropFirst(text.hasPrefix("postgresql") ? 13 : 11).prefix(while: { $0 != "/" }).hasSuffix(":") else {
                throw bad("no port after ':'")
            }
            self.port = 5432
        }
        let path = components.path
        let name = path.hasPrefix("/") ? String(path.dropFirst()) : path
        guard !name.isEmpty else { throw bad("no database name") }
        guard !name.contains("/") else { throw bad("the database name cannot contain '/'") }
        database = name
        let login = environment["USER"] ?? environment["LOGNAME"] ?? ""
        guard let user = components.user.flatMap({ $0.isEmpty ? nil : $0 }) ?? environment["PGUSER"].flatMap({ $0.isEmpty ? nil : $0 })
                ?? (login.isEmpty ? nil : login) else {
            throw bad("no user, and neither PGUSER nor a login name to use")
        }
        self.user = user
        password = components.password ?? environment["PGPASSWORD"]
        tls = .prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = TLSMode(rawValue: item.value ?? "") else {
                    throw bad("sslmode must be \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                tls = mode
            default:
                throw bad("planwatch knows the parameter sslmode, not '\(item.name)'")
            }
        }
    }

    /// The address without its password, for messages and logs.
    public var description: String {
        "postgres://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)"
    }

    /// `text` with any password replaced by `***`, for messages.
    public static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "***"
        return components.string ?? text
    }
}
