import ImprovementPlan
import Testing

/// The permission table of docs/server.md, row by row: every role, on its own
/// partnership, on another, and on none, for every operation.
@Suite("accounts and the permission table")
struct AccessTests {
    static let officer = UserAccount(name: "a.smith", email: "a@x.org", role: .officer, partnerships: ["dundee"])
    static let inspector = UserAccount(name: "j.brown", email: "j@x.org", role: .inspector, partnerships: ["dundee", "angus"])
    static let admin = UserAccount(name: "root", email: "r@x.org", role: .admin)

    /// What each role may do on a partnership it covers.
    static let table: [(PlanOperation, officer: Access, inspector: Access, admin: Access)] = [
        (.read, .allowed, .allowed, .allowed),
        (.recordProgress, .allowed, .forbidden, .forbidden),
        (.recordReading, .allowed, .forbidden, .forbidden),
        (.uploadReturn, .allowed, .forbidden, .forbidden),
        (.requestExtension, .allowed, .forbidden, .forbidden),
        (.decideExtension, .forbidden, .allowed, .forbidden),
        (.signOffCompletion, .forbidden, .allowed, .forbidden),
        (.recordReview, .forbidden, .allowed, .forbidden),
        (.agreePlan, .forbidden, .allowed, .forbidden),
        (.administer, .forbidden, .forbidden, .allowed),
    ]

    @Test("the table covers every operation once")
    func complete() {
        #expect(Set(AccessTests.table.map(\.0)) == Set(PlanOperation.allCases))
        #expect(AccessTests.table.count == PlanOperation.allCases.count)
    }

    @Test("on their own partnership each role may do what the table says", arguments: 0..<AccessTests.table.count)
    func own(index: Int) {
        let row = AccessTests.table[index]
        #expect(AccessTests.officer.access(row.0, partnership: "dundee") == row.officer)
        #expect(AccessTests.inspector.access(row.0, partnership: "dundee") == row.inspector)
        #expect(AccessTests.inspector.access(row.0, partnership: "angus") == row.inspector)
        #expect(AccessTests.admin.access(row.0, partnership: "dundee") == row.admin)
    }

    @Test("another partnership is hidden from officers and inspectors, whatever they ask", arguments: PlanOperation.allCases)
    func other(operation: PlanOperation) {
        let expected: Access = operation == .administer ? .forbidden : .hidden
        #expect(AccessTests.officer.access(operation, partnership: "angus") == expected)
        #expect(AccessTests.inspector.access(operation, partnership: "glasgow") == expected)
        // A key that differs only in case is another partnership.
        #expect(AccessTests.officer.access(.read, partnership: "Dundee") == .hidden)
    }

    @Test("a disabled account is refused everything, even reading its own partnership", arguments: PlanOperation.allCases)
    func disabled(operation: PlanOperation) {
        var officer = AccessTests.officer
        officer.disabled = true
        #expect(officer.access(operation, partnership: "dundee") == .hidden)
        #expect(officer.readablePartnerships == [])
        var admin = AccessTests.admin
        admin.disabled = true
        #expect(admin.access(.administer, partnership: nil) == .hidden)
    }

    @Test("readable partnerships: an admin's are all (nil), others' their own")
    func readable() {
        #expect(AccessTests.admin.readablePartnerships == nil)
        #expect(AccessTests.inspector.readablePartnerships == ["dundee", "angus"])
        #expect(AccessTests.officer.access(.read, partnership: nil) == .allowed)
        #expect(AccessTests.officer.access(.recordProgress, partnership: nil) == .forbidden)
    }

    @Test("names, addresses and roles are checked", arguments: [
        ("a.smith", true), ("a", true), ("9lives", true), ("a_b-c.d", true), (String(repeating: "a", count: 64), true),
        ("", false), ("A.Smith", false), (".smith", false), ("-x", false), ("a smith", false), ("a@b", false),
        (String(repeating: "a", count: 65), false), ("é", false),
    ])
    func names(name: String, valid: Bool) {
        let passed = (try? UserAccount.validateName(name)) != nil
        #expect(passed == valid, "\(name)")
    }

    @Test("email addresses", arguments: [
        ("a@b.org", true), ("a.smith@dundeecity.gov.uk", true),
        ("a", false), ("@b.org", false), ("a@b", false), ("a@.org", false), ("a@b.", false), ("a b@c.org", false),
        ("a@b@c.org", false), ("<a@b.org>", false),
    ])
    func emails(email: String, valid: Bool) {
        #expect(((try? UserAccount.validateEmail(email)) != nil) == valid, "\(email)")
    }

    @Test("a role's partnerships: officers and inspectors need one, admins none")
    func scope() throws {
        #expect(throws: PlanError.refused("partnership: an officer needs at least one (--partnership)")) {
            try UserAccount(name: "x", email: "x@y.org", role: .officer).validate()
        }
        #expect(throws: PlanError.self) { try UserAccount(name: "x", email: "x@y.org", role: .inspector).validate() }
        #expect(throws: PlanError.self) { try UserAccount(name: "x", email: "x@y.org", role: .admin, partnerships: ["dundee"]).validate() }
        try UserAccount(name: "x", email: "x@y.org", role: .admin).validate()
        #expect(Role.parse("Link inspector") == .inspector && Role.parse("administrator") == .admin && Role.parse("boss") == nil)
    }

    @Test("passwords: 12 characters at least, 72 bytes at most (bcrypt's limit), no control characters")
    func passwords() throws {
        try UserAccount.validatePassword(String(repeating: "p", count: 12))
        try UserAccount.validatePassword(String(repeating: "p", count: 72))
        #expect(throws: PlanError.self) { try UserAccount.validatePassword(String(repeating: "p", count: 11)) }
        #expect(throws: PlanError.self) { try UserAccount.validatePassword(String(repeating: "p", count: 73)) }
        // 36 two-byte characters are 72 bytes; one more is 74.
        try UserAccount.validatePassword(String(repeating: "é", count: 36))
        #expect(throws: PlanError.self) { try UserAccount.validatePassword(String(repeating: "é", count: 37)) }
        #expect(throws: PlanError.self) { try UserAccount.validatePassword("twelve chars\tmore") }
    }
}
