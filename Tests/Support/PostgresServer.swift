import Foundation
import PlanPostgres
import PlanStore

/// A throwaway PostgreSQL server for the tests: `initdb` in a temporary
/// folder, started on loopback on a free port, stopped when the test process
/// exits. Started once, by the first test that asks; each test then makes a
/// database of its own, owned by a login role that is not a superuser (what
/// docs/server.md tells an administrator to make).
///
/// PostgreSQL refuses to run as root: under root (CI) the server runs as the
/// `postgres` user that Debian's package makes.
public final class PostgresServer: @unchecked Sendable {
    public let port: Int
    public let folder: URL
    /// The superuser made by initdb (administration only: making databases, tampering in tests).
    public static let admin = "planwatch_admin"
    /// The role planwatch connects as: it owns its databases and nothing else.
    public static let appRole = "planwatch_app"

    private static let lock = NSLock()
    nonisolated(unsafe) private static var started: Result<PostgresServer, any Error>?
    nonisolated(unsafe) private static var running: (bin: String, folder: String, runAs: [String])?
    nonisolated(unsafe) private static var databases = 0

    private init(port: Int, folder: URL) { self.port = port; self.folder = folder }

    /// The server, started on first use; a missing PostgreSQL fails the test with one line naming it.
    public static func shared() throws -> PostgresServer {
        lock.lock(); defer { lock.unlock() }
        if let started { return try started.get() }
        let result = Result { try start() }
        started = result
        return try result.get()
    }

    /// A new empty database owned by the application role; its address.
    public func newDatabase() throws -> String {
        PostgresServer.lock.lock()
        PostgresServer.databases += 1
        let name = "planwatch_test_\(getpid())_\(PostgresServer.databases)"
        PostgresServer.lock.unlock()
        try admin("CREATE DATABASE \(name) OWNER \(PostgresServer.appRole)")
        return url(database: name)
    }

    public func url(database: String, user: String = PostgresServer.appRole) -> String {
        "postgres://\(user)@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// Runs SQL as the superuser in `database` (the server's own `postgres` database by default).
    @discardableResult
    public func admin(_ sql: String, database: String = "postgres") throws -> [[SQLValue]] {
        let session = try PostgresSession.connect(try PostgresLocation(url(database: database, user: PostgresServer.admin)))
        var rows: [[SQLValue]] = []
        for statement in sqlStatements(sql) { rows = try session.query(statement) }
        return rows
    }

    private static func start() throws -> PostgresServer {
        guard let bin = binFolder() else {
            throw ToolMissing("PostgreSQL's server programs (initdb, pg_ctl) are missing: scripts/test installs the Debian package postgresql")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("planwatch-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var runAs: [String] = []
        if getuid() == 0 {
            guard let user = getpwnam("postgres") else {
                throw ToolMissing("PostgreSQL will not run as root and there is no 'postgres' user: scripts/test installs the Debian package postgresql, which makes it")
            }
            let uid = user.pointee.pw_uid, gid = user.pointee.pw_gid
            guard chown(folder.path, uid, gid) == 0 else { throw ToolMissing("cannot give \(folder.path) to the postgres user") }
            runAs = ["/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(gid)", "--clear-groups"]
        }
        let data = folder.appendingPathComponent("data").path
        try run(runAs + ["\(bin)/initdb", "-D", data, "-U", admin, "--auth=trust", "-E", "UTF8", "--no-instructions"], what: "initdb")
        var lastError: (any Error)?
        for _ in 0..<5 {
            let port = freePort()
            do {
                try run(runAs + ["\(bin)/pg_ctl", "-D", data, "-l", folder.appendingPathComponent("log").path, "-w", "-t", "60", "-o",
                                 "-p \(port) -k \(folder.path) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start"],
                        what: "pg_ctl start")
                running = (bin, folder.path, runAs)
                atexit {
                    guard let (bin, folder, runAs) = PostgresServer.running else { return }
                    _ = try? PostgresServer.run(runAs + ["\(bin)/pg_ctl", "-D", folder + "/data", "-m", "immediate", "-w", "stop"], what: "pg_ctl stop")
                    try? FileManager.default.removeItem(atPath: folder)
                }
                let server = PostgresServer(port: port, folder: folder)
                try server.admin("CREATE ROLE \(appRole) LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE")
                return server
            } catch {
                lastError = error
            }
        }
        throw lastError ?? ToolMissing("PostgreSQL did not start")
    }

    /// Every table of a PostgreSQL database, row by row in key order: a logical dump to compare before and after.
    public static func dump(_ url: String) throws -> [String: TableDigestValue] {
        let store = try PostgresStore.connect(try PostgresLocation(url))
        var result: [String: TableDigestValue] = [:]
        try store.session.transaction(readOnly: true) {
            for (name, table) in try store.tableShapes() {
                var digest = TableDigest()
                try store.readTable(table) { rows in for row in rows { digest.add(row) } }
                result[name] = TableDigestValue(rows: digest.rows, hash: digest.finalize())
            }
        }
        return result
    }

    public struct TableDigestValue: Equatable, Sendable { public var rows: Int; public var hash: String }

    /// PostgreSQL's server programs: Debian keeps them in /usr/lib/postgresql/VERSION/bin (the newest wins).
    public static func binFolder() -> String? {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            let bin = "\(root)/\(version)/bin"
            if FileManager.default.isExecutableFile(atPath: "\(bin)/initdb") && FileManager.default.isExecutableFile(atPath: "\(bin)/pg_ctl") {
                return bin
            }
        }
        return nil
    }

    /// A port on loopback that nothing listens on now.
    public static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs a program to its end, its output to a file. Not through
    /// Foundation's Process: the server that pg_ctl leaves running would
    /// inherit the descriptors Process watches for the child's end (and any
    /// pipe), so the wait would never finish. posix_spawn closes every other
    /// descriptor in the child, and waitpid waits for the child alone.
    public static func run(_ arguments: [String], what: String) throws {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("planwatch-pg-output-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // glibc's posix_spawn_file_actions_addclosefrom_np (2.34 and later), which Swift's Glibc module does not show.
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
            throw ToolMissing("this C library has no posix_spawn_file_actions_addclosefrom_np (glibc 2.34 or later is needed)")
        }
        _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], &actions, nil, &argv, environ)
        guard spawned == 0 else { throw ToolMissing("\(what) could not start: \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // Exited normally with status 0 (WIFEXITED and WEXITSTATUS, which Swift does not import).
        guard status & 0x7F == 0, (status >> 8) & 0xFF == 0 else {
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            throw ToolMissing("\(what) failed: \(text.suffix(500))")
        }
    }
}

/// An outside tool the tests need is missing or failed: one line naming it.
public struct ToolMissing: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

