import Foundation
import ImprovementPlan
import NIOCore
import PlanStore
import PostgresNIO

/// The store's engine on PostgreSQL: the same store contract (`PlanStore`)
/// over a small pool of connections.
///
/// - A read is one `REPEATABLE READ, READ ONLY` transaction: one snapshot,
///   as SQLite's reads have.
/// - A write is one transaction that first takes planwatch's advisory lock
///   (`pg_advisory_xact_lock`), which every writer takes, then reads and
///   writes at `READ COMMITTED`. Writers are thus serialised, as SQLite's
///   `BEGIN IMMEDIATE` serialises them, so two server instances never fork
///   the audit chain, and each statement after the lock sees every write
///   committed before it. (Under `REPEATABLE READ` or `SERIALIZABLE` the
///   snapshot would be taken by the lock statement itself, before it waits,
///   and a writer would then read a stale chain head.) A transaction the
///   server still ends with a serialization failure or a deadlock (SQLSTATE
///   40001, 40P01) is run again, up to `attempts` times.
public final class PostgresEngine: StoreEngine, @unchecked Sendable {
    public let address: PostgresLocation
    public var location: String { address.description }
    private let pool: SessionPool
    /// How many times a write is tried when the server reports a serialization failure or deadlock.
    static let attempts = 5

    init(address: PostgresLocation, connections: Int) {
        self.address = address
        pool = SessionPool(location: address, limit: max(1, connections))
    }

    /// Opens the planwatch database at `address` as a store: its schema is
    /// brought up to date (with `create`, an empty database gets it), and
    /// `connections` connections serve it at most (the server's readers
    /// and its writer).
    public static func openStore(_ address: PostgresLocation, create: Bool, actor: String, command: String,
                                 connections: Int = 1) throws -> PlanStore {
        let store = try PostgresStore.open(address, create: create)
        let engine = PostgresEngine(address: address, connections: connections)
        engine.pool.checkIn(store.session)
        return PlanStore(engine: engine, actor: actor, command: command, createdNow: store.createdNow)
    }

    /// Lets `PlanStore.open` open `postgres://` addresses in this program.
    public static func register() {
        PlanStore.openPostgres = { address, create, actor, command, readers in
            try openStore(try PostgresLocation(address), create: create, actor: actor, command: command, connections: readers + 1)
        }
    }

    public func schemaVersions() throws -> [String] {
        try pool.with { session in try PostgresStore(session: session).schemaVersions() }
    }

    public func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        do {
            return try pool.with { session in
                try session.transaction(isolation: "REPEATABLE READ", readOnly: true) {
                    try body(PostgresSQLConnection(session: session))
                }
            }
        } catch let error as PostgresStatementError {
            throw error.storeError(location: location)
        }
    }

    public func write<T>(dryRun: Bool, bulk: Bool, _ body: (any SQLConnection) throws -> T) throws -> T {
        var attempt = 1
        while true {
            do {
                return try pool.with { session in
                    try session.query("BEGIN ISOLATION LEVEL READ COMMITTED")
                    do {
                        try session.query("SELECT pg_advisory_xact_lock($1)", [.integer(PostgresStore.writerLock)])
                        let result = try body(PostgresSQLConnection(session: session))
                        try session.query(dryRun ? "ROLLBACK" : "COMMIT")
                        return result
                    } catch {
                        _ = try? session.query("ROLLBACK")
                        throw error
                    }
                }
            } catch let error as PostgresStatementError where error.isRetryable && attempt < PostgresEngine.attempts {
                attempt += 1
                usleep(useconds_t(10_000 * attempt))
            } catch let error as PostgresStatementError {
                throw error.storeError(location: location)
            }
        }
    }
}

/// A statement the server refused, with its SQLSTATE.
struct PostgresStatementError: Error, CustomStringConvertible {
    let sqlState: String?
    let message: String

    var description: String { message }

    /// A serialization failure or a deadlock: the transaction may succeed if run again.
    var isRetryable: Bool { sqlState == "40001" || sqlState == "40P01" }

    /// What the user is told: a constraint refused the change (class 23), as
    /// on SQLite; anything else is the server's own line.
    func storeError(location: String) -> any Error {
        if let sqlState, sqlState.hasPrefix("23") { return PlanError.refused("the database refused the change: \(message)") }
        return PostgresStoreError.server(location: location, message: message)
    }
}

/// Connections kept open between transactions, at most `limit`; a caller
/// beyond that waits for one to come back.
final class SessionPool: @unchecked Sendable {
    private let location: PostgresLocation
    private let limit: Int
    private let lock = NSCondition()
    private var idle: [PostgresSession] = []
    private var open = 0

    init(location: PostgresLocation, limit: Int) {
        self.location = location; self.limit = limit
    }

    /// Adds a connection already open (the one that migrated the schema).
    func checkIn(_ session: PostgresSession) {
        lock.lock()
        open += 1
        idle.append(session)
        lock.unlock()
    }

    func with<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        lock.lock()
        while idle.isEmpty && open >= limit { lock.wait() }
        let session: PostgresSession
        if let last = idle.popLast() {
            session = last
            lock.unlock()
        } else {
            open += 1
            lock.unlock()
            do {
                session = try PostgresSession.connect(location)
            } catch {
                lock.lock(); open -= 1; lock.signal(); lock.unlock()
                throw error
            }
        }
        defer {
            lock.lock()
            if session.isUsable { idle.append(session) } else { open -= 1 }
            lock.signal()
            lock.unlock()
        }
        return try body(session)
    }
}

/// One PostgreSQL connection inside one transaction, speaking the store's SQL
/// (translated by `PostgresDialect`, each statement once per process).
final class PostgresSQLConnection: SQLConnection {
    let session: PostgresSession
    var dialect: SQLDialect { .postgres }

    init(session: PostgresSession) { self.session = session }

    private static let cacheLock = NSLock()
    nonisolated(unsafe) private static var translated: [String: (sql: String, parameters: [Int])] = [:]

    static func postgres(_ sql: String) -> (sql: String, parameters: [Int]) {
        cacheLock.lock()
        defer { cacheLock.unlock() }
        if let known = translated[sql] { return known }
        let statement = PostgresDialect.statement(sql)
        translated[sql] = statement
        return statement
    }

    private func execute(_ sql: String, _ values: [SQLValue]) throws -> ValueResult {
        let (statement, parameters) = PostgresSQLConnection.postgres(sql)
        // Each of the statement's parameters takes the value of the store's parameter it stands for.
        guard (parameters.max() ?? 0) == values.count else {
            throw PostgresStatementError(sqlState: nil, message: "wrong number of statement arguments: \(values.count), expected \(parameters.max() ?? 0)")
        }
        let bound = parameters.map { values[$0 - 1] }
        do {
            return try session.values(statement, bound)
        } catch let error as PostgresStatementError where PostgresSQLConnection.traceFailures {
            FileHandle.standardError.write(Data("planwatch: PostgreSQL refused: \(statement)\n".utf8))
            throw error
        }
    }

    /// PLANWATCH_TRACE_SQL=1 prints each statement PostgreSQL refuses (for developers).
    static let traceFailures = ProcessInfo.processInfo.environment["PLANWATCH_TRACE_SQL"] == "1"

    func run(sql: String, values: [SQLValue]) throws {
        _ = try execute(sql, values)
    }

    func firstRow(sql: String, values: [SQLValue]) throws -> SQLRow? {
        let result = try execute(sql, values)
        return result.rows.first.map { SQLRow(columns: result.columns, values: $0) }
    }

    func rows(sql: String, values: [SQLValue]) throws -> [SQLRow] {
        let result = try execute(sql, values)
        return result.rows.map { SQLRow(columns: result.columns, values: $0) }
    }

    func forEachRow(sql: String, values: [SQLValue], _ body: (SQLRow) throws -> Void) throws {
        let result = try execute(sql, values)
        for row in result.rows { try body(SQLRow(columns: result.columns, values: row)) }
    }

    func positional(sql: String, values: [SQLValue]) throws -> PositionalRows {
        PositionalRows(rows: try execute(sql, values).rows)
    }

    func insert(sql: String, _ bind: (inout Bindings) -> Void) throws {
        var bindings = Bindings()
        bind(&bindings)
        _ = try execute(sql, bindings.values)
    }

    func lastInsertedID() throws -> Int64 {
        try firstInteger(sql: "SELECT lastval()", values: []) ?? 0
    }

    /// The first column of the first row (NULL when there is no row).
    private func first(_ sql: String, _ values: [SQLValue]) throws -> SQLValue {
        try execute(sql, values).rows.first?.first ?? .null
    }

    func firstInteger(sql: String, values: [SQLValue]) throws -> Int64? { try first(sql, values).asInteger }

    func firstText(sql: String, values: [SQLValue]) throws -> String? { try first(sql, values).asText }
}

/// A statement's rows as the store's values.
struct ValueResult {
    var columns: SQLColumns
    var rows: [[SQLValue]]
}

/// A value sent untyped (type 0) in text form: PostgreSQL infers its type
/// from where it stands (a date against a date column, an id against a key),
/// as SQLite takes a value as its column's affinity.
struct UntypedText: PostgresDynamicTypeEncodable {
    let text: String
    var psqlType: PostgresDataType { .null }
    var psqlFormat: PostgresFormat { .text }
    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeString(text)
    }
}

extension PostgresSession {
    /// Runs one statement with the store's values; its rows, each cell converted
    /// by its type as SQLite would hold it (integers and booleans as integers,
    /// dates as ISO text, JSON and text as text).
    func values(_ sql: String, _ values: [SQLValue]) throws -> ValueResult {
        var binds = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .null: binds.appendNull()
            case let .integer(number): binds.append(UntypedText(text: String(number)))
            case let .real(number): binds.append(UntypedText(text: String(number)))
            case let .text(text): binds.append(UntypedText(text: text))
            }
        }
        let rows = try rawRows(PostgresQuery(unsafeSQL: sql, binds: binds))
        var columns: SQLColumns?
        var result: [[SQLValue]] = []
        result.reserveCapacity(rows.count)
        for row in rows {
            var cells: [SQLValue] = []
            var names: [String] = []
            for cell in row {
                if columns == nil { names.append(cell.columnName) }
                cells.append(try PostgresSession.value(cell))
            }
            if columns == nil { columns = SQLColumns(names) }
            result.append(cells)
        }
        return ValueResult(columns: columns ?? SQLColumns([]), rows: result)
    }

    /// PostgreSQL's epoch (2000-01-01) in days after 1970-01-01.
    static let epochDays = 10_957

    static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard var bytes = cell.bytes else { return .null }
        if cell.format == .text {
            let text = bytes.readString(length: bytes.readableBytes) ?? ""
            switch cell.dataType {
            case .int2, .int4, .int8: return .integer(Int64(text) ?? 0)
            case .bool: return .integer(text == "t" ? 1 : 0)
            default: return .text(text)
            }
        }
        switch cell.dataType {
        case .int2: return .integer(Int64(bytes.readInteger(as: Int16.self) ?? 0))
        case .int4: return .integer(Int64(bytes.readInteger(as: Int32.self) ?? 0))
        case .int8: return .integer(bytes.readInteger(as: Int64.self) ?? 0)
        case .bool: return .integer(bytes.readInteger(as: UInt8.self) ?? 0 != 0 ? 1 : 0)
        case .float4: return .real(Double(Float(bitPattern: bytes.readInteger(as: UInt32.self) ?? 0)))
        case .float8: return .real(Double(bitPattern: bytes.readInteger(as: UInt64.self) ?? 0))
        case .date:
            let days = Int(bytes.readInteger(as: Int32.self) ?? 0)
            return .text(CalendarDate(dayNumber: days + epochDays).iso)
        case .numeric:
            let number = try cell.decode(Decimal.self)
            let double = NSDecimalNumber(decimal: number).doubleValue
            if let whole = Int64(exactly: double) { return .integer(whole) }
            return .real(double)
        case .jsonb:
            _ = bytes.readInteger(as: UInt8.self)  // the format version
            return .text(bytes.readString(length: bytes.readableBytes) ?? "")
        case .text, .varchar, .name, .bpchar, .json, .unknown:
            return .text(bytes.readString(length: bytes.readableBytes) ?? "")
        default:
            throw PostgresStatementError(sqlState: nil, message: "column \(cell.columnName) has a type planwatch does not read (\(cell.dataType))")
        }
    }
}
