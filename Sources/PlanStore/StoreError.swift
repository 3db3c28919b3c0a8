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
        case let .corrupt(detail):
            return "the database holds a value planwatch cannot read: \(detail) (run 'planwatch verify')"
        }
    }

    public var errorDescription: String? { description }
}
