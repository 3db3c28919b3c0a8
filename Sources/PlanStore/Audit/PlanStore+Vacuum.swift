import GRDB
import ImprovementPlan

/// How much room `vacuum` gave back.
public struct VacuumReport: Codable, Sendable {
    public var pageSize: Int
    public var pagesBefore: Int
    public var freePagesBefore: Int
    public var pagesAfter: Int
    public var freePagesAfter: Int
    /// The trail's head, the same before and after: vacuuming rewrites pages, never records.
    public var head: AuditHead

    public var bytesBefore: Int { pagesBefore * pageSize }
    public var bytesAfter: Int { pagesAfter * pageSize }
}

extension PlanStore {
    /// Rebuilds the database file without its free pages (migrations and
    /// bulk imports leave some), with SQLite's `VACUUM`: one transaction, so
    /// readers (a running `planwatch serve`) see the database before or
    /// after, never between; a writer waits for it. The WAL is then
    /// checkpointed so the file on disk shrinks. Only pages move: the
    /// records, and so the audit trail's head, are the same before and after,
    /// which is checked, as is SQLite's own integrity check.
    public func vacuum() throws -> VacuumReport {
        func counts(_ db: Database) throws -> (pages: Int, free: Int, size: Int) {
            (try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0, try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0,
             try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0)
        }
        do {
            return try writer.writeWithoutTransaction { db in
                let before = try counts(db)
                let headBefore = try PlanStore.head(db)
                try db.execute(sql: "VACUUM")
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                let after = try counts(db)
                let check = try String.fetchAll(db, sql: "PRAGMA quick_check")
                guard check == ["ok"] else { throw StoreError.corrupt("after VACUUM: \(check.prefix(3).joined(separator: "; "))") }
                let headAfter = try PlanStore.head(db)
                guard headAfter == headBefore else { throw StoreError.corrupt("the audit trail's head changed during VACUUM") }
                return VacuumReport(pageSize: before.size, pagesBefore: before.pages, freePagesBefore: before.free,
                                    pagesAfter: after.pages, freePagesAfter: after.free, head: headAfter)
            }
        } catch let error as DatabaseError {
            throw StoreError.from(error, path: path)
        }
    }
}
