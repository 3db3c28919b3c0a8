import Foundation
import GRDB
import ImprovementPlan

/// A browser's login to `planwatch serve`: whose it is, the token its forms
/// must carry, and when it ends.
public struct WebSession: Sendable, Equatable {
    public var user: UserAccount
    /// Every form of the session carries it; a POST without it is refused.
    public var csrfToken: String
    /// UTC instant.
    public var expiresAt: String
}

/// Sessions are kept in the database, so a restart does not log everyone out
/// and several server processes on one file share them. Only the SHA-256 of
/// the cookie's secret is stored. Not audited: a login changes no record.
extension PlanStore {
    /// How long a login lasts: a working day.
    public static let sessionLifetime: TimeInterval = 8 * 3600

    /// The prefix of a session cookie's secret.
    static let sessionPrefix = "pws_"

    /// Starts a session for an account (already authenticated); returns the cookie's secret, shown once.
    public func startSession(user name: String) throws -> (secret: String, session: WebSession) {
        let secret = PlanStore.sessionPrefix + PlanStore.randomHex(32)
        let csrf = PlanStore.randomHex(32)
        let started = now()
        let expires = PlanStore.timestamp(started.addingTimeInterval(PlanStore.sessionLifetime))
        return try write { db, audit in
            let account = try PlanStore.user(db, name: name)
            guard !account.disabled else { throw PlanError.refused("user \(name) is disabled") }
            try db.run(sql: "DELETE FROM web_session WHERE expires_at <= ?", arguments: [audit.timestamp])
            try db.run(sql: "INSERT INTO web_session (secret_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                       arguments: [PlanStore.tokenHash(secret), try PlanStore.userID(db, name), csrf, audit.timestamp, expires])
            return (secret, WebSession(user: account, csrfToken: csrf, expiresAt: expires))
        }
    }

    /// The live session a cookie's secret names; nil for an unknown or expired one, or a disabled account's.
    public func session(forSecret secret: String) throws -> WebSession? {
        guard secret.hasPrefix(PlanStore.sessionPrefix), secret.utf8.count == PlanStore.sessionPrefix.utf8.count + 64 else { return nil }
        let at = PlanStore.timestamp(now())
        return try read { db in
            guard let row = try db.row(sql: """
                SELECT u.name, s.csrf_token, s.expires_at FROM web_session s JOIN app_user u ON u.id = s.user_id
                WHERE s.secret_hash = ? AND s.expires_at > ?
                """, arguments: [PlanStore.tokenHash(secret), at]) else { return nil }
            let account = try PlanStore.user(db, name: try row.required("name"))
            guard !account.disabled else { return nil }
            return WebSession(user: account, csrfToken: try row.required("csrf_token"), expiresAt: try row.required("expires_at"))
        }
    }

    /// Ends the session a cookie's secret names (logging out); nothing happens for an unknown one.
    public func endSession(secret: String) throws {
        try write { db, _ in try db.run(sql: "DELETE FROM web_session WHERE secret_hash = ?", arguments: [PlanStore.tokenHash(secret)]) }
    }

    /// Ends every session of an account: its password changed, or it was disabled.
    static func endSessions(_ db: any SQLConnection, user name: String) throws {
        try db.run(sql: "DELETE FROM web_session WHERE user_id = (SELECT id FROM app_user WHERE name = ?)", arguments: [name])
    }

    /// `bytes` random bytes from the system's generator, as hex.
    static func randomHex(_ bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return AuditEntry.hex((0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}
