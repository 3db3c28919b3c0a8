import Foundation
import GRDB
import ImprovementPlan

/// The last entry of an audit trail: its sequence number and hash. Whoever
/// notes it down can later check that the trail still begins with it.
public struct AuditHead: Codable, Sendable, Equatable, CustomStringConvertible {
    public var seq: Int64
    public var hash: String

    public init(seq: Int64, hash: String) { self.seq = seq; self.hash = hash }

    /// The head of an empty trail.
    public static let empty = AuditHead(seq: 0, hash: AuditEntry.genesis)

    /// `SEQ:HASH`, as `verify` prints it and `verify --expect` reads it.
    public var description: String { "\(seq):\(hash)" }

    /// Reads `SEQ:HASH`.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let seq = Int64(parts[0]), seq >= 0, parts[1].utf8.count == 64,
              parts[1].utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { return nil }
        self.seq = seq
        self.hash = String(parts[1])
    }
}

/// Later entries a restore would discard, grouped by who made them and how.
public struct DiscardedChanges: Sendable, Equatable {
    public struct Group: Sendable, Equatable {
        public var actor: String
        public var command: String
        public var entries: Int
    }
    public var entries: Int
    public var groups: [Group]
}

/// What `restore` did: the backup's verification, the head it replaced and what it discarded.
public struct RestoreResult: Sendable {
    public var report: VerifyReport
    public var replaced: AuditHead
    public var restored: AuditHead
    public var discarded: DiscardedChanges
    /// False when the backup is not an earlier state of this database (restored with `force`).
    public var wasPrefix: Bool
}

/// Why a restore did not go ahead; nothing was changed.
public enum RestoreRefusal: Error, Sendable, CustomStringConvertible {
    /// The database has audit entries after the backup's head.
    case laterChanges(path: String, DiscardedChanges)
    /// The backup's trail is not the beginning of this database's trail.
    case notAnEarlierState(path: String, backupHead: AuditHead, detail: String)

    public var description: String {
        switch self {
        case let .laterChanges(path, discarded):
            let who = discarded.groups.map { "\($0.entries) by \($0.actor) (\($0.command))" }.joined(separator: ", ")
            return "restoring '\(path)' would discard \(discarded.entries) later audit \(discarded.entries == 1 ? "entry" : "entries"): \(who); run again with --discard-later-changes to restore it"
        case let .notAnEarlierState(path, head, detail):
            return "'\(path)' is not an earlier state of this database (\(detail); the backup's head is \(head.seq)); restore it anyway with --force"
        }
    }
}

/// Consistent copies of the database, and putting one back.
extension PlanStore {
    /// The head of this database's audit trail.
    public func auditHead() throws -> AuditHead {
        try read { db in try PlanStore.head(db) }
    }

    /// The head of the audit trail of another planwatch file (a backup), read without changing it.
    public static func auditHead(ofFile path: String) throws -> AuditHead {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw PlanError.notFound(entity: "backup", key: path)
        }
        try checkHeader(path: path)
        do {
            var config = Configuration()
            config.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: config)
            defer { try? queue.close() }
            return try queue.read { db in
                guard try db.tableExists("audit_entry") else {
                    throw StoreError.notAPlanwatchDatabase(path: path, reason: "it has no audit trail")
                }
                return try head(db)
            }
        } catch let error as DatabaseError {
            throw StoreError.from(error, path: path)
        }
    }

    static func head(_ db: any SQLConnection) throws -> AuditHead {
        guard let row = try db.row(sql: AuditWriter.headSQL) else { return .empty }
        return AuditHead(seq: try row.required("seq"), hash: try row.required("hash"))
    }

    /// Copies the database to a new file with SQLite's online backup API (a
    /// consistent copy even while others write), readable by its owner only,
    /// and verifies the copy. A copy that does not verify is removed.
    public func backup(to path: String) throws -> VerifyReport {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw PlanError.refused("'\(path)' already exists; back up to a new file")
        }
        try PlanStore.checkWritableFolder(of: path)
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw StoreError.cannotWrite(folder: PlanStore.folder(of: path))
        }
        do {
            do {
                let destination = try DatabaseQueue(path: path)
                try writer.backup(to: destination)
                try destination.close()
            } catch let error as DatabaseError {
                throw StoreError.from(error, path: path)
            }
            let copy = try PlanStore.open(path: path, actor: actor, command: command)
            let report = try copy.verify()
            guard report.ok else {
                throw PlanError.refused("the copy does not verify: \(report.problems.first ?? "")")
            }
            return report
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            throw error
        }
    }

    /// Replaces this database with a backup, only after the backup verifies.
    /// The backup file itself is not changed (an older one is migrated in a
    /// scratch copy). Unless `force`, the backup's trail must be the
    /// beginning of this database's; unless `discardLaterChanges`, this
    /// database must have nothing after it. The restore is then recorded in
    /// the restored trail, naming the head it replaced.
    public func restore(from path: String, discardLaterChanges: Bool = false, force: Bool = false) throws -> RestoreResult {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PlanError.notFound(entity: "backup", key: path)
        }
        guard !isDirectory.boolValue else { throw PlanError.refused("'\(path)' is a folder, not a backup file") }
        try PlanStore.checkHeader(path: path)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("planwatch-restore-\(UUID().uuidString).sqlite").path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: scratch + suffix) }
        }
        guard FileManager.default.createFile(atPath: scratch, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw PlanError.refused("no room for a scratch copy of '\(path)'")
        }
        let candidate: PlanStore
        do {
            let source = try DatabaseQueue(path: path, configuration: {
                var config = Configuration()
                config.readonly = true
                return config
            }())
            try source.backup(to: try DatabaseQueue(path: scratch))
            try source.close()
            candidate = try PlanStore.open(path: scratch, actor: actor, command: command)
        } catch let error as DatabaseError {
            throw StoreError.from(error, path: path)
        } catch let error as StoreError {
            // Messages name the user's file, never the scratch copy.
            throw StoreError.renamed(error, from: scratch, to: path)
        }
        let report = try candidate.verify()
        guard report.ok else {
            throw PlanError.refused("'\(path)' does not verify, so the database was left as it was: \(report.problems.first ?? "")")
        }
        let restored = try candidate.auditHead()
        let (replaced, discarded, wasPrefix) = try readSQLite { db -> (AuditHead, DiscardedChanges, Bool) in
            let current = try PlanStore.head(db)
            let atSeq = try db.one(String.self, sql: "SELECT hash FROM audit_entry WHERE seq = ?", arguments: [restored.seq])
            let isPrefix = restored == .empty || atSeq == restored.hash
            if !isPrefix && !force {
                let detail = atSeq == nil
                    ? "this database has no audit entry \(restored.seq)"
                    : "its audit entry \(restored.seq) differs from this database's"
                throw RestoreRefusal.notAnEarlierState(path: path, backupHead: restored, detail: detail)
            }
            let rows = try db.rows(sql: """
                SELECT actor, command, count(*) AS entries FROM audit_entry WHERE seq > ?
                GROUP BY actor, command ORDER BY min(seq)
                """, arguments: [isPrefix ? restored.seq : 0])
            let groups = try rows.map {
                DiscardedChanges.Group(actor: try $0.required("actor"), command: try $0.required("command"), entries: try $0.required("entries"))
            }
            return (current, DiscardedChanges(entries: groups.reduce(0) { $0 + $1.entries }, groups: groups), isPrefix)
        }
        if discarded.entries > 0 && !discardLaterChanges && wasPrefix {
            throw RestoreRefusal.laterChanges(path: path, discarded)
        }
        do {
            try candidate.writer.backup(to: writer)
        } catch let error as DatabaseError {
            throw StoreError.from(error, path: self.path)
        }
        let note = "restored from \(path); replaced head \(replaced)" + (wasPrefix ? "" : " (not an earlier state; --force)")
            + (discarded.entries > 0 ? "; \(discarded.entries) later audit entries discarded" : "")
        try write { db, audit in
            try audit.record(db, .database(.restore), before: String?.none, after: note, operation: "insert")
        }
        return RestoreResult(report: report, replaced: replaced, restored: restored, discarded: discarded, wasPrefix: wasPrefix)
    }
}

extension StoreError {
    /// The same error, naming `to` wherever it named the file at `from`.
    static func renamed(_ error: StoreError, from: String, to: String) -> StoreError {
        func swap(_ path: String) -> String { path == from ? to : path }
        switch error {
        case let .missingDatabase(path): return .missingDatabase(path: swap(path))
        case let .alreadyInitialised(path): return .alreadyInitialised(path: swap(path))
        case let .newerSchema(path, found, known): return .newerSchema(path: swap(path), found: found, known: known)
        case let .notAPlanwatchDatabase(path, reason): return .notAPlanwatchDatabase(path: swap(path), reason: reason)
        case let .diskFull(path): return .diskFull(path: swap(path))
        case let .io(path, problem): return .io(path: swap(path), problem: problem)
        case let .busy(path): return .busy(path: swap(path))
        case let .sqliteOnly(path): return .sqliteOnly(path: swap(path))
        case .corrupt, .cannotWrite, .noPostgresEngine: return error
        }
    }
}
