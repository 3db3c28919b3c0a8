import GRDB
import ImprovementPlan

/// SQLite's engine: one GRDB queue (or a pool of readers beside one writer,
/// for the server).
struct SQLiteEngine: StoreEngine {
    let writer: any DatabaseWriter
    let location: String

    func schemaVersions() throws -> [String] {
        try readDatabase { db in try PlanStore.migrator.appliedIdentifiers(db).sorted() }
    }

    func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try readDatabase { db in try body(db) }
    }

    /// Runs `body` on a snapshot of GRDB's own connection, SQLite's errors told as the store's.
    func readDatabase<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.read(body)
        } catch let error as DatabaseError {
            throw StoreError.from(error, path: location)
        }
    }

    /// `BEGIN IMMEDIATE`: SQLite's write lock is held from the transaction's
    /// start. A bulk write (an import) gives SQLite a larger page cache for
    /// its duration: a transaction adding hundreds of thousands of rows to
    /// several indexes otherwise spills dirty pages to the WAL and rewrites them.
    func write<T>(dryRun: Bool, bulk: Bool, _ body: (any SQLConnection) throws -> T) throws -> T {
        do {
            return try writer.writeWithoutTransaction { db in
                func transaction() throws -> T {
                    var result: T?
                    try db.inTransaction(.immediate) {
                        result = try body(db)
                        return dryRun ? .rollback : .commit
                    }
                    guard let result else { throw StoreError.corrupt("transaction returned nothing") }
                    return result
                }
                return bulk ? try PlanStore.withBulkCache(db, transaction) : try transaction()
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            // The schema's own checks are the last line of defence; name what they refused.
            throw PlanError.refused("the database refused the change: \(error.message ?? "constraint failed")")
        } catch let error as DatabaseError {
            throw StoreError.from(error, path: location)
        }
    }
}
