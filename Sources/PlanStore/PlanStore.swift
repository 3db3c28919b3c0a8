import CSQLiteTuning
import Foundation
import GRDB
import ImprovementPlan
import Schema

/// The planwatch database: the store contract the command line and the
/// server call, above an engine (SQLite through GRDB, or PostgreSQL).
///
/// Every write method is one transaction holding the engine's writer lock
/// from its start (SQLite's `BEGIN IMMEDIATE`) that also appends its audit
/// entries, so a change and its record land together or not at all.
/// Methods are named after what the user means (`recordInspection`,
/// `extendDeadline`), not after tables. Validation, the rules, the audit
/// trail's content and hashing, import reconciliation and report models live
/// here once; each engine runs the same SQL, translating what it must.
public struct PlanStore: Sendable {
    let engine: any StoreEngine
    /// Where the database lives (`:memory:` for tests; a PostgreSQL address without its password).
    public let path: String
    /// Who is making changes, written into every audit entry.
    public var actor: String
    /// The command being run, written into every audit entry.
    public var command: String
    /// True when `open` made the database just now (`init` says so).
    public let createdNow: Bool
    /// The clock for audit timestamps (UTC instants).
    var now: @Sendable () -> Date

    /// SQLite set up for this process before its first database is opened
    /// (afterwards SQLite refuses, harmlessly): no count of the memory it
    /// holds, whose lock every allocation took (`CSQLiteTuning`).
    static let sqliteConfigured: Void = { _ = planwatch_sqlite_without_memory_count() }()

    /// Opens the database at `path`. With `create` (`init`, `demo`), a missing
    /// or empty file is made a new database, readable by its owner only;
    /// without it, a missing file is an error, and so is any file that is not
    /// already a planwatch database (an empty file, another program's SQLite
    /// database): it is refused untouched.
    ///
    /// With `readers` above zero (the server), an existing database is opened
    /// as a GRDB `DatabasePool`: that many reads run at once, each on its own
    /// snapshot, beside the one writer; otherwise one connection serves both.
    public static func open(path: String, create: Bool = false, actor: String, command: String, readers: Int = 0) throws -> PlanStore {
        if PlanStore.isPostgresAddress(path) {
            guard let open = PlanStore.openPostgres else { throw StoreError.noPostgresEngine }
            return try open(path, create, actor, command, readers)
        }
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        let exists = manager.fileExists(atPath: path, isDirectory: &isDirectory)
        if exists, isDirectory.boolValue {
            throw StoreError.notAPlanwatchDatabase(path: path, reason: "it is a folder, not a file")
        }
        let isEmpty = exists && !holdsData(path)
        let isNew = !exists || isEmpty
        if !exists {
            guard create else { throw StoreError.missingDatabase(path: path) }
            try checkWritableFolder(of: path)
            guard manager.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw StoreError.cannotWrite(folder: folder(of: path))
            }
        } else if isEmpty {
            guard create else {
                throw StoreError.notAPlanwatchDatabase(path: path, reason: "the file is empty; 'planwatch init' makes a database in it")
            }
            try checkWritableFolder(of: path)
            // An empty file someone made (mktemp, touch) becomes a database readable by its owner only.
            guard chmod(path, 0o600) == 0 else { throw StoreError.cannotWrite(folder: path) }
        } else {
            try checkHeader(path: path)
            // WAL keeps its index and log beside the database: planwatch writes there even to read.
            try checkWritableFolder(of: path)
        }
        // WAL is set once, when the file is made: the mode is stored in the file.
        // (GRDB's `journalMode = .wal` would also write to the file on every open,
        // so a refused command would not leave the file byte-for-byte as it was.)
        _ = PlanStore.sqliteConfigured
        var config = Configuration()
        config.busyMode = .callback(PlanStore.waitWhileBusy(path: path))
        config.foreignKeysEnabled = true
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let writer: any DatabaseWriter
        do {
            if readers > 0, !isNew {
                config.maximumReaderCount = readers
                writer = try DatabasePool(path: path, configuration: config)
            } else {
                let queue = try DatabaseQueue(path: path, configuration: config)
                if isNew { try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") } }
                writer = queue
            }
        } catch let error as DatabaseError {
            throw StoreError.notAPlanwatchDatabase(path: path, reason: error.message ?? "\(error.resultCode)")
        }
        let store = PlanStore(engine: SQLiteEngine(writer: writer, location: path), actor: actor, command: command,
                              createdNow: isNew && create)
        try store.migrate(create: isNew && create)
        return store
    }

    /// A store on `engine` (another engine's own `open` makes one, its schema brought up to date).
    public init(engine: any StoreEngine, actor: String, command: String, createdNow: Bool = false) {
        self.engine = engine
        self.createdNow = createdNow
        path = engine.location
        self.actor = actor
        self.command = command
        now = { Date() }
    }

    /// The SQLite database behind this store, for what only SQLite's engine
    /// does (verify, backup, vacuum, copy); another engine's store is refused.
    var writer: any DatabaseWriter {
        get throws { try sqlite.writer }
    }

    private var sqlite: SQLiteEngine {
        get throws {
            guard let sqlite = engine as? SQLiteEngine else { throw StoreError.sqliteOnly(path: path) }
            return sqlite
        }
    }

    /// Opens a `postgres://` address (address, create, actor, command,
    /// readers): set by a program that links the PostgreSQL engine
    /// (`planwatch-postgres`, `planwatch-serve`); nil elsewhere.
    nonisolated(unsafe) public static var openPostgres: (@Sendable (String, Bool, String, String, Int) throws -> PlanStore)?

    /// How long a command waits for another planwatch's write (a long import)
    /// before giving up with a message; each wait is told on standard error.
    static let longestWait: Double = 3_600

    /// SQLite's busy handler: sleep a little and try again, saying once, after
    /// a second, that another planwatch is writing; give up after `longestWait`.
    /// A user never sees SQLite's "database is locked".
    static func waitWhileBusy(path: String) -> Database.BusyCallback {
        let pause: UInt32 = 10_000  // microseconds between tries
        let triesPerSecond = 1_000_000 / Int(pause)
        return { tries in
            if tries == triesPerSecond {
                let line = "planwatch: another planwatch is writing to '\(path)' (an import?); waiting for it to finish…\n"
                FileHandle.standardError.write(Data(line.utf8))
            }
            guard Double(tries) < longestWait * Double(triesPerSecond) else { return false }
            usleep(pause)
            return true
        }
    }

    /// True when `text` names a PostgreSQL database (`postgres://...`,
    /// `postgresql://...`) rather than an SQLite file.
    public static func isPostgresAddress(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
    }

    /// True when a file exists at `path` and is not empty (an empty file is not a database yet).
    public static func holdsData(_ path: String) -> Bool {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0) > 0
    }

    /// The folder a database file lives in.
    static func folder(of path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    /// Refuses a database whose folder planwatch cannot write in, naming the folder.
    static func checkWritableFolder(of path: String) throws {
        let folder = folder(of: path)
        if access(folder, W_OK | X_OK) != 0 { throw StoreError.cannotWrite(folder: folder) }
    }

    /// A private in-memory database, migrated: for tests and dry runs.
    public static func inMemory(actor: String = "test", command: String = "test") throws -> PlanStore {
        let queue = try DatabaseQueue(configuration: Configuration())
        let store = PlanStore(engine: SQLiteEngine(writer: queue, location: ":memory:"), actor: actor, command: command)
        try store.migrate()
        return store
    }

    /// A copy of this store writing with a fixed clock (for reproducible tests).
    public func withClock(_ clock: @escaping @Sendable () -> Date) -> PlanStore {
        var copy = self
        copy.now = clock
        return copy
    }

    static func checkHeader(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw StoreError.notAPlanwatchDatabase(path: path, reason: "the file cannot be read")
        }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        if !header.isEmpty && header != Data("SQLite format 3\u{0}".utf8) {
            throw StoreError.notAPlanwatchDatabase(path: path, reason: "it is not an SQLite file")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in Migrations.all {
            migrator.registerMigration(migration.identifier) { db in
                try db.execute(sql: migration.sql)
            }
        }
        return migrator
    }

    /// The schema versions this planwatch knows, oldest first.
    public static var knownSchemaVersions: [String] { Migrations.all.map(\.identifier) }

    /// The first migration: a database that has it applied is planwatch's.
    static let firstMigration = "0001_initial"

    /// Brings an older database up to date; refuses one from a newer planwatch,
    /// and any SQLite file that is not planwatch's (unless `create`, and then
    /// only a file with nothing in it), without touching it.
    func migrate(create: Bool = false) throws {
        // The common case, a database already at this version, costs one small read.
        let current = try writer.read { db -> Bool in
            guard try db.tableExists("grdb_migrations") else { return false }
            return Set(try db.all(String.self, sql: "SELECT identifier FROM grdb_migrations")) == Set(PlanStore.knownSchemaVersions)
        }
        if current { return }
        let migrator = PlanStore.migrator
        try writer.read { db in
            let tables = try db.all(String.self, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
            if tables.isEmpty {
                guard create || path == ":memory:" else {
                    throw StoreError.notAPlanwatchDatabase(path: path, reason: "it is an empty SQLite database; 'planwatch init' makes one")
                }
                return
            }
            guard tables.contains("grdb_migrations") else {
                throw StoreError.notAPlanwatchDatabase(path: path, reason: "it holds another program's tables")
            }
            let applied = try db.all(String.self, sql: "SELECT identifier FROM grdb_migrations")
            guard applied.contains(PlanStore.firstMigration) else {
                throw StoreError.notAPlanwatchDatabase(path: path, reason: "it holds another program's tables")
            }
            if try migrator.hasBeenSuperseded(db) {
                let applied = try migrator.appliedIdentifiers(db).sorted()
                throw StoreError.newerSchema(path: path, found: applied, known: PlanStore.knownSchemaVersions)
            }
        }
        try migrator.migrate(writer)
    }

    /// The schema versions applied to this database.
    public func schemaVersions() throws -> [String] {
        try engine.schemaVersions()
    }

    /// Runs `body` in one write transaction with an audit writer. With
    /// `dryRun` the transaction is rolled back: everything is checked, nothing kept.
    func write<T>(dryRun: Bool = false, bulk: Bool = false, _ body: (any SQLConnection, AuditWriter) throws -> T) throws -> T {
        let audit = AuditWriter(actor: actor, command: command, timestamp: PlanStore.timestamp(now()))
        return try engine.write(dryRun: dryRun, bulk: bulk) { db in try body(db, audit) }
    }

    /// Runs `body` on one consistent snapshot.
    func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try engine.read(body)
    }

    /// Runs `body` on SQLite's own connection (what only SQLite's engine does).
    func readSQLite<T>(_ body: (Database) throws -> T) throws -> T {
        try sqlite.readDatabase(body)
    }

    /// The page cache of a bulk write, in SQLite's negative-KiB form.
    static let bulkCacheKiB = -65_536

    /// Runs `body` with the bulk write's page cache, then puts the connection's own back.
    static func withBulkCache<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        let previousCache = try Int.fetchOne(db, sql: "PRAGMA cache_size")
        defer { if let previousCache { try? db.execute(sql: "PRAGMA cache_size = \(previousCache)") } }
        try db.execute(sql: "PRAGMA cache_size = \(PlanStore.bulkCacheKiB)")
        return try body()
    }

    /// An audit timestamp: the UTC instant to the millisecond, `2025-06-01T09:30:00.250Z`,
    /// as `ISO8601DateFormatter` writes it with fractional seconds (that formatter,
    /// built on ICU, cost a few milliseconds of every command's start).
    static func timestamp(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let perDay: Int64 = 86_400_000
        let days = millis >= 0 ? millis / perDay : (millis - perDay + 1) / perDay
        var rest = Int(millis - days * perDay)
        let ms = rest % 1000; rest /= 1000
        let second = rest % 60; rest /= 60
        let minute = rest % 60
        let hour = rest / 60
        func two(_ n: Int) -> String { n < 10 ? "0" + String(n) : String(n) }
        let fraction = ms < 10 ? "00" + String(ms) : ms < 100 ? "0" + String(ms) : String(ms)
        return CalendarDate(dayNumber: Int(days)).iso + "T" + two(hour) + ":" + two(minute) + ":" + two(second) + "." + fraction + "Z"
    }
}
