import Foundation
import ImprovementPlan
import Logging
import NIOCore
import NIOSSL
import PlanStore
import PostgresNIO

/// Problems reaching or using a PostgreSQL database, in one line each.
public enum PostgresStoreError: Error, Sendable, Equatable, LocalizedError, CustomStringConvertible {
    /// The server could not be reached or refused the login.
    case cannotConnect(location: String, reason: String)
    /// The server refused a statement (its own words, with the table or constraint it names).
    case server(location: String, message: String)
    /// The database holds tables planwatch did not make, or a newer planwatch's schema.
    case notAPlanwatchDatabase(location: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotConnect(location, reason): return "cannot connect to \(location): \(reason)"
        case let .server(location, message): return "\(location) refused: \(message)"
        case let .notAPlanwatchDatabase(location, reason): return "\(location) is not a planwatch database (\(reason))"
        }
    }

    public var errorDescription: String? { description }
}

/// One connection to a PostgreSQL database, used from synchronous code (the
/// command line): each call runs on PostgresNIO's event loop and the caller's
/// thread waits for its future. (Not through Swift's tasks: a caller on the
/// cooperative pool, blocked waiting, could starve the task it waits for.)
///
/// Statements go through PostgresNIO's extended protocol, every value bound as
/// a parameter (never spliced into SQL).
public final class PostgresSession: @unchecked Sendable {
    public let location: PostgresLocation
    private let connection: PostgresConnection
    private let logger: Logger

    private init(location: PostgresLocation, connection: PostgresConnection, logger: Logger) {
        self.location = location; self.connection = connection; self.logger = logger
    }

    /// Connects to the database at `location` (one attempt, ten seconds at most).
    public static func connect(_ location: PostgresLocation) throws -> PostgresSession {
        var logger = Logger(label: "planwatch.postgres")
        logger.logLevel = .critical
        let tls: PostgresConnection.Configuration.TLS
        do {
            switch location.tls {
            case .disable:
                tls = .disable
            case .prefer, .require:
                var configuration = TLSConfiguration.makeClientConfiguration()
                configuration.certificateVerification = .none
                let context = try NIOSSLContext(configuration: configuration)
                tls = location.tls == .prefer ? .prefer(context) : .require(context)
            case .verifyFull:
                tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        } catch {
            throw PostgresStoreError.cannotConnect(location: location.description, reason: "TLS could not be set up (\(error))")
        }
        var configuration = PostgresConnection.Configuration(host: location.host, port: location.port, username: location.user,
                                                             password: location.password, database: location.database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        let connectionConfiguration = configuration, quietLogger = logger
        let connection: PostgresConnection
        do {
            connection = try PostgresConnection.connect(on: PostgresConnection.defaultEventLoopGroup.any(), configuration: connectionConfiguration,
                                                        id: 1, logger: quietLogger).wait()
        } catch {
            throw PostgresStoreError.cannotConnect(location: location.description, reason: PostgresSession.reason(error))
        }
        return PostgresSession(location: location, connection: connection, logger: logger)
    }

    deinit {
        try? connection.close().wait()
    }

    /// Runs one statement; its rows, each value converted as `kinds` says
    /// (integer, real or text; a column beyond `kinds` is read as text).
    @discardableResult
    public func query(_ sql: String, _ values: [SQLValue] = [], kinds: [ColumnKind] = []) throws -> [[SQLValue]] {
        var binds = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .null: binds.appendNull()
            case let .integer(number): binds.append(number)
            case let .real(number): binds.append(number)
            case let .text(text): binds.append(text)
            }
        }
        let query = PostgresQuery(unsafeSQL: sql, binds: binds)
        do {
            let rows = try connection.query(query, logger: logger).wait().rows
            var result: [[SQLValue]] = []
            result.reserveCapacity(rows.count)
            for row in rows {
                var values: [SQLValue] = []
                values.reserveCapacity(kinds.count)
                for (index, cell) in row.enumerated() {
                    guard cell.bytes != nil else { values.append(.null); continue }
                    switch index < kinds.count ? kinds[index] : .text {
                    case .integer: values.append(.integer(try cell.decode(Int64.self)))
                    case .real: values.append(.real(try cell.decode(Double.self)))
                    case .text: values.append(.text(try cell.decode(String.self)))
                    }
                }
                result.append(values)
            }
            return result
        } catch {
            throw PostgresStoreError.server(location: location.description, message: PostgresSession.reason(error))
        }
    }

    /// Runs one statement and returns its rows as PostgresNIO gives them; a
    /// refusal is a `PostgresStatementError` carrying the server's SQLSTATE.
    func rawRows(_ query: PostgresQuery) throws -> [PostgresRow] {
        do {
            return try connection.query(query, logger: logger).wait().rows
        } catch let error as PSQLError {
            throw PostgresStatementError(sqlState: error.serverInfo?[.sqlState], message: PostgresSession.reason(error))
        } catch {
            throw PostgresStatementError(sqlState: nil, message: PostgresSession.reason(error))
        }
    }

    /// False once the connection has closed (the pool then drops it).
    var isUsable: Bool { !connection.isClosed }

    /// The first column of the first row as an integer (a count), or nil.
    public func integer(_ sql: String, _ values: [SQLValue] = []) throws -> Int64? {
        guard case let .integer(number)? = try query(sql, values, kinds: [.integer]).first?.first else { return nil }
        return number
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back
    /// when it throws. `isolation` is SQL's (`REPEATABLE READ`, `SERIALIZABLE`).
    public func transaction<T>(isolation: String = "REPEATABLE READ", readOnly: Bool = false, _ body: () throws -> T) throws -> T {
        try query("BEGIN ISOLATION LEVEL \(isolation)" + (readOnly ? " READ ONLY" : ""))
        do {
            let result = try body()
            try query("COMMIT")
            return result
        } catch {
            _ = try? query("ROLLBACK")
            throw error
        }
    }

    /// What went wrong, in one line: the server's message (with its detail),
    /// or the client's reason for the connection failing.
    static func reason(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let info = error.serverInfo, let message = info[.message] {
                var line = message
                // The detail, unless it is the whole failing row (long, and nothing the message does not say).
                if let detail = info[.detail], !detail.hasPrefix("Failing row contains") { line += " (\(detail))" }
                return line
            }
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
                if let underlying = error.underlying { return "\(underlying)" }
                return "the connection was closed"
            case .sslUnsupported: return "the server does not offer TLS, and sslmode requires it"
            case .unsupportedAuthMechanism, .authMechanismRequiresPassword: return "the server asks for a password (set PGPASSWORD)"
            default: return "\(error.code)"
            }
        }
        if let error = error as? PostgresDecodingError {
            return "a value of column \(error.columnName) could not be read as \(error.targetType)"
        }
        return "\(error)"
    }
}
