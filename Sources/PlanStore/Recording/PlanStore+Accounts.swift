import Crypto
import Foundation
import GRDB
import HummingbirdBcrypt
import ImprovementPlan

/// The accounts of `planwatch serve`: users, the partnerships their role
/// covers, their passwords (bcrypt hashes only) and their scripts' tokens
/// (SHA-256 of the secret only). Every change is audited like any other
/// record, without the hash.
extension PlanStore {
    /// bcrypt's work factor: 2^12 rounds, about a quarter of a second here.
    static let bcryptCost: UInt8 = 12

    /// The prefix of every token, so a leaked one is recognised for what it is.
    public static let tokenPrefix = "pwt_"

    /// Adds an account, with a password when one is given (else it can use tokens only until one is set).
    @discardableResult
    public func addUser(_ account: UserAccount, password: String? = nil) throws -> UserAccount {
        try account.validate()
        if let password { try UserAccount.validatePassword(password) }
        // Hashed before the write lock is taken: bcrypt is slow on purpose.
        let hash = password.map { Bcrypt.hash($0, cost: PlanStore.bcryptCost) }
        return try write { db, audit in
            if try db.one(Bool.self, sql: "SELECT EXISTS (SELECT 1 FROM app_user WHERE name = ?)", arguments: [account.name]) == true {
                throw PlanError.duplicate(entity: "user", key: account.name)
            }
            let partnershipIDs = try account.partnerships.map { try Lookup.partnershipID(db, $0) }
            try db.run(sql: """
                INSERT INTO app_user (name, email, role, password_hash, password_set_at, disabled, created_at) VALUES (?, ?, ?, ?, ?, 0, ?)
                """, arguments: [account.name, account.email, account.role, hash, hash == nil ? nil : audit.timestamp, audit.timestamp])
            let uid = try db.lastInsertedID()
            for pid in Set(partnershipIDs) {
                try db.run(sql: "INSERT INTO user_partnership (user_id, partnership_id) VALUES (?, ?)", arguments: [uid, pid])
            }
            let stored = try PlanStore.user(db, name: account.name)
            try audit.record(db, .user(account.name), before: UserAccount?.none, after: stored)
            return stored
        }
    }

    /// Sets (or replaces) an account's password.
    @discardableResult
    public func setPassword(user name: String, password: String) throws -> UserAccount {
        try UserAccount.validatePassword(password)
        _ = try read { db in try PlanStore.user(db, name: name) }
        let hash = Bcrypt.hash(password, cost: PlanStore.bcryptCost)
        return try write { db, audit in
            let before = try PlanStore.user(db, name: name)
            try db.run(sql: "UPDATE app_user SET password_hash = ?, password_set_at = ? WHERE name = ?", arguments: [hash, audit.timestamp, name])
            try PlanStore.endSessions(db, user: name)
            let after = try PlanStore.user(db, name: name)
            try audit.record(db, .user(name), before: before, after: after)
            return after
        }
    }

    /// Disables an account (it can no longer log in or use its tokens) or enables it again.
    @discardableResult
    public func setDisabled(user name: String, _ disabled: Bool) throws -> UserAccount {
        try write { db, audit in
            let before = try PlanStore.user(db, name: name)
            guard before.disabled != disabled else {
                throw PlanError.refused("user \(name) is already \(disabled ? "disabled" : "enabled")")
            }
            try db.run(sql: "UPDATE app_user SET disabled = ? WHERE name = ?", arguments: [disabled, name])
            if disabled { try PlanStore.endSessions(db, user: name) }
            let after = try PlanStore.user(db, name: name)
            try audit.record(db, .user(name), before: before, after: after)
            return after
        }
    }

    /// Every account, by name.
    public func users() throws -> [UserAccount] {
        try read { db in try db.rows(sql: Select.user + " ORDER BY u.name").map(UserAccount.init(row:)) }
    }

    /// One account.
    public func user(named name: String) throws -> UserAccount {
        try read { db in try PlanStore.user(db, name: name) }
    }

    /// The account a name and password belong to; nil for an unknown name, a
    /// disabled account, one without a password, or a wrong password — the
    /// caller cannot tell which, and each costs one bcrypt check, so the time
    /// taken does not tell either.
    public func authenticate(user name: String, password: String) throws -> UserAccount? {
        let found = try read { db -> (UserAccount, String?)? in
            guard let row = try db.row(sql: "SELECT password_hash FROM app_user WHERE name = ?", arguments: [name]) else { return nil }
            return (try PlanStore.user(db, name: name), row["password_hash"])
        }
        let hash = found?.1 ?? PlanStore.decoyHash
        let matches = password.utf8.count <= UserAccount.longestPassword && Bcrypt.verify(password, hash: hash)
        guard let (account, stored) = found, stored != nil, matches, !account.disabled else { return nil }
        return account
    }

    /// A hash no password matches, checked against when a name is unknown.
    static let decoyHash = Bcrypt.hash(UUID().uuidString + UUID().uuidString, cost: bcryptCost)

    /// Makes a token for a script acting as `user`. The secret is returned
    /// here once and never stored: only its SHA-256.
    public func createToken(user name: String, label: String? = nil) throws -> (token: APIToken, secret: String) {
        try Validation.optionalLine(label, field: "label")
        let secret = PlanStore.tokenPrefix + PlanStore.randomHex(32)
        return try write { db, audit in
            let account = try PlanStore.user(db, name: name)
            guard !account.disabled else { throw PlanError.refused("user \(name) is disabled: enable the account before making it a token") }
            let uid = try PlanStore.userID(db, name)
            try db.run(sql: "INSERT INTO api_token (user_id, label, secret_hash, created_at) VALUES (?, ?, ?, ?)",
                       arguments: [uid, label, PlanStore.tokenHash(secret), audit.timestamp])
            let token = try PlanStore.token(db, id: db.lastInsertedID())
            try audit.record(db, .apiToken(token.id), before: APIToken?.none, after: token)
            return (token, secret)
        }
    }

    /// Revokes a token: from now on it answers 401.
    @discardableResult
    public func revokeToken(id: Int64) throws -> APIToken {
        try write { db, audit in
            let before = try PlanStore.token(db, id: id)
            guard before.revokedAt == nil else { throw PlanError.refused("token \(id) was already revoked at \(before.revokedAt ?? "")") }
            try db.run(sql: "UPDATE api_token SET revoked_at = ? WHERE id = ?", arguments: [audit.timestamp, id])
            let after = try PlanStore.token(db, id: id)
            try audit.record(db, .apiToken(id), before: before, after: after)
            return after
        }
    }

    /// Tokens, all or one user's, oldest first.
    public func tokens(user name: String? = nil) throws -> [APIToken] {
        try read { db in
            if let name { _ = try PlanStore.userID(db, name) }
            return try db.rows(sql: Select.token + " WHERE ?1 IS NULL OR u.name = ?1 ORDER BY t.id", arguments: [name]).map(APIToken.init(row:))
        }
    }

    /// The account a presented token acts for; nil for an unknown or revoked token or a disabled account.
    public func account(forToken secret: String) throws -> UserAccount? {
        guard secret.hasPrefix(PlanStore.tokenPrefix), secret.utf8.count == PlanStore.tokenPrefix.utf8.count + 64 else { return nil }
        return try read { db in
            guard let name = try db.one(String.self, sql: """
                SELECT u.name FROM api_token t JOIN app_user u ON u.id = t.user_id WHERE t.secret_hash = ? AND t.revoked_at IS NULL
                """, arguments: [PlanStore.tokenHash(secret)]) else { return nil }
            let account = try PlanStore.user(db, name: name)
            return account.disabled ? nil : account
        }
    }

    static func tokenHash(_ secret: String) -> String { AuditEntry.hex(SHA256.hash(data: Data(secret.utf8))) }

    static func userID(_ db: any SQLConnection, _ name: String) throws -> Int64 {
        guard let id = try db.one(Int64.self, sql: "SELECT id FROM app_user WHERE name = ?", arguments: [name]) else {
            throw PlanError.notFound(entity: "user", key: name,
                                     closest: Suggestion.closest(to: name, among: try db.all(String.self, sql: "SELECT name FROM app_user")))
        }
        return id
    }

    static func user(_ db: any SQLConnection, name: String) throws -> UserAccount {
        guard let row = try db.row(sql: Select.user + " WHERE u.name = ?", arguments: [name]) else {
            _ = try userID(db, name)  // throws the message, with the nearest name
            throw PlanError.notFound(entity: "user", key: name)
        }
        return try UserAccount(row: row)
    }

    static func token(_ db: any SQLConnection, id: Int64) throws -> APIToken {
        guard let row = try db.row(sql: Select.token + " WHERE t.id = ?", arguments: [id]) else {
            throw PlanError.notFound(entity: "token", key: String(id))
        }
        return try APIToken(row: row)
    }
}

extension Select {
    /// An account with its partnerships' keys, sorted and comma-joined.
    static let user = """
        SELECT u.name, u.email, u.role, u.disabled, u.password_set_at,
          (SELECT group_concat(key, ',') FROM (SELECT p.key FROM user_partnership up JOIN partnership p ON p.id = up.partnership_id
             WHERE up.user_id = u.id ORDER BY p.key) AS keys) AS partnership_keys
        FROM app_user u
        """

    static let token = "SELECT t.id, u.name AS user_name, t.label, t.created_at, t.revoked_at FROM api_token t JOIN app_user u ON u.id = t.user_id"
}

extension UserAccount {
    init(row: SQLRow) throws {
        let keys: String? = row["partnership_keys"]
        self.init(name: try row.required("name"), email: try row.required("email"), role: try row.required("role"),
                  partnerships: keys.map { $0.split(separator: ",").map(String.init) } ?? [],
                  disabled: try row.required("disabled"), passwordSetAt: row["password_set_at"])
    }
}

extension APIToken {
    init(row: SQLRow) throws {
        self.init(id: try row.required("id"), user: try row.required("user_name"), label: row["label"],
                  createdAt: try row.required("created_at"), revokedAt: row["revoked_at"])
    }
}
