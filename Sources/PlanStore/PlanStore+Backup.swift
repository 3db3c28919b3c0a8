import Foundation
import GRDB
import ImprovementPlan

/// Consistent copies of the database, and putting one back.
extension PlanStore {
    /// Copies the database to a new file with SQLite's online backup API (a
    /// consistent copy even while others write), readable by its owner only,
    /// and verifies the copy. A copy that does not verify is removed.
    public func backup(to path: String) throws -> VerifyReport {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw PlanError.refused("'\(path)' already exists; back up to a new file")
        }
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw PlanError.refused("'\(path)' cannot be created")
        }
        do {
            let destination = try DatabaseQueue(path: path)
            try writer.backup(to: destination)
            try destination.close()
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
    /// scratch copy). The restore is then recorded in the restored trail.
    public func restore(from path: String) throws -> VerifyReport {
        guard FileManager.default.fileExists(atPath: path) else { throw PlanError.notFound(entity: "backup", key: path) }
        try PlanStore.checkHeader(path: path)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("planwatch-restore-\(UUID().uuidString).sqlite").path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: scratch + suffix) }
        }
        guard FileManager.default.createFile(atPath: scratch, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw PlanError.refused("no room for a scratch copy of '\(path)'")
        }
        let source = try DatabaseQueue(path: path, configuration: {
            var config = Configuration()
            config.readonly = true
            return config
        }())
        try source.backup(to: try DatabaseQueue(path: scratch))
        try source.close()
        let candidate = try PlanStore.open(path: scratch, actor: actor, command: command)
        let report = try candidate.verify()
        guard report.ok else {
            throw PlanError.refused("'\(path)' does not verify, so the database was left as it was: \(report.problems.first ?? "")")
        }
        try candidate.writer.backup(to: writer)
        try write { db, audit in
            try audit.record(db, entity: "database", key: "restore", before: String?.none, after: "restored from \(path)",
                             operation: "insert")
        }
        return report
    }
}
