import Foundation

/// Problems with the database file itself, as opposed to what was asked of it.
public enum StoreError: Error, Equatable, Sendable, LocalizedError, CustomStringConvertible {
    /// No database at the path; `planwatch init` makes one.
    case missingDatabase(path: String)
    /// A database already exists where `init` was asked to make one.
    case alreadyInitialised(path: String)
    /// The file was written by a newer planwatch; it is left untouched.
    case newerSchema(path: String, found: [String], known: [String])
    /// The file is not a planwatch database (or not SQLite at all).
    case notAPlanwatchDatabase(path: String, reason: String)
    /// A stored value cannot be read back: the file was changed behind planwatch's back.
    case corrupt(String)
    /// The folder of the database (or of a file to write) does not let planwatch write in it.
    case cannotWrite(folder: String)
    /// The disk holding the file has no room left; nothing was changed.
    case diskFull(path: String)
    /// The operating system could not read or write the file.
    case io(path: String, problem: String)
    /// Another planwatch held the database for longer than a command waits.
    case busy(path: String)
    /// A PostgreSQL address given to a program built without the PostgreSQL engine.
    case noPostgresEngine
    /// Something only SQLite's engine does (verify, backup, vacuum, copy in the store), asked of another engine's store.
    case sqliteOnly(path: String)

    public var description: String {
        switch self {
        case let .missingDatabase(path):
            return "no planwatch database at '\(path)' (run 'planwatch init' to create one, or pass --db)"
        case let .alreadyInitialised(path):
            return "'\(path)' is already a planwatch database"
        case let .newerSchema(path, found, known):
            return "'\(path)' was written by a newer planwatch (schema \(found.last ?? "?"); this planwatch knows up to \(known.last ?? "?")); it was left untouched"
        case let .notAPlanwatchDatabase(path, reason):
            return "'\(path)' is not a planwatch database (\(reason))"
        case let .cannotWrite(folder):
            return "cannot write in '\(folder)' (planwatch keeps its journal beside the database; check the folder's permissions)"
        case let .diskFull(path):
            return "no room left on the disk to write '\(path)'; nothing was changed (free some space and run the command again)"
        case let .io(path, problem):
            return "cannot read or write '\(path)' (\(problem))"
        case let .busy(path):
            return "'\(path)' is still being written by another planwatch after an hour of waiting; nothing was changed (try again when it has finished)"
        case .noPostgresEngine:
            return "this program opens SQLite databases only; a PostgreSQL database (postgres://…) is opened by planwatch-postgres, which planwatch runs (see docs/server.md, 'Running on PostgreSQL')"
        case let .sqliteOnly(path):
            return "'\(path)' is not an SQLite database, and this works on an SQLite file only (PostgreSQL has its own: see docs/server.md, 'Running on PostgreSQL')"
        case let .corrupt(detail):
            return "the database holds a value planwatch cannot read: \(detail) (run 'planwatch verify')"
        }
    }

    public var errorDescription: String? { description }
}

import GRDB

extension StoreError {
    /// What a user is told for an SQLite error about the file at `path`,
    /// instead of SQLite's own words ("SQLite error 13: not an error").
    static func from(_ error: DatabaseError, path: String) -> StoreError {
        switch error.resultCode {
        case .SQLITE_FULL: return .diskFull(path: path)
        case .SQLITE_BUSY, .SQLITE_LOCKED: return .busy(path: path)
        case .SQLITE_READONLY: return .cannotWrite(folder: PlanStore.folder(of: path))
        case .SQLITE_NOTADB: return .notAPlanwatchDatabase(path: path, reason: "it is not an SQLite file")
        case .SQLITE_CORRUPT: return .corrupt("'\(path)' is damaged (\(error.message ?? "database disk image is malformed"))")
        case .SQLITE_CANTOPEN: return .io(path: path, problem: "it cannot be opened")
        default: return .io(path: path, problem: error.message ?? "SQLite result \(error.resultCode.rawValue)")
        }
    }
}
