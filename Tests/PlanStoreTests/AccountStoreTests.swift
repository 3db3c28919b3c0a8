import Foundation
import GRDB
import Testing
@testable import ImprovementPlan
@testable import PlanStore

/// Accounts and tokens in the store: hashed, audited without their secrets, checked by verify.
@Suite("accounts in the store")
struct AccountStoreTests {
    static let password = "correct horse battery"

    static func store(_ engine: StoreEngineKind = .sqlite) throws -> PlanStore {
        let store = try engine.store(actor: "admin", command: "user add")
        try store.initialise()
        try store.addPartnership(Partnership(key: "dundee", name: "Dundee City"))
        try store.addPartnership(Partnership(key: "angus", name: "Angus"))
        return store
    }

    @Test("a user is added with a bcrypt hash only, and logs in with the right password alone", arguments: StoreEngineKind.allCases)
    func authenticate(engine: StoreEngineKind) throws {
        let store = try AccountStoreTests.store(engine)
        let added = try store.addUser(UserAccount(name: "a.smith", email: "a@dundee.gov.uk", role: .officer, partnerships: ["dundee"]),
                                      password: AccountStoreTests.password)
        #expect(added.partnerships == ["dundee"] && added.passwordSetAt != nil && !added.disabled)
        let hash = try store.read { db in try db.one(String.self, sql: "SELECT password_hash FROM app_user") }
        #expect(hash?.hasPrefix("$2b$12$") == true)
        #expect(hash?.contains(AccountStoreTests.password) == false)
        #expect(try store.authenticate(user: "a.smith", password: AccountStoreTests.password)?.name == "a.smith")
        #expect(try store.authenticate(user: "a.smith", password: AccountStoreTests.password + "x") == nil)
        #expect(try store.authenticate(user: "a.smith", password: "") == nil)
        #expect(try store.authenticate(user: "nobody", password: AccountStoreTests.password) == nil)
        // Past bcrypt's 72 bytes the same prefix would match: such a password is never accepted.
        #expect(try store.authenticate(user: "a.smith", password: AccountStoreTests.password + String(repeating: "x", count: 80)) == nil)
        try store.setDisabled(user: "a.smith", true)
        #expect(try store.authenticate(user: "a.smith", password: AccountStoreTests.password) == nil)
        #expect(throws: PlanError.refused("user a.smith is already disabled")) { try store.setDisabled(user: "a.smith", true) }
        try store.setDisabled(user: "a.smith", false)
        try store.setPassword(user: "a.smith", password: "another long passphrase")
        #expect(try store.authenticate(user: "a.smith", password: AccountStoreTests.password) == nil)
        #expect(try store.authenticate(user: "a.smith", password: "another long passphrase") != nil)
    }

    @Test("an account without a password cannot log in with any", arguments: StoreEngineKind.allCases)
    func noPassword(engine: StoreEngineKind) throws {
        let store = try AccountStoreTests.store(engine)
        try store.addUser(UserAccount(name: "j.brown", email: "j@ci.gov.scot", role: .inspector, partnerships: ["angus", "dundee"]))
        #expect(try store.user(named: "j.brown").passwordSetAt == nil)
        #expect(try store.user(named: "j.brown").partnerships == ["angus", "dundee"])
        #expect(try store.authenticate(user: "j.brown", password: "") == nil)
        #expect(try store.authenticate(user: "j.brown", password: AccountStoreTests.password) == nil)
    }

    @Test("refused accounts change nothing: duplicate, unknown partnership, bad role scope, short password", arguments: StoreEngineKind.allCases)
    func refused(engine: StoreEngineKind) throws {
        let store = try AccountStoreTests.store(engine)
        try store.addUser(UserAccount(name: "a.smith", email: "a@dundee.gov.uk", role: .officer, partnerships: ["dundee"]))
        let entries = try store.read { db in try db.one(Int.self, sql: "SELECT count(*) FROM audit_entry") }
        #expect(throws: PlanError.duplicate(entity: "user", key: "a.smith")) {
            try store.addUser(UserAccount(name: "a.smith", email: "b@x.org", role: .officer, partnerships: ["dundee"]))
        }
        #expect(throws: PlanError.notFound(entity: "partnership", key: "dundy", closest: "dundee")) {
            try store.addUser(UserAccount(name: "b", email: "b@x.org", role: .officer, partnerships: ["dundy"]))
        }
        #expect(throws: PlanError.self) { try store.addUser(UserAccount(name: "c", email: "c@x.org", role: .officer), password: nil) }
        #expect(throws: PlanError.self) {
            try store.addUser(UserAccount(name: "d", email: "d@x.org", role: .officer, partnerships: ["dundee"]), password: "short")
        }
        #expect(throws: PlanError.notFound(entity: "user", key: "a.smyth", closest: "a.smith")) { try store.setPassword(user: "a.smyth", password: AccountStoreTests.password) }
        #expect(try store.users().map(\.name) == ["a.smith"])
        #expect(try store.read { db in try db.one(Int.self, sql: "SELECT count(*) FROM audit_entry") } == entries)
    }

    @Test("a token is shown once, stored as its SHA-256, acts for its user until revoked or the user is disabled", arguments: StoreEngineKind.allCases)
    func tokens(engine: StoreEngineKind) throws {
        let store = try AccountStoreTests.store(engine)
        try store.addUser(UserAccount(name: "a.smith", email: "a@dundee.gov.uk", role: .officer, partnerships: ["dundee"]))
        let (token, secret) = try store.createToken(user: "a.smith", label: "sync")
        #expect(secret.hasPrefix("pwt_") && secret.count == 68)
        let (_, second) = try store.createToken(user: "a.smith")
        #expect(second != secret)
        let stored = try store.read { db in try db.all(String.self, sql: "SELECT secret_hash FROM api_token") }
        #expect(!stored.contains { $0.contains(secret.dropFirst(4)) })
        #expect(try store.account(forToken: secret)?.name == "a.smith")
        #expect(try store.account(forToken: secret.replacingOccurrences(of: "pwt_", with: "pwt-")) == nil)
        #expect(try store.account(forToken: String(secret.dropLast()) + (secret.last == "0" ? "1" : "0")) == nil)
        #expect(try store.account(forToken: "") == nil)
        try store.setDisabled(user: "a.smith", true)
        #expect(try store.account(forToken: secret) == nil)
        #expect(throws: PlanError.self) { try store.createToken(user: "a.smith") }
        try store.setDisabled(user: "a.smith", false)
        try store.revokeToken(id: token.id)
        #expect(try store.account(forToken: secret) == nil)
        #expect(try store.account(forToken: second)?.name == "a.smith")
        #expect(throws: PlanError.self) { try store.revokeToken(id: token.id) }
        #expect(throws: PlanError.notFound(entity: "token", key: "99")) { try store.revokeToken(id: 99) }
        #expect(try store.tokens(user: "a.smith").map { $0.revokedAt != nil } == [true, false])
    }

    @Test("the trail records accounts and tokens without hashes or secrets, and verify catches an account edited behind its back", arguments: StoreEngineKind.allCases)
    func audited(engine: StoreEngineKind) throws {
        let store = try AccountStoreTests.store(engine)
        try store.addUser(UserAccount(name: "a.smith", email: "a@dundee.gov.uk", role: .officer, partnerships: ["dundee"]),
                          password: AccountStoreTests.password)
        let (_, secret) = try store.createToken(user: "a.smith")
        try store.setPassword(user: "a.smith", password: "another long passphrase")
        let trail = try store.read { db in try db.all(String.self, sql: "SELECT coalesce(CAST(before AS TEXT), '') || coalesce(CAST(after AS TEXT), '') FROM audit_entry") }
            .joined()
        let hash = try store.read { db in try db.one(String.self, sql: "SELECT password_hash FROM app_user") } ?? "?"
        let tokenHash = try store.read { db in try db.one(String.self, sql: "SELECT secret_hash FROM api_token") } ?? "?"
        #expect(!trail.contains(hash) && !trail.contains("$2b$") && !trail.contains(secret) && !trail.contains(tokenHash))
        #expect(!trail.contains(AccountStoreTests.password))
        #expect(trail.contains("\"role\":\"officer\""))
        #expect(try engine.verify(store).ok)
        // An officer made an admin by editing the file: verify names the account and the field.
        try store.engine.write(dryRun: false, bulk: false) { db in try db.run(sql: "UPDATE app_user SET role = 'admin'") }
        let report = try engine.verify(store)
        #expect(!report.ok)
        #expect(report.problems.contains { $0.contains("user a.smith") && $0.contains("role") }, "\(report.problems)")
    }

    @Test("an account's changes are never undone", arguments: StoreEngineKind.allCases)
    func undo(engine: StoreEngineKind) throws {
        let store = try AccountStoreTests.store(engine)
        try store.addUser(UserAccount(name: "a.smith", email: "a@dundee.gov.uk", role: .officer, partnerships: ["dundee"]))
        let error = #expect(throws: PlanError.self) { try store.undo(today: CalendarDate(year: 2025, month: 1, day: 1)!) }
        #expect(error?.description.contains("changed an account; use 'planwatch user' or 'planwatch token'") == true, "\(String(describing: error))")
        #expect(try store.users().count == 1)
    }
}
