import Foundation
import Testing

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
private let mailChecker = root.appendingPathComponent("Tests/scripts/check_mail.py").path
private let sinkScript = root.appendingPathComponent("Tests/scripts/smtp_sink.py").path

/// One message as a mail client reads it (Tests/scripts/check_mail.py).
private struct Mail: Decodable {
    var from: String
    var to: String
    var subject: String
    var autoSubmitted: String
    var envelopeTo: String?
    var body: String
}

/// `planwatch remind`: one message per person, written to a folder or handed to sendmail.
@Suite("reminders")
struct RemindTests {
    static let asOf = "2026-12-06"

    /// The seed plans with an officer of dundee, an inspector of dundee and west-dunbartonshire, an officer of two
    /// partnerships with nothing due, a disabled officer of dundee, an admin, and one requested extension.
    static func people() throws -> Harness {
        let h = try Harness.seeded()
        try h.ok(["user", "add", "a.smith", "--email", "a.smith@dundeecity.gov.uk", "--role", "officer", "--partnership", "dundee"])
        try h.ok(["user", "add", "j.brown", "--email", "j.brown@careinspectorate.gov.scot", "--role", "inspector",
                  "--partnership", "dundee,west-dunbartonshire"])
        try h.ok(["user", "add", "s.grey", "--email", "s.grey@stirling.gov.uk", "--role", "officer", "--partnership", "stirling,inverclyde"])
        try h.ok(["user", "add", "old.officer", "--email", "old@dundeecity.gov.uk", "--role", "officer", "--partnership", "dundee"])
        try h.ok(["user", "disable", "old.officer"])
        try h.ok(["user", "add", "root", "--email", "root@careinspectorate.gov.scot", "--role", "admin"])
        try h.ok(["extension", "request", "dundee-2021/4.1", "--to", "2027-09-30", "--reason", "Data sharing agreement still with the board",
                  "--actor", "a.smith"])
        return h
    }

    private func read(_ paths: [String]) throws -> [Mail] {
        let parsed = try OutsideTool.run("python3", [mailChecker] + paths)
        return try JSONDecoder().decode([Mail].self, from: Data(parsed.stdout.utf8))
    }

    @Test("--out writes one RFC 5322 message per person with something due; nobody else gets one")
    func toFolder() throws {
        let h = try RemindTests.people()
        defer { h.cleanUp() }
        let before = try h.snapshot()
        let listing = try h.ok(["remind", "--as-of", RemindTests.asOf, "--within", "120", "--format", "csv"])
        #expect(listing == """
            user,email,role,subject\r
            a.smith,a.smith@dundeecity.gov.uk,officer,"planwatch: 1 overdue, 1 due by 2027-04-05 (dundee)"\r
            j.brown,j.brown@careinspectorate.gov.scot,inspector,"planwatch: 1 extension request, 2 linking reviews due, 2 completions to sign off"\r

            """)
        let out = h.folder.appendingPathComponent("mail").path
        #expect(try h.ok(["remind", "--as-of", RemindTests.asOf, "--within", "120", "--out", out, "--url", "https://planwatch.example.org",
                          "--from", "planwatch@careinspectorate.gov.scot"]) == "Wrote 2 reminders to \(out)\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["a.smith.eml", "j.brown.eml"])
        let mails = try read(["a.smith.eml", "j.brown.eml"].map { out + "/" + $0 })
        try #require(mails.count == 2)
        let officer = mails[0], inspector = mails[1]
        #expect(officer.to == "\"a.smith\" <a.smith@dundeecity.gov.uk>" && officer.from == "planwatch <planwatch@careinspectorate.gov.scot>")
        #expect(officer.autoSubmitted == "auto-generated")
        #expect(officer.subject == "planwatch: 1 overdue, 1 due by 2027-04-05 (dundee)")
        // Grouped by owner: each owner's line, then their actions, overdue first, each with its page.
        #expect(officer.body.contains("""
              Head of Service, Education, Dundee City Council
                dundee-2021/2.1 Commission additional counselling for children at risk: overdue, due 2024-03-31 (980 days ago) https://planwatch.example.org/actions/2
            """))
        #expect(officer.body.contains("dundee-2021/4.1 Build a shared outcomes dashboard for the chief officers group: due 2027-03-31 (in 115 days)"))
        #expect(!officer.body.contains("west-dunbartonshire") && !officer.body.contains("dundee-2021/1.1"))
        #expect(inspector.body.contains("""
            Extension requests awaiting your decision https://planwatch.example.org/queue
                dundee-2021/4.1 Build a shared outcomes dashboard for the chief officers group: 2027-03-31 → 2027-09-30, asked by a.smith on
            """))
        #expect(inspector.body.contains("West Dunbartonshire (west-dunbartonshire): was due 2023-08-15 (overdue)"))
        #expect(inspector.body.contains("Completions awaiting your sign-off"))
        #expect(!inspector.body.contains("glasgow-city"), "an inspector hears only of the partnerships assigned to them")
        // Reading and writing mail leaves the database as it was.
        #expect(try h.snapshot() == before)
    }

    @Test("the window's edge: an action due on the last day of --within is listed, one day later is not")
    func window() throws {
        let h = try RemindTests.people()
        defer { h.cleanUp() }
        // Action 4 is due 2027-03-31: 115 days after the as-of date.
        let at115 = try h.ok(["remind", "--as-of", RemindTests.asOf, "--within", "115", "--user", "a.smith", "--format", "csv"])
        #expect(at115.contains("1 due by 2027-03-31"))
        let at114 = try h.ok(["remind", "--as-of", RemindTests.asOf, "--within", "114", "--user", "a.smith", "--format", "csv"])
        #expect(at114.contains("planwatch: 1 overdue (dundee)"))
        // Before anything of dundee's fell due there is nothing to say, and nothing is sent.
        let early = try h.ok(["remind", "--as-of", "2022-03-01", "--within", "0", "--user", "a.smith"])
        #expect(early == "(nobody has anything due)\n")
    }

    @Test("--list-limit: at most that many actions per owner and heading, the rest counted")
    func listLimit() throws {
        let h = try RemindTests.people()
        defer { h.cleanUp() }
        try h.ok(["user", "add", "g.officer", "--email", "g@glasgow.gov.uk", "--role", "officer", "--partnership", "glasgow-city"])
        let finding = try #require(try h.ok(["finding", "list", "--inspection", "glasgow-city", "--format", "csv"]).split(separator: "\r\n")
            .dropFirst().first?.split(separator: ",").first.map(String.init))
        for (ref, due) in [("9.1", "2026-01-31"), ("9.2", "2026-02-28")] {
            try h.ok(["action", "add", "--finding", finding, "--ref", ref, "--title", "Extra \(ref)", "--owner", "Public Protection Lead",
                      "--agency", "Glasgow City Council", "--due", due, "--date", "2025-06-01"])
        }
        let out = h.folder.appendingPathComponent("mail").path
        try h.ok(["remind", "--as-of", RemindTests.asOf, "--user", "g.officer", "--list-limit", "2", "--out", out])
        let mail = try read([out + "/g.officer.eml"])
        let body = try #require(mail.first?.body)
        // Three overdue for that owner: two listed (the most overdue first), one counted; the subject counts all.
        #expect(body.contains("glasgow-city/9.1 Extra 9.1: overdue") && body.contains("glasgow-city/9.2 Extra 9.2: overdue"), "\(body)")
        #expect(!body.contains("glasgow-city/2 ") && body.contains("    … and 1 more overdue"), "\(body)")
        #expect(mail.first?.subject.hasPrefix("planwatch: 5 overdue") == true, "\(mail.first?.subject ?? "")")
    }

    @Test("--send hands each message to sendmail (msmtp), which delivers it to an SMTP server on loopback")
    func send() throws {
        let h = try RemindTests.people()
        defer { h.cleanUp() }
        let box = h.folder.appendingPathComponent("smtp").path
        let sink = Process()
        sink.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sink.arguments = ["python3", sinkScript, box]
        let input = Pipe(), output = Pipe()
        sink.standardInput = input
        sink.standardOutput = output
        try sink.run()
        defer {
            try? input.fileHandleForWriting.close()
            sink.waitUntilExit()
        }
        var portLine = Data()
        while !portLine.contains(UInt8(ascii: "\n")) {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty { break }
            portLine.append(byte)
        }
        let port = try #require(Int(String(decoding: portLine, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
                                "the SMTP sink did not start: is aiosmtpd installed? run scripts/test")
        let sendmail = "msmtp --host=127.0.0.1 --port=\(port) --auth=off --tls=off"
        let result = try h.run(["remind", "--as-of", RemindTests.asOf, "--within", "120", "--send", "--sendmail", sendmail,
                                "--from", "planwatch@careinspectorate.gov.scot"])
        if result.status == 127 || result.stderr.contains("cannot run msmtp") { Issue.record("msmtp is missing: run scripts/test, which installs it") }
        #expect(result.status == 0 && result.stdout == "Sent 2 reminders\n", "\(result.stderr)")
        let delivered = try FileManager.default.contentsOfDirectory(atPath: box).sorted().map { box + "/" + $0 }
        let mails = try read(delivered)
        #expect(mails.map(\.envelopeTo) == ["a.smith@dundeecity.gov.uk", "j.brown@careinspectorate.gov.scot"])
        #expect(mails.first?.body.contains("dundee-2021/2.1 Commission additional counselling") == true)
    }

    static let bad: [(arguments: [String], expected: String)] = [
        (["--within", "367"], "within: '367' is not valid (expected a number of days from 0 to 366)"),
        (["--within", "-1"], "within: '-1' is not valid"),
        (["--list-limit", "0"], "list-limit: '0' is not valid (expected a number from 1 to 10000)"),
        (["--out", "x", "--send"], "give --out FOLDER or --send, not both"),
        (["--url", "planwatch.example.org"], "url: 'planwatch.example.org' is not valid"),
        (["--from", "planwatch"], "from: 'planwatch' is not valid"),
        (["--user", "a.smyth"], "no user 'a.smyth' (did you mean 'a.smith'?)"),
        (["--as-of", "31/02/2026"], "as-of"),
        (["--send", "--sendmail", "/nonexistent/sendmail"], "cannot run /nonexistent/sendmail (install msmtp-mta or postfix, or give --sendmail)"),
        (["--send", "--sendmail", "no-such-sendmail -t"], "cannot run no-such-sendmail (install msmtp-mta or postfix, or give --sendmail)"),
        (["--send", "--sendmail", "false"], "false failed (exit 1) for a.smith <a.smith@dundeecity.gov.uk>; 0 reminders sent before it"),
    ]

    @Test("bad options and a failing sendmail: one line, non-zero exit, database unchanged", arguments: 0..<RemindTests.bad.count)
    func refused(index: Int) throws {
        let h = try RemindTests.people()
        defer { h.cleanUp() }
        let before = try h.snapshot()
        let (arguments, expected) = RemindTests.bad[index]
        let result = try h.run(["remind", "--as-of", RemindTests.asOf, "--within", "120"] + arguments)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("planwatch: ") && result.stderr.contains(expected), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(try h.snapshot() == before)
    }

    @Test("extension request, list, agree and refuse on the command line")
    func extensionCommands() throws {
        let h = try RemindTests.people()
        defer { h.cleanUp() }
        #expect(try h.ok(["extension", "list", "--format", "csv"]).contains("1,dundee-2021/4.1,"))
        let refused = try h.run(["extension", "refuse", "1"])
        #expect(refused.status == 1 && refused.stderr == "planwatch: note: say why the extension is refused\n")
        #expect(try h.ok(["extension", "agree", "1", "--note", "Agreed at the linking meeting", "--actor", "j.brown"])
            == "Agreed extension 1: action 4 is now due 2027-09-30\n")
        #expect(try h.ok(["action", "show", "4", "--format", "json"]).contains("\"due\" : \"2027-09-30\""))
        let again = try h.run(["extension", "agree", "1"])
        #expect(again.status == 1 && again.stderr.contains("extension request 1 was already agreed by j.brown"))
        #expect(try h.ok(["extension", "list"]) == "(no extension requests)\n")
        let bad = try h.run(["extension", "agree", "x"])
        #expect(bad.status == 1 && bad.stderr == "planwatch: request: 'x' is not valid (expected a request's number, like 3)\n")
        #expect(try h.ok(["verify"]).hasPrefix("ok:"))
    }
}
