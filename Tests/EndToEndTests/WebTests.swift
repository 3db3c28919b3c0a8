import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
import PlanPostgres
#endif
import Testing

/// Refuses every redirect, so a test sees the 303 and its Location itself.
final class NoRedirects: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}

/// A browser as the tests need one: its own cookie jar, no redirects followed, every header seen.
final class WebClient: @unchecked Sendable {
    struct Reply {
        let status: Int
        let body: String
        let location: String?
        /// Each Set-Cookie line, as sent.
        let setCookies: [String]
    }

    let port: Int
    var cookies: [String: String] = [:]
    let session = URLSession(configuration: {
        let c = URLSessionConfiguration.ephemeral
        c.httpShouldSetCookies = false
        c.httpCookieAcceptPolicy = .never
        return c
    }(), delegate: NoRedirects(), delegateQueue: nil)

    init(port: Int) { self.port = port }

    func send(_ method: String, _ path: String, form: [(String, String)]? = nil, headers: [String: String] = [:]) async throws -> Reply {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        if !cookies.isEmpty { request.setValue(cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; "), forHTTPHeaderField: "Cookie") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let form {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            request.httpBody = Data(form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&").utf8)
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await session.data(for: request)
        let http = response as? HTTPURLResponse
        let raw = (http?.value(forHTTPHeaderField: "Set-Cookie")).map { $0.components(separatedBy: ", ") } ?? []
        for line in raw {
            let pair = line.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else { continue }
            let name = String(pair[0]).trimmingCharacters(in: .whitespaces)
            if pair[1].isEmpty || line.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = String(pair[1]) }
        }
        return Reply(status: http?.statusCode ?? 0, body: String(decoding: data, as: UTF8.self),
                     location: http?.value(forHTTPHeaderField: "Location"), setCookies: raw)
    }

    /// A form with a file, as a browser sends one (multipart/form-data).
    func upload(_ path: String, fields: [(String, String)], file: (name: String, filename: String, data: Data)?) async throws -> Reply {
        let boundary = "----planwatch-test-\(UUID().uuidString)"
        var body = Data()
        for (name, value) in fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        if let file {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8))
            body.append(file.data)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = "POST"
        if !cookies.isEmpty { request.setValue(cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; "), forHTTPHeaderField: "Cookie") }
        request.setValue("multipart/form-data; boundary=\(boundary)", forHTTPHeaderField: "Content-Type")
        request.httpBody = body
        let (data, response) = try await session.data(for: request)
        let http = response as? HTTPURLResponse
        return Reply(status: http?.statusCode ?? 0, body: String(decoding: data, as: UTF8.self),
                     location: http?.value(forHTTPHeaderField: "Location"), setCookies: [])
    }

    /// The value of a hidden field on a page.
    static func field(_ page: String, _ name: String) -> String? {
        guard let range = page.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return String(page[range.upperBound...].prefix { $0 != "\"" })
    }

    /// The first form token on a page.
    static func csrf(_ page: String) -> String? {
        guard let range = page.range(of: "name=\"csrf\" value=\"") else { return nil }
        return String(page[range.upperBound...].prefix { $0 != "\"" })
    }

    /// Logs in through the form; the session's CSRF token, read from the overview page.
    @discardableResult
    func logIn(_ user: String, _ password: String) async throws -> String {
        let page = try await send("GET", "/login")
        let reply = try await send("POST", "/login", form: [("csrf", WebClient.csrf(page.body) ?? ""), ("user", user), ("password", password)])
        guard reply.status == 303 else { throw WebError(text: "login of \(user): \(reply.status) \(reply.body.suffix(300))") }
        return WebClient.csrf(try await send("GET", "/").body) ?? ""
    }

    struct WebError: Error { let text: String }
}

@Suite("planwatch serve: the web pages", .serialized)
struct WebTests {
    static let password = "a long enough passphrase"

    /// ServerTests' accounts, each with the same password.
    static func accounts(_ h: Harness) throws {
        _ = try ServerTests.accounts(h)
        for name in ["officer-p", "officer-q", "inspector-p", "inspector-q", "admin"] {
            let result = try h.run(["user", "password", name], input: Data((password + "\n").utf8))
            #expect(result.status == 0, "\(result.stderr)")
        }
    }

    static let roles = ["officer-p", "officer-q", "inspector-p", "inspector-q", "admin", "anonymous"]

    /// Page or form → expected status per role, in `roles` order, tried in this order (each role's accepted write
    /// is what the next row builds on: the extension officer-p requests is the one inspector-p decides).
    static let matrix: [(method: String, path: String, form: [(String, String)]?, expected: [Int])] = [
        ("GET", "/", nil, [200, 200, 200, 200, 200, 303]),
        ("GET", "/partnerships/dundee", nil, [200, 404, 200, 404, 200, 303]),
        ("GET", "/actions/2", nil, [200, 404, 200, 404, 200, 303]),
        ("GET", "/queue", nil, [200, 200, 200, 200, 200, 303]),
        ("POST", "/actions/2/update", [("note", "Case file audit sample taken"), ("percent", "55")], [303, 404, 403, 404, 403, 401]),
        ("POST", "/actions/2/extension", [("to", "2031-06-30"), ("reason", "Recruitment delayed")], [303, 404, 403, 404, 403, 401]),
        ("POST", "/extension-requests/1/decide", [("decision", "agree")], [403, 404, 303, 404, 403, 401]),
        ("POST", "/actions/2/complete", [("evidence", "Audit report to the chief officers")], [303, 404, 403, 404, 403, 401]),
        ("POST", "/actions/2/sign-off", [("decision", "query"), ("note", "Which audit? Attach it")], [403, 404, 303, 404, 403, 401]),
        ("GET", "/actions/2", nil, [200, 404, 200, 404, 200, 303]),
        ("POST", "/partnerships/dundee/reviews", [("date", "2026-11-20"), ("kind", "meeting"), ("summary", "Counselling tender reviewed"),
                                                  ("actions", "2"), ("next", "2027-03-01")], [403, 404, 303, 404, 403, 401]),
        ("POST", "/partnerships/dundee/reviews", [("date", "2026-11-21"), ("kind", "progress-review"), ("summary", "Escalated"),
                                                  ("escalation", "formal-monitoring")], [403, 404, 303, 404, 403, 401]),
        ("POST", "/partnerships/dundee/plan-agreement", [("inspection", "dundee-2026"), ("date", "2026-07-20")], [403, 404, 303, 404, 403, 401]),
        // An inspection of another partnership is not found through this one's form.
        ("POST", "/partnerships/dundee/plan-agreement", [("inspection", "glasgow-city"), ("date", "2026-07-20")], [403, 404, 404, 404, 403, 401]),
        ("POST", "/partnerships/dundee/readings", [("measure", "dd-multi-agency-qa"), ("date", "2026-11-15"), ("value", "62%")],
         [303, 404, 403, 404, 403, 401]),
        // A measure of another partnership is not found through this one's form.
        ("POST", "/partnerships/dundee/readings", [("measure", "gc-help-in-time"), ("date", "2026-11-15"), ("value", "62")],
         [404, 404, 403, 404, 403, 401]),
        ("GET", "/partnerships/dundee", nil, [200, 404, 200, 404, 200, 303]),
    ]

    @Test("permission matrix of the pages and forms: every role × every page and form, and nothing written on a refusal")
    func permissions() async throws {
        let h = try Harness.seeded()
        defer { h.cleanUp() }
        try WebTests.accounts(h)
        try ServerTests.submittedPlan(h)
        let server = try Server(h)
        defer { _ = server.stop() }
        var clients: [String: (WebClient, String)] = [:]
        for role in WebTests.roles {
            let client = WebClient(port: server.port)
            clients[role] = (client, role == "anonymous" ? "" : try await client.logIn(role, WebTests.password))
        }
        for route in WebTests.matrix {
            for (index, role) in WebTests.roles.enumerated() {
                guard let (client, csrf) = clients[role] else { continue }
                let before = try h.snapshot()
                let reply = try await client.send(route.method, route.path, form: route.form.map { [("csrf", csrf)] + $0 })
                #expect(reply.status == route.expected[index], "\(role) \(route.method) \(route.path): \(reply.status) \(reply.body.suffix(300))")
                if reply.status >= 400 {
                    #expect(try h.snapshot() == before, "\(role) \(route.method) \(route.path) wrote to the database")
                    #expect(reply.body.contains("class=\"problem\""), "\(role) \(route.path): \(reply.body.suffix(300))")
                }
                if reply.status == 303, role == "anonymous" { #expect(reply.location == "/login") }
            }
        }
        // What was accepted is in the history, each change under its user and marked as from the server.
        let history = try h.ok(["history", "2", "--format", "csv"])
        #expect(history.contains("officer-p,serve POST /actions/{id}/update"), "\(history.suffix(600))")
        #expect(history.contains("officer-p,serve POST /actions/{id}/extension"))
        #expect(history.contains("inspector-p,serve POST /extension-requests/{id}/decide"))
        #expect(try h.ok(["action", "show", "2"]).contains("2031-06-30"))
        #expect(history.contains("inspector-p,serve POST /actions/{id}/sign-off"))
        // The query is on the action's page, and in follow's timeline.
        let page = try await clients["officer-p"]!.0.send("GET", "/actions/2").body
        #expect(page.contains("queried by inspector-p") && page.contains("Which audit? Attach it"))
        let follow = try h.ok(["follow", "dundee", "--format", "json"])
        #expect(follow.contains("\"kind\" : \"sign-off\"") && follow.contains("queried by inspector-p: Which audit? Attach it"), "\(follow.suffix(800))")
        // The review is the inspector's, with its next date and the escalation; the reading is the officer's.
        let reviews = try h.ok(["review", "list", "--partnership", "dundee", "--format", "csv"])
        #expect(reviews.contains("dundee,2026-11-20,meeting,inspector-p,Counselling tender reviewed,2,,2027-03-01"), "\(reviews)")
        #expect(try h.ok(["inspection", "show", "dundee-2021"]).contains("formal-monitoring") == false)
        #expect(try h.ok(["inspection", "show", "dundee-2026"]).contains("formal-monitoring"))
        #expect(try h.ok(["inspection", "show", "dundee-2026", "--format", "json"]).contains("\"agreedBy\" : \"inspector-p\""))
        #expect(try h.ok(["measure", "show", "dd-multi-agency-qa"]).contains("2026-11-15    62%"))
        let all = try h.ok(["history", "--format", "csv"])
        #expect(all.contains("officer-p,serve POST /partnerships/{key}/readings") && all.contains("inspector-p,serve POST /partnerships/{key}/reviews"))
        // Each role's page offers the forms it may use, and only those.
        let officerPage = try await clients["officer-p"]!.0.send("GET", "/partnerships/dundee").body
        let inspectorPage = try await clients["inspector-p"]!.0.send("GET", "/partnerships/dundee").body
        let adminPage = try await clients["admin"]!.0.send("GET", "/partnerships/dundee").body
        #expect(officerPage.contains("action=\"/partnerships/dundee/readings\"") && officerPage.contains("action=\"/partnerships/dundee/returns\""))
        #expect(!officerPage.contains("/partnerships/dundee/reviews"))
        #expect(inspectorPage.contains("action=\"/partnerships/dundee/reviews\"") && !inspectorPage.contains("/partnerships/dundee/returns"))
        #expect(!adminPage.contains("<form method=\"post\" action=\"/partnerships/"))
        #expect(try h.ok(["verify"]).hasPrefix("ok:"))
    }

    static let returnCSV = Data("""
        Ref,Action,Lead officer,Lead agency,Timescale,Progress
        2.1,Commission additional counselling for children at risk,"Head of Service, Education",Dundee City Council,31/03/2024,Tender awarded to two providers

        """.utf8)

    @Test("a return uploaded from the partnership's page: its change list first, recorded only on confirmation, and only if it still makes those changes")
    func returnUpload() async throws {
        let h = try Harness.seeded()
        defer { h.cleanUp() }
        try WebTests.accounts(h)
        let server = try Server(h)
        defer { _ = server.stop() }
        let officer = WebClient(port: server.port)
        let csrf = try await officer.logIn("officer-p", WebTests.password)
        let file = (name: "file", filename: "C:\\Returns\\Return Q3.csv", data: WebTests.returnCSV)
        let fields = [("csrf", csrf), ("inspection", "dundee-2021"), ("date", "2026-11-30")]

        // Refusals first: none writes anything.
        var others: [(WebClient, String, Int)] = []
        for (user, expected) in [("officer-q", 404), ("inspector-p", 403), ("admin", 403)] {
            let other = WebClient(port: server.port)
            others.append((other, try await other.logIn(user, WebTests.password), expected))
        }
        let before = try h.snapshot()
        for (other, token, expected) in others {
            let reply = try await other.upload("/partnerships/dundee/returns", fields: [("csrf", token), ("inspection", "dundee-2021")], file: file)
            #expect(reply.status == expected, "\(reply.status) \(reply.body.suffix(200))")
        }
        #expect(try await WebClient(port: server.port).upload("/partnerships/dundee/returns", fields: fields, file: file).status == 401)
        #expect(try await officer.upload("/partnerships/dundee/returns", fields: [("csrf", "0" + csrf.dropFirst())] + fields.dropFirst(), file: file).status == 403)
        let bad: [([(String, String)], (name: String, filename: String, data: Data)?, String)] = [
            (fields, nil, "file: choose the return&#39;s file"),
            (fields, (name: "file", filename: "x.csv", data: Data("Ref,Owner\n1,x\n".utf8)), "no action column"),
            ([("csrf", csrf), ("inspection", "glasgow-city"), ("date", "2026-11-30")], file, "no inspection &#39;glasgow-city&#39;"),
            ([("csrf", csrf), ("inspection", "dundee-2021"), ("date", "2026-02-30")], file, "date: &#39;2026-02-30&#39; is not a real date"),
        ]
        for (form, attached, problem) in bad {
            let reply = try await officer.upload("/partnerships/dundee/returns", fields: form, file: attached)
            #expect(reply.status == 422 || reply.status == 404, "\(reply.status) \(reply.body.suffix(300))")
            #expect(reply.body.contains("class=\"problem\"") && reply.body.contains(problem), "\(problem): \(reply.body.suffix(600))")
        }
        #expect(try h.snapshot() == before)

        // The preview: the change list, as import --dry-run prints it, and nothing written yet.
        let preview = try await officer.upload("/partnerships/dundee/returns", fields: fields, file: file)
        #expect(preview.status == 200, "\(preview.body.suffix(500))")
        #expect(preview.body.contains("Return Q3.csv as a return for dundee-2021, dated 2026-11-30: 1 progress update; 0 unchanged; 3 not in this return"))
        #expect(preview.body.contains("<li>2.1 progress: &quot;Tender awarded to two providers&quot;</li>"), "\(preview.body.suffix(900))")
        #expect(try h.snapshot() == before)
        let confirm = ["inspection", "date", "name", "digest", "file"].map { ($0, WebClient.field(preview.body, $0) ?? "") }

        // A confirmation whose change list no longer matches (here, a digest not from any preview) records nothing.
        let forged = try await officer.send("POST", "/partnerships/dundee/returns/confirm",
                                            form: [("csrf", csrf)] + confirm.map { $0.0 == "digest" ? ($0.0, String(repeating: "0", count: 64)) : $0 })
        #expect(forged.status == 409 && forged.body.contains("the plan changed after the preview, so nothing was recorded"))
        #expect(try h.snapshot() == before)

        // Confirmed: recorded, under the officer's name, through the server.
        let done = try await officer.send("POST", "/partnerships/dundee/returns/confirm", form: [("csrf", csrf)] + confirm)
        #expect(done.status == 303 && done.location == "/partnerships/dundee?done=return", "\(done.status) \(done.body.suffix(300))")
        let history = try h.ok(["history", "2", "--format", "csv"])
        #expect(history.contains("officer-p,serve POST /partnerships/{key}/returns/confirm"), "\(history.suffix(500))")
        #expect(try h.ok(["action", "show", "2"]).contains("Tender awarded to two providers"))

        // The same confirmation again: the plan has changed since (the note is recorded), so nothing more is.
        let after = try h.snapshot()
        let again = try await officer.send("POST", "/partnerships/dundee/returns/confirm", form: [("csrf", csrf)] + confirm)
        #expect(again.status == 409 && again.body.contains("the plan changed after the preview, so nothing was recorded"), "\(again.status)")
        #expect(again.body.contains("nothing new; 1 unchanged; 3 not in this return"), "\(again.body.suffix(600))")
        #expect(try h.snapshot() == after)
        #expect(try h.ok(["verify"]).hasPrefix("ok:"))
    }

    @Test("cookies are HttpOnly and SameSite=Strict (Secure behind TLS); a form without its token, or with another session's, is refused")
    func cookiesAndCSRF() async throws {
        let h = try Harness.seeded()
        defer { h.cleanUp() }
        try WebTests.accounts(h)
        let server = try Server(h)
        defer { _ = server.stop() }
        let client = WebClient(port: server.port)
        let login = try await client.send("GET", "/login")
        let token = try #require(WebClient.csrf(login.body))
        let reply = try await client.send("POST", "/login", form: [("csrf", token), ("user", "officer-p"), ("password", WebTests.password)])
        #expect(reply.status == 303 && reply.location == "/")
        let session = try #require(reply.setCookies.first { $0.hasPrefix("planwatch_session=") })
        for flag in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=28800"] { #expect(session.contains(flag), "\(session)") }
        #expect(!session.contains("Secure"))
        let proxied = WebClient(port: server.port)
        let behindTLS = try await proxied.send("GET", "/login", headers: ["X-Forwarded-Proto": "https"])
        #expect(behindTLS.setCookies.allSatisfy { $0.contains("; Secure") }, "\(behindTLS.setCookies)")
        let csrf = try #require(WebClient.csrf(try await client.send("GET", "/actions/2").body))

        // Login CSRF: the form's token must be the login cookie's.
        let stranger = WebClient(port: server.port)
        _ = try await stranger.send("GET", "/login")
        let forged = try await stranger.send("POST", "/login", form: [("csrf", token), ("user", "officer-p"), ("password", WebTests.password)])
        #expect(forged.status == 403 && forged.body.contains("security token"))

        let other = WebClient(port: server.port)
        let otherCSRF = try await other.logIn("officer-p", WebTests.password)
        let before = try h.snapshot()
        for form in [[("note", "no token")], [("csrf", ""), ("note", "empty token")], [("csrf", otherCSRF), ("note", "another session's token")],
                     [("csrf", String(csrf.dropLast()) + (csrf.hasSuffix("0") ? "1" : "0")), ("note", "one character off")]] {
            let refused = try await client.send("POST", "/actions/2/update", form: form)
            #expect(refused.status == 403 && refused.body.contains("the form&#39;s security token is missing or out of date"), "\(refused.body.suffix(300))")
        }
        #expect(try h.snapshot() == before)
        // Logging out ends the session on the server, not only in the browser.
        let stolen = client.cookies["planwatch_session"]
        #expect(try await client.send("POST", "/logout", form: [("csrf", csrf)]).status == 303)
        let replay = WebClient(port: server.port)
        replay.cookies["planwatch_session"] = stolen
        #expect(try await replay.send("GET", "/").location == "/login")
        // A password change ends the account's other sessions.
        _ = try h.run(["user", "password", "officer-p"], input: Data("another long passphrase\n".utf8))
        #expect(try await other.send("GET", "/").location == "/login")
    }

    @Test("five failed log-ins lock that name out for fifteen minutes, the right password included; other names are not")
    func throttling() async throws {
        let h = try Harness.seeded()
        defer { h.cleanUp() }
        try WebTests.accounts(h)
        let server = try Server(h)
        defer { _ = server.stop() }
        let client = WebClient(port: server.port)
        func attempt(_ user: String, _ password: String) async throws -> WebClient.Reply {
            let page = try await client.send("GET", "/login")
            return try await client.send("POST", "/login", form: [("csrf", WebClient.csrf(page.body) ?? ""), ("user", user), ("password", password)])
        }
        for _ in 0..<5 {
            let wrong = try await attempt("officer-p", "not the password at all")
            #expect(wrong.status == 401 && wrong.body.contains("user name or password not recognised"))
        }
        let locked = try await attempt("officer-p", WebTests.password)
        #expect(locked.status == 429 && locked.body.contains("too many failed log-ins for this account: try again in 15 minutes"), "\(locked.body.suffix(300))")
        #expect(try await attempt("Officer-P", WebTests.password).status == 429)
        #expect(try await attempt("inspector-p", WebTests.password).status == 303)
        // An unknown name answers as a wrong password does.
        #expect(try await attempt("nobody", WebTests.password).body.contains("user name or password not recognised"))
    }

    @Test("hostile text is escaped on every page, and the server's log holds no password, token, cookie or form token")
    func escapingAndLogs() async throws {
        let h = try Harness.seeded()
        defer { h.cleanUp() }
        try WebTests.accounts(h)
        let apiToken = try h.ok(["token", "create", "--user", "officer-p"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let hostile = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>&amp;"
        try h.ok(["action", "edit", "2", "--title", "Counselling " + hostile, "--owner", hostile])
        let server = try Server(h, logLevel: "trace")
        defer { _ = server.stop() }
        let officer = WebClient(port: server.port)
        let csrf = try await officer.logIn("officer-p", WebTests.password)
        #expect(try await officer.send("POST", "/actions/2/update", form: [("csrf", csrf), ("note", hostile)]).status == 303)
        #expect(try await officer.send("POST", "/actions/2/extension", form: [("csrf", csrf), ("to", "2031-01-31"), ("reason", hostile)]).status == 303)
        let inspector = WebClient(port: server.port)
        try await inspector.logIn("inspector-p", WebTests.password)
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(server.port)/api/v1/me")!)
        request.setValue("Bearer \(apiToken)", forHTTPHeaderField: "Authorization")
        _ = try await URLSession.shared.data(for: request)
        for (client, path) in [(officer, "/actions/2"), (officer, "/partnerships/dundee"), (inspector, "/queue"), (inspector, "/actions/2")] {
            let page = try await client.send("GET", path).body
            #expect(!page.contains("<script") && !page.contains("<img"), "\(path)")
            #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(path)")
            let file = h.folder.appendingPathComponent("page.html")
            try Data(page.utf8).write(to: file)
            try OutsideTool.run("python3", [root.appendingPathComponent("Tests/scripts/check_html.py").path, "parse-served", file.path])
        }
        // A return's preview: a hostile file name and a hostile new action, escaped too.
        let quoted = "\"" + hostile.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        let hostileReturn = Data("Ref,Action,Lead officer,Lead agency,Timescale\n9.9,\(quoted),\(quoted),Dundee City Council,31/03/2027\n".utf8)
        let preview = try await officer.upload("/partnerships/dundee/returns", fields: [("csrf", csrf), ("inspection", "dundee-2021")],
                                               file: (name: "file", filename: "<script>alert(3)</script>.csv", data: hostileReturn)).body
        #expect(!preview.contains("<script") && !preview.contains("<img") && preview.contains("new action: &quot;&lt;script&gt;alert(1)"), "\(preview.suffix(800))")
        let previewFile = h.folder.appendingPathComponent("preview.html")
        try Data(preview.utf8).write(to: previewFile)
        try OutsideTool.run("python3", [root.appendingPathComponent("Tests/scripts/check_html.py").path, "parse-served", previewFile.path])
        #expect(server.stop() == 0)
        let log = server.logText
        #expect(log.contains("/actions/2/update"), "the request log is empty: \(log.prefix(300))")
        let secrets = [WebTests.password, apiToken, String(apiToken.dropFirst(4)), csrf, officer.cookies["planwatch_session"] ?? "?",
                       inspector.cookies["planwatch_session"] ?? "?"]
        for secret in secrets { #expect(!log.contains(secret), "the log holds a secret: \(secret.prefix(8))…") }
    }
}

extension WebTests {
    @Test("in headless Chromium: an officer records an update and requests an extension; the inspector agrees it; history names both")
    func browser() async throws {
        let h = try Harness.seeded()
        defer { h.cleanUp() }
        try WebTests.accounts(h)
        let server = try Server(h)
        defer { _ = server.stop() }
        try OutsideTool.run("python3", [root.appendingPathComponent("Tests/scripts/check_html.py").path, "web", "http://127.0.0.1:\(server.port)",
                                        "officer-p", "inspector-p", WebTests.password, "2", "2031-06-30"])
        #expect(server.stop() == 0)
        let history = try h.ok(["history", "2"])
        #expect(history.contains("officer-p") && history.contains("Waiting list reviewed at the chief officers' group"), "\(history.suffix(800))")
        #expect(history.contains("requested a later deadline for action 2"))
        #expect(history.contains("inspector-p") && history.contains("agreed the requested deadline 2031-06-30 for action 2"))
        #expect(try h.ok(["action", "show", "2"]).contains("2031-06-30"))
        #expect(try h.ok(["verify"]).hasPrefix("ok:"))
    }
}

@Suite("planwatch serve under load, on loopback, bounded", .serialized)
struct LoadTests {
    static let script = root.appendingPathComponent("Benchmarks/load.py").path

    /// The summary line load.py prints.
    static func summary(_ result: Harness.Result) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout) \(result.stderr)")
    }

    @Test("16 clients posting updates for 3 s: every accepted update is stored, none 'database is locked', verify passes; a backup taken halfway verifies")
    func burst() throws {
        let result = try OutsideTool.run("python3", [LoadTests.script, "--bin", Harness.binary, "--clients", "16", "--seconds", "3", "--smoke"])
        let summary = try LoadTests.summary(result)
        #expect((summary["accepted"] as? Int ?? 0) > 16, "\(summary)")
        #expect(summary["accepted"] as? Int == summary["stored"] as? Int)
        // The backup holds the updates made before it, not all of them: it is a consistent state of the live file.
        let backedUp = summary["backup_during"] as? Int ?? -1
        #expect(backedUp > 0 && backedUp < summary["stored"] as? Int ?? 0, "\(summary)")
    }

    @Test("SIGTERM in the middle of a burst of writes: the server exits 0, and every write a client saw accepted is in a database that verifies")
    func sigtermDuringWrites() throws {
        let result = try OutsideTool.run("python3", [LoadTests.script, "--bin", Harness.binary, "--clients", "16", "--seconds", "10",
                                                    "--sigterm-after", "1.5", "--smoke"])
        let summary = try LoadTests.summary(result)
        // A write whose answer the closing connection cut off may be stored too; none answered 201 may be missing (load.py checks each note).
        #expect((summary["accepted"] as? Int ?? 0) > 0 && (summary["stored"] as? Int ?? 0) >= (summary["accepted"] as? Int ?? 1), "\(summary)")
        #expect((summary["seconds"] as? Double ?? 99) < 10, "the server did not stop on SIGTERM: \(summary)")
    }

    @Test("two servers on one PostgreSQL database, 16 clients across them for 3 s: every accepted update is stored, none surfaced a serialization failure or deadlock, and the chain verifies as one")
    func twoServersOnPostgres() throws {
        let database = try PostgresServer.shared().newDatabase()
        let result = try OutsideTool.run("python3", [LoadTests.script, "--bin", Harness.binary, "--postgres", database, "--servers", "2",
                                                    "--clients", "16", "--seconds", "3", "--smoke"])
        let summary = try LoadTests.summary(result)
        #expect(result.status == 0, "\(result.stderr)")
        #expect((summary["accepted"] as? Int ?? 0) > 16 && summary["accepted"] as? Int == summary["stored"] as? Int, "\(summary)")
        #expect(summary["serialization_failures"] as? Int == 0 && summary["engine"] as? String == "postgresql")
        // Every client's updates landed (the clients alternate between the two servers).
        let session = try PostgresSession.connect(try PostgresLocation(database))
        let clients = try session.integer("SELECT count(DISTINCT split_part(note, ' ', 2)) FROM progress_update WHERE note LIKE 'load c%'")
        #expect(clients == 16, "\(String(describing: clients))")
    }

    @Test("SIGKILL to one of two servers in the middle of the load: its clients move to the other, no accepted write is lost, and the chain verifies")
    func sigkillOneServer() throws {
        let database = try PostgresServer.shared().newDatabase()
        let result = try OutsideTool.run("python3", [LoadTests.script, "--bin", Harness.binary, "--postgres", database, "--servers", "2",
                                                    "--clients", "16", "--seconds", "4", "--sigkill-after", "1.5", "--smoke"])
        let summary = try LoadTests.summary(result)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(summary["killed"] as? Bool == true && (summary["moved"] as? Int ?? 0) > 0, "\(summary)")
        // A write whose answer the kill cut off may be stored too; none answered 201 may be missing (load.py checks each note).
        #expect((summary["accepted"] as? Int ?? 0) > 0 && (summary["stored"] as? Int ?? 0) >= (summary["accepted"] as? Int ?? 1), "\(summary)")
    }
}

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
