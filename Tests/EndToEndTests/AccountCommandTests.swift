import Foundation
import Testing

/// `planwatch user` and `planwatch token` as an admin runs them.
@Suite("accounts on the command line")
struct AccountCommandTests {
    static let password = Data("a long enough passphrase\n".utf8)

    @Test("user add with a password from standard input, list, show, disable, enable; token create, list, revoke")
    func lifecycle() throws {
        let h = try Harness.seeded()
        defer { h.cleanUp() }
        let added = try h.run(["user", "add", "a.smith", "--email", "a.smith@dundeecity.gov.uk", "--role", "officer", "--partnership", "dundee",
                               "--password-stdin"], input: AccountCommandTests.password)
        #expect(added.status == 0 && added.stdout == "Added officer a.smith (dundee)\n", "\(added.stderr)")
        #expect(try h.ok(["user", "add", "j.brown", "--email", "j.brown@ci.gov.scot", "--role", "Link inspector",
                          "--partnership", "dundee,west-dunbartonshire"])
            .contains("no password yet: set one with 'planwatch user password j.brown'"))
        let list = try h.ok(["user", "list", "--format", "csv"])
        #expect(list.hasPrefix("name,email,role,partnerships,password,state\r\n"))
        #expect(list.contains("a.smith,a.smith@dundeecity.gov.uk,officer,dundee,set "))
        #expect(list.contains("j.brown,j.brown@ci.gov.scot,inspector,\"dundee, west-dunbartonshire\",none,active"))
        let json = try JSONSerialization.jsonObject(with: Data(try h.ok(["user", "list", "--format", "json"]).utf8)) as? [[String: Any]]
        #expect(json?.first?["role"] as? String == "officer" && json?.first?["passwordHash"] == nil)

        let made = try h.run(["token", "create", "--user", "a.smith", "--label", "nightly"])
        #expect(made.status == 0)
        let secret = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(secret.hasPrefix("pwt_") && secret.count == 68)
        #expect(made.stderr.contains("Made token 1 for a.smith: it is shown this once"))
        #expect(try !h.ok(["token", "list"]).contains(secret))
        #expect(try !h.ok(["user", "show", "a.smith", "--format", "json"]).contains(secret))
        #expect(try h.ok(["token", "revoke", "1"]) == "Revoked token 1 of a.smith\n")
        #expect(try h.ok(["token", "list", "--format", "csv"]).contains("1,a.smith,nightly,"))
        #expect(try h.ok(["user", "disable", "j.brown"]) == "Disabled j.brown\n")
        #expect(try h.ok(["user", "enable", "j.brown"]) == "Enabled j.brown\n")
        let password = try h.run(["user", "password", "j.brown"], input: Data("another passphrase here\n".utf8))
        #expect(password.status == 0 && password.stdout == "Set the password of j.brown\n")

        // The trail names each change and holds no secret; the whole database verifies.
        let history = try h.ok(["history"]).split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        for line in ["user add insert user a.smith", "token create insert api_token 1", "token revoke api token 1: revokedAt — → ",
                     "user disable user j.brown: disabled 0 → 1", "user password user j.brown: passwordSetAt — → "] {
            #expect(history.contains(line), "\(line)")
        }
        let dump = try OutsideTool.run("sqlite3", [h.db, "SELECT group_concat(coalesce(before, '') || coalesce(after, '')) FROM audit_entry"])
        #expect(!dump.stdout.contains("$2b$") && !dump.stdout.contains(secret) && !dump.stdout.contains("a long enough passphrase"))
        #expect(try h.ok(["verify"]).hasPrefix("ok:"))
        let undo = try h.run(["undo"])
        #expect(undo.status == 1 && undo.stderr.contains("undo refused: entry") && undo.stderr.contains("changed an account"))
    }

    static let cases: [(arguments: [String], input: String?, expected: String)] = [
        (["user", "add", "A.Smith", "--email", "a@x.org", "--role", "officer", "--partnership", "dundee"], nil, "user: 'A.Smith' is not valid"),
        (["user", "add", "b", "--email", "b@x", "--role", "officer", "--partnership", "dundee"], nil, "email: 'b@x' is not valid"),
        (["user", "add", "b", "--email", "b@x.org", "--role", "boss", "--partnership", "dundee"], nil, "role: 'boss' is not valid (expected one of admin, inspector, officer)"),
        (["user", "add", "b", "--email", "b@x.org", "--role", "officer"], nil, "partnership: an officer needs at least one (--partnership)"),
        (["user", "add", "b", "--email", "b@x.org", "--role", "admin", "--partnership", "dundee"], nil, "an admin covers every partnership"),
        (["user", "add", "b", "--email", "b@x.org", "--role", "officer", "--partnership", "dundy"], nil, "no partnership 'dundy' (did you mean 'dundee'?)"),
        (["user", "add", "a.smith", "--email", "b@x.org", "--role", "officer", "--partnership", "dundee"], nil, "user 'a.smith' already exists"),
        (["user", "add", "b", "--email", "b@x.org", "--role", "officer", "--partnership", "dundee", "--password-stdin"], "short\n", "password: at least 12 characters"),
        (["user", "add", "b", "--email", "b@x.org", "--role", "officer", "--partnership", "dundee", "--password-stdin"], String(repeating: "x", count: 73) + "\n", "password: at most 72 bytes"),
        (["user", "add", "b", "--email", "b@x.org", "--role", "officer", "--partnership", "dundee", "--password-stdin"], "", "password (the first line of standard input): a value is required"),
        (["user", "password", "a.smyth"], "a long enough passphrase\n", "no user 'a.smyth' (did you mean 'a.smith'?)"),
        (["user", "disable", "nobody"], nil, "no user 'nobody'"),
        (["user", "enable", "a.smith"], nil, "user a.smith is already enabled"),
        (["token", "create", "--user", "nobody"], nil, "no user 'nobody'"),
        (["token", "revoke", "x"], nil, "token: 'x' is not valid"),
        (["token", "revoke", "7"], nil, "no token '7'"),
        (["token", "list", "--user", "nobody"], nil, "no user 'nobody'"),
    ]

    @Test("each bad account command: one line, non-zero exit, database unchanged", arguments: 0..<AccountCommandTests.cases.count)
    func bad(index: Int) throws {
        let h = try Harness.seeded()
        defer { h.cleanUp() }
        try h.run(["user", "add", "a.smith", "--email", "a@x.org", "--role", "officer", "--partnership", "dundee"])
        let before = try h.snapshot()
        let (arguments, input, expected) = AccountCommandTests.cases[index]
        let result = try h.run(arguments, input: input.map { Data($0.utf8) })
        #expect(result.status != 0)
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(try h.snapshot() == before)
    }
}
