import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `planwatch serve` on loopback, on a port the system picks, stopped at the end.
final class Server {
    let process = Process()
    let port: Int

    /// Everything the server wrote to standard error (its request log among it).
    let log: URL

    init(_ h: Harness, logLevel: String = "warning") throws {
        log = h.folder.appendingPathComponent("serve-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: Harness.binary)
        process.arguments = ["serve", "--db", h.db, "--port", "0", "--log-level", logLevel]
        // A file, not a pipe: a pipe nobody drains would stop a server that logs every request.
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // The server says where it listens once it does.
        var text = ""
        let deadline = Date().addingTimeInterval(60)
        while !text.contains("listening on"), process.isRunning, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
            text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        }
        guard let range = text.range(of: "http://127.0.0.1:"), let port = Int(text[range.upperBound...].prefix { $0.isNumber }) else {
            process.terminate()
            throw ServerError(text: text)
        }
        self.port = port
    }

    var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    struct ServerError: Error { let text: String }

    /// Status and body of one request.
    func request(_ method: String, _ path: String, token: String?, body: String? = nil) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body { request.httpBody = Data(body.utf8); request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// SIGTERM, and the exit status once it has stopped.
    func stop() -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

@Suite("planwatch serve: the JSON API", .serialized)
struct ServerTests {
    /// The seed plans with an officer and an inspector of Dundee, an officer of Glasgow, an admin, and a token each
    /// (plus one revoked); the tokens by role.
    static func accounts(_ h: Harness) throws -> [String: String] {
        try h.ok(["user", "add", "officer-p", "--email", "p@x.org", "--role", "officer", "--partnership", "dundee"])
        try h.ok(["user", "add", "officer-q", "--email", "q@x.org", "--role", "officer", "--partnership", "glasgow-city"])
        try h.ok(["user", "add", "inspector-p", "--email", "i@x.org", "--role", "inspector", "--partnership", "dundee"])
        try h.ok(["user", "add", "inspector-q", "--email", "iq@x.org", "--role", "inspector", "--partnership", "glasgow-city"])
        try h.ok(["user", "add", "admin", "--email", "a@x.org", "--role", "admin"])
        var tokens: [String: String] = [:]
        for name in ["officer-p", "officer-q", "inspector-p", "inspector-q", "admin"] {
            tokens[name] = try h.ok(["token", "create", "--user", name]).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        tokens["revoked"] = try h.ok(["token", "create", "--user", "officer-p"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try h.ok(["token", "revoke", "6"])
        return tokens
    }

    static let roles = ["officer-p", "officer-q", "inspector-p", "inspector-q", "admin", "anonymous", "revoked"]

    /// A later inspection of Dundee whose plan is submitted and awaits an inspector's agreement.
    static func submittedPlan(_ h: Harness) throws {
        try h.ok(["inspection", "add", "dundee-2026", "--partnership", "dundee", "--title", "Services for children at risk of harm",
                  "--published", "2026-06-01"])
        try h.ok(["plan", "submit", "dundee-2026", "--date", "2026-07-01"])
    }

    /// Route → expected status for each role, in `roles` order. Action 2 and partnership dundee are P's.
    static let matrix: [(method: String, path: String, body: String?, expected: [Int])] = [
        ("GET", "/api/v1/me", nil, [200, 200, 200, 200, 200, 401, 401]),
        ("GET", "/api/v1/partnerships", nil, [200, 200, 200, 200, 200, 401, 401]),
        ("GET", "/api/v1/partnerships/dundee", nil, [200, 404, 200, 404, 200, 401, 401]),
        ("GET", "/api/v1/partnerships/dundee/actions", nil, [200, 404, 200, 404, 200, 401, 401]),
        ("GET", "/api/v1/actions/2", nil, [200, 404, 200, 404, 200, 401, 401]),
        ("GET", "/api/v1/reports/progress", nil, [200, 200, 200, 200, 200, 401, 401]),
        ("POST", "/api/v1/actions/2/updates", "{\"note\": \"Case file audit sample taken\", \"percent\": 55}", [201, 404, 403, 404, 403, 401, 401]),
        ("GET", "/api/v1/inspections", nil, [200, 200, 200, 200, 200, 401, 401]),
        ("GET", "/api/v1/reports/overdue?asOf=2025-01-31", nil, [200, 200, 200, 200, 200, 401, 401]),
        ("GET", "/api/v1/reports/overdue?partnership=dundee", nil, [200, 404, 200, 404, 200, 401, 401]),
        ("GET", "/api/v1/reports/due-soon?inspection=dundee-2021&within=60", nil, [200, 404, 200, 404, 200, 401, 401]),
        ("GET", "/api/v1/reports/stale?days=30", nil, [200, 200, 200, 200, 200, 401, 401]),
        ("GET", "/api/v1/reports/owners", nil, [200, 200, 200, 200, 200, 401, 401]),
        ("GET", "/api/v1/reports/linking", nil, [200, 200, 200, 200, 200, 401, 401]),
        ("GET", "/api/v1/reports/outcomes?partnership=dundee", nil, [200, 404, 200, 404, 200, 401, 401]),
        ("GET", "/api/v1/reports/burndown", nil, [404, 404, 404, 404, 404, 401, 401]),
        ("GET", "/api/v1/inspections/dundee-2021", nil, [200, 404, 200, 404, 200, 401, 401]),
        ("GET", "/api/v1/inspections?partnership=dundee", nil, [200, 404, 200, 404, 200, 401, 401]),
        ("GET", "/api/v1/partnerships/dundee/reviews", nil, [200, 404, 200, 404, 200, 401, 401]),
        ("GET", "/api/v1/partnerships/dundee/measures", nil, [200, 404, 200, 404, 200, 401, 401]),
        ("POST", "/api/v1/partnerships/dundee/reviews",
         "{\"kind\": \"meeting\", \"summary\": \"Counselling tender reviewed\", \"date\": \"2026-11-20\", \"actions\": [2], \"next\": \"2027-03-01\"}",
         [403, 404, 201, 404, 403, 401, 401]),
        ("POST", "/api/v1/measures/dd-multi-agency-qa/readings", "{\"date\": \"2026-11-15\", \"value\": 62}", [201, 404, 403, 404, 403, 401, 401]),
        ("POST", "/api/v1/inspections/dundee-2021/returns?dryRun=true&date=2026-11-30", ServerTests.returnCSV, [200, 404, 403, 404, 403, 401, 401]),
        ("POST", "/api/v1/inspections/dundee-2021/returns?date=2026-11-30", ServerTests.returnCSV, [201, 404, 403, 404, 403, 401, 401]),
        ("GET", "/api/v1/actions/2/history", nil, [200, 404, 200, 404, 200, 401, 401]),
        ("POST", "/api/v1/actions/2/extension-requests", "{\"to\": \"2031-06-30\", \"reason\": \"Recruitment delayed\"}",
         [201, 404, 403, 404, 403, 401, 401]),
        ("GET", "/api/v1/extension-requests", nil, [200, 200, 200, 200, 200, 401, 401]),
        ("POST", "/api/v1/extension-requests/1/decision", "{\"decision\": \"agree\"}", [403, 404, 200, 404, 403, 401, 401]),
        ("POST", "/api/v1/actions/2/completion", "{\"evidence\": \"Audit report to the chief officers\"}", [201, 404, 403, 404, 403, 401, 401]),
        ("GET", "/api/v1/completions/awaiting-sign-off", nil, [200, 200, 200, 200, 200, 401, 401]),
        ("POST", "/api/v1/actions/2/sign-off", "{\"decision\": \"query\", \"note\": \"Which audit?\"}", [403, 404, 201, 404, 403, 401, 401]),
        ("POST", "/api/v1/inspections/dundee-2026/plan/agreement", "{\"date\": \"2026-07-20\"}", [403, 404, 201, 404, 403, 401, 401]),
        ("GET", "/api/v1/partnerships/dundee/actions?inspection=dundee-2021&owner=education&asOf=2025-01-31", nil, [200, 404, 200, 404, 200, 401, 401]),
        ("GET", "/api/v1/partnerships/dundee/actions?inspection=glasgow-city", nil, [404, 404, 404, 404, 404, 401, 401]),
        // An admin's: accounts, partnerships, inspections.
        ("GET", "/api/v1/users", nil, [403, 403, 403, 403, 200, 401, 401]),
        ("POST", "/api/v1/partnerships", "{\"key\": \"angus\", \"name\": \"Angus\", \"council\": \"Angus Council\"}", [403, 403, 403, 403, 201, 401, 401]),
        ("POST", "/api/v1/inspections", "{\"key\": \"angus-2026\", \"partnership\": \"angus\", \"title\": \"Services for children at risk of harm\", \"published\": \"2026-09-01\"}",
         [403, 403, 403, 403, 201, 401, 401]),
        ("POST", "/api/v1/users", "{\"name\": \"o.angus\", \"email\": \"o@angus.gov.uk\", \"role\": \"officer\", \"partnerships\": [\"angus\"], \"password\": \"a long enough passphrase\"}",
         [403, 403, 403, 403, 201, 401, 401]),
        ("POST", "/api/v1/users/o.angus/state", "{\"disabled\": true}", [403, 403, 403, 403, 200, 401, 401]),
    ]

    /// A return of Dundee's plan: a new note on action 2.
    static let returnCSV: String = """
        Ref,Action,Lead officer,Lead agency,Timescale,Progress
        2.1,Commission additional counselling for children at risk,"Head of Service, Education",Dundee City Council,31/03/2024,Tender awarded to two providers

        """

    @Test("permission matrix: every role × every route answers as the table says, and nothing is written on any refusal")
    func permissions() async throws {
        let h = try Harness.seeded()
        defer { h.cleanUp() }
        let tokens = try ServerTests.accounts(h)
        try ServerTests.submittedPlan(h)
        let server = try Server(h)
        defer { _ = server.stop() }
        for route in ServerTests.matrix {
            for (index, role) in ServerTests.roles.enumerated() {
                let before = try h.snapshot()
                let (status, body) = try await server.request(route.method, route.path, token: tokens[role], body: route.body)
                #expect(status == route.expected[index], "\(role) \(route.method) \(route.path): \(status) \(body)")
                if status >= 400 {
                    #expect(try h.snapshot() == before, "\(role) \(route.method) \(route.path) wrote to the database")
                    let problem = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
                    #expect(problem?["status"] as? Int == status && (problem?["detail"] as? String)?.isEmpty == false, "\(body)")
                }
            }
        }
        // Another partnership's records are not listed either, and a 404 for a hidden one reads as for a missing one.
        let listed = try await server.request("GET", "/api/v1/partnerships", token: tokens["officer-q"]).1
        #expect(listed.contains("\"glasgow-city\"") && !listed.contains("\"dundee\""))
        let hidden = try await server.request("GET", "/api/v1/actions/2", token: tokens["officer-q"]).1
        let missing = try await server.request("GET", "/api/v1/actions/999", token: tokens["officer-q"]).1
        #expect(hidden.contains("\"detail\" : \"no action '2'\"") && missing.contains("\"detail\" : \"no action '999'\""))
        // No "did you mean" naming another partnership.
        let near = try await server.request("GET", "/api/v1/partnerships/dundeee", token: tokens["officer-q"]).1
        #expect(!near.contains("dundee'?") && near.contains("no partnership 'dundeee'"))
        let progress = try await server.request("GET", "/api/v1/reports/progress?asOf=2025-01-31", token: tokens["inspector-p"]).1
        #expect(progress.contains("\"partnership\" : \"dundee\"") && !progress.contains("\"partnership\" : \"glasgow-city\""))

        // The accepted writes name their users, and say they came through the server; the CLI on the same file still works.
        let history = try h.ok(["history", "--format", "csv"])
        for line in ["officer-p,serve POST /api/v1/actions/{id}/updates", "inspector-p,serve POST /api/v1/partnerships/{key}/reviews",
                     "officer-p,serve POST /api/v1/measures/{key}/readings", "officer-p,serve POST /api/v1/inspections/{key}/returns"] {
            #expect(history.contains(line), "\(line)")
        }
        #expect(try h.ok(["review", "list", "--partnership", "dundee", "--format", "csv"]).contains("2026-11-20,meeting,inspector-p,Counselling tender reviewed,2,"))
        #expect(try h.ok(["action", "show", "2"]).contains("Tender awarded to two providers"))
        #expect(try h.ok(["inspection", "show", "dundee-2026", "--format", "json"]).contains("\"agreedBy\" : \"inspector-p\""))
        // Each report is the CLI's, narrowed to the account's partnerships.
        let overdue = try await server.request("GET", "/api/v1/reports/overdue?asOf=2025-01-31", token: tokens["officer-p"]).1
        let cli = try h.ok(["report", "overdue", "--partnership", "dundee", "--as-of", "2025-01-31", "--format", "csv"])
        #expect(overdue.components(separatedBy: "\"partnership\" : ").count - 1 == cli.split(separator: "\r\n").count - 1, "\(overdue)")
        #expect(!overdue.contains("glasgow-city"))
        let linking = try await server.request("GET", "/api/v1/reports/linking", token: tokens["inspector-q"]).1
        #expect(linking.contains("\"partnership\" : \"glasgow-city\"") && !linking.contains("\"dundee\""))
        // The admin's changes: audited under the admin's name; the new account's password works, and it is disabled as asked.
        for line in ["admin,serve POST /api/v1/partnerships", "admin,serve POST /api/v1/inspections", "admin,serve POST /api/v1/users"] {
            #expect(history.contains(line), "\(line)")
        }
        #expect(try h.ok(["inspection", "show", "angus-2026", "--format", "json"]).contains("\"planDue\" : \"2026-10-13\""))
        #expect(try h.ok(["user", "list", "--format", "csv"]).contains("o.angus,o@angus.gov.uk,officer,angus,set "))
        #expect(try h.ok(["user", "list", "--format", "csv"]).contains(",disabled"))
        let filtered = try await server.request("GET", "/api/v1/partnerships/dundee/actions?owner=education&asOf=2025-01-31", token: tokens["officer-p"]).1
        #expect(filtered.contains("\"owner\" : \"Head of Service, Education\"") && !filtered.contains("Child Protection\""), "\(filtered)")
        let inspections = try await server.request("GET", "/api/v1/inspections", token: tokens["officer-q"]).1
        #expect(inspections.contains("\"glasgow-city\"") && !inspections.contains("\"dundee-2021\""))
        #expect(try h.ok(["update", "2", "--note", "From the command line while the server runs"]).hasPrefix("Updated action 2"))
        #expect(try h.ok(["verify"]).hasPrefix("ok:"))
        #expect(server.stop() == 0)
    }

    @Test("bad requests are problems in one line, and change nothing", arguments: [
        ("{\"note\": \"x\", \"stauts\": \"complete\"}", 422, "stauts: not a field here"),
        ("not json", 400, "body: expected a JSON object"),
        ("{}", 422, "note: a value is required"),
        ("{\"note\": \"x\", \"percent\": 150}", 422, "percent: '150' is not valid"),
        ("{\"note\": \"x\", \"percent\": true}", 422, "percent: expected a whole number"),
        ("{\"note\": \"x\", \"date\": \"2025-02-30\"}", 422, "date: '2025-02-30' is not a real date"),
        ("{\"note\": \"x\", \"status\": \"paused\"}", 422, "status: 'paused' is not valid"),
        ("{\"note\": \"<script>alert(1)</script>\\u001b[31m\", \"date\": \"+30d\"}", 422, "is in the future"),
    ])
    func badRequests(body: String, status: Int, detail: String) async throws {
        let h = try Harness.seeded()
        defer { h.cleanUp() }
        let tokens = try ServerTests.accounts(h)
        let server = try Server(h)
        defer { _ = server.stop() }
        let before = try h.snapshot()
        let (code, text) = try await server.request("POST", "/api/v1/actions/2/updates", token: tokens["officer-p"], body: body)
        #expect(code == status, "\(text)")
        #expect(text.contains(detail), "\(text)")
        let problem = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect((problem?["detail"] as? String)?.contains("\n") == false)
        #expect(try h.snapshot() == before)
    }

    static let refusedWrites: [(path: String, body: String, status: Int, detail: String)] = [
        ("/api/v1/partnerships/dundee/reviews", "{\"kind\": \"chat\", \"summary\": \"x\"}", 422, "kind: 'chat' is not valid"),
        ("/api/v1/partnerships/dundee/reviews", "{\"kind\": \"meeting\"}", 422, "summary: a value is required"),
        ("/api/v1/partnerships/dundee/reviews", "{\"kind\": \"meeting\", \"summary\": \"x\", \"actions\": [{}]}", 422,
         "actions: expected a list of strings or whole numbers"),
        ("/api/v1/partnerships/dundee/reviews", "{\"kind\": \"meeting\", \"summary\": \"x\", \"actions\": [\"glasgow-city/1\"]}", 404, "no action 'glasgow-city/1'"),
        // Another partnership's action reads as a missing one: nothing says whose it is.
        ("/api/v1/partnerships/dundee/reviews", "{\"kind\": \"meeting\", \"summary\": \"x\", \"actions\": [9]}", 404, "no action '9'"),
        ("/api/v1/partnerships/dundee/reviews", "{\"kind\": \"meeting\", \"summary\": \"x\", \"actions\": [999]}", 404, "no action '999'"),
        ("/api/v1/partnerships/dundee/reviews", "{\"kind\": \"meeting\", \"summary\": \"x\", \"inspector\": \"someone else\"}", 422,
         "inspector: not a field here"),
        ("/api/v1/measures/dd-multi-agency-qa/readings", "{\"date\": \"2026-11-15\", \"value\": \"lots\"}", 422, "value: 'lots' is not valid"),
        ("/api/v1/measures/dd-multi-agency-qa/readings", "{\"date\": \"2026-09-30\", \"value\": 60}", 422, "already has a reading on 2026-09-30"),
        ("/api/v1/measures/dd-multi-agency-qa/readings", "{\"value\": 60}", 422, "date: a value is required"),
        ("/api/v1/measures/gc-help-in-time/readings", "{\"date\": \"2026-11-15\", \"value\": 60}", 404, "no measure 'gc-help-in-time'"),
        ("/api/v1/inspections/dundee-2021/returns?dryRun=maybe", "Ref,Action\n", 422, "dryRun: expected true or false"),
        ("/api/v1/inspections/dundee-2021/returns", "", 422, "body: send the return's file"),
        ("/api/v1/inspections/dundee-2021/returns", "Ref,Action,Lead officer,Lead agency,Timescale,Status\n2.1,x,y,z,31/03/2024,paused\n3.1,x,y,z,31/02/2025,\n",
         422, "(and 1 more problem)"),
        ("/api/v1/inspections/glasgow-city/returns", "Ref,Action\n", 404, "no inspection 'glasgow-city'"),
        ("/api/v1/inspections/dundee-2021/returns", "Id,Ref,Action,Lead officer,Lead agency,Timescale\n9,2.1,x,y,Dundee City Council,31/03/2024\n", 422,
         "row 2, column 'Id': action 9 is not an action of dundee-2021"),
        ("ADMIN /api/v1/users", "{\"name\": \"B\", \"email\": \"b@x.org\", \"role\": \"officer\", \"partnerships\": [\"dundee\"]}", 422, "user: 'B' is not valid"),
        ("ADMIN /api/v1/users", "{\"name\": \"b\", \"email\": \"b@x.org\", \"role\": \"boss\"}", 422, "role: 'boss' is not valid"),
        ("ADMIN /api/v1/users", "{\"name\": \"b\", \"email\": \"b@x.org\", \"role\": \"officer\", \"partnerships\": [\"dundee\"], \"password\": \"short\"}", 422,
         "password: at least 12 characters"),
        ("ADMIN /api/v1/users", "{\"name\": \"officer-p\", \"email\": \"b@x.org\", \"role\": \"officer\", \"partnerships\": [\"dundee\"]}", 409,
         "user 'officer-p' already exists"),
        ("ADMIN /api/v1/users/nobody/state", "{\"disabled\": true}", 404, "no user 'nobody'"),
        ("ADMIN /api/v1/users/officer-p/state", "{\"disabled\": \"yes\"}", 422, "disabled: expected true or false"),
        ("ADMIN /api/v1/partnerships", "{\"key\": \"Angus Council\", \"name\": \"Angus\"}", 422, "partnership key: 'Angus Council' is not valid"),
        ("ADMIN /api/v1/partnerships", "{\"key\": \"dundee\", \"name\": \"Dundee\"}", 409, "partnership 'dundee' already exists"),
        ("ADMIN /api/v1/inspections", "{\"key\": \"x-1\", \"partnership\": \"nowhere\", \"title\": \"t\"}", 404, "no partnership 'nowhere'"),
        ("ADMIN /api/v1/inspections", "{\"key\": \"x-1\", \"partnership\": \"dundee\", \"title\": \"t\", \"published\": \"2026-02-30\"}", 422,
         "published: '2026-02-30' is not a real date"),
        ("GET /api/v1/reports/due-soon?within=soon", "", 422, "within: expected a whole number of days"),
        ("GET /api/v1/reports/stale?days=99999", "", 422, "days: '99999' is not valid"),
        ("GET /api/v1/reports/overdue?inspection=glasgow-city", "", 404, "no inspection 'glasgow-city'"),
        ("GET /api/v1/reports/overdue?asOf=2025-02-30", "", 422, "asOf: '2025-02-30' is not a real date"),
    ]

    @Test("bad reviews, readings, returns and report queries: a problem in one line (a return's every problem listed), nothing written",
          arguments: 0..<ServerTests.refusedWrites.count)
    func badWrites(index: Int) async throws {
        let h = try Harness.seeded()
        defer { h.cleanUp() }
        let tokens = try ServerTests.accounts(h)
        let server = try Server(h)
        defer { _ = server.stop() }
        let before = try h.snapshot()
        let (route, body, status, detail) = ServerTests.refusedWrites[index]
        let method = route.hasPrefix("GET ") ? "GET" : "POST"
        let path = route.hasPrefix("GET ") ? String(route.dropFirst(4)) : route.hasPrefix("ADMIN ") ? String(route.dropFirst(6)) : route
        let token = route.hasPrefix("ADMIN ") ? tokens["admin"] : path.contains("/reviews") ? tokens["inspector-p"] : tokens["officer-p"]
        let (code, text) = try await server.request(method, path, token: token, body: method == "GET" ? nil : body)
        #expect(code == status, "\(text)")
        let problem = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        let line = problem?["detail"] as? String ?? ""
        #expect(line.contains(detail) && !line.contains("\n"), "\(text)")
        if detail.contains("more problem") { #expect((problem?["errors"] as? [String])?.count == 2, "\(text)") }
        #expect(try h.snapshot() == before)
    }

    @Test("a later timescale in an officer's return is a requested extension: the deadline stands until an inspector agrees it")
    func returnAsksForMoreTime() async throws {
        let h = try Harness.seeded()
        defer { h.cleanUp() }
        let tokens = try ServerTests.accounts(h)
        let server = try Server(h)
        defer { _ = server.stop() }
        let later = ServerTests.returnCSV.replacingOccurrences(of: "31/03/2024", with: "30/09/2027")
        let (dry, preview) = try await server.request("POST", "/api/v1/inspections/dundee-2021/returns?dryRun=true&date=2026-11-30",
                                                      token: tokens["officer-p"], body: later)
        #expect(dry == 200 && preview.contains("\"kind\" : \"extensionRequest\"") && preview.contains("\"extensionRequests\" : 1"), "\(preview)")
        let (status, body) = try await server.request("POST", "/api/v1/inspections/dundee-2021/returns?date=2026-11-30",
                                                      token: tokens["officer-p"], body: later)
        #expect(status == 201 && body.contains("\"to\" : \"2027-09-30\""), "\(body)")
        // The note is recorded; the deadline is not moved; the request waits for the inspector.
        let action = try h.ok(["action", "show", "2", "--format", "json"])
        #expect(action.contains("Tender awarded to two providers") && action.contains("\"due\" : \"2024-03-31\""), "\(action.prefix(600))")
        #expect(try h.ok(["extension", "list", "--format", "csv"]).contains(",dundee-2021/2.1,Commission additional counselling for children at risk,2024-03-31,2027-09-30,return of 2026-11-30,officer-p,requested,"))
        // A second return asking again is refused whole while the first request is open.
        let again = later.replacingOccurrences(of: "Tender awarded to two providers", with: "Contracts signed")
        let (refused, problem) = try await server.request("POST", "/api/v1/inspections/dundee-2021/returns?date=2026-12-01",
                                                          token: tokens["officer-p"], body: again)
        #expect(refused == 422 && problem.contains("already has extension request 1 awaiting an inspector's decision"), "\(problem)")
        let (agreed, _) = try await server.request("POST", "/api/v1/extension-requests/1/decision", token: tokens["inspector-p"],
                                                   body: "{\"decision\": \"agree\"}")
        #expect(agreed == 200)
        #expect(try h.ok(["action", "show", "2", "--format", "json"]).contains("\"due\" : \"2027-09-30\""))
        // The CLI's import of the same return, trusted with the plan, still records an extension.
        let file = h.folder.appendingPathComponent("return.csv")
        try Data(later.replacingOccurrences(of: "30/09/2027", with: "31/12/2027").utf8).write(to: file)
        #expect(try h.ok(["import", file.path, "--inspection", "dundee-2021", "--dry-run"]).contains("2.1 deadline 2027-09-30 → 2027-12-31 (extension)"))
        #expect(try h.ok(["verify"]).hasPrefix("ok:"))
    }

    @Test("healthz answers without a token; a revoked token and a disabled account get 401; SIGTERM stops it cleanly")
    func lifecycle() async throws {
        let h = try Harness.seeded()
        defer { h.cleanUp() }
        let tokens = try ServerTests.accounts(h)
        let server = try Server(h)
        let (status, body) = try await server.request("GET", "/healthz", token: nil)
        #expect(status == 200 && body.contains("\"status\" : \"ok\""))
        #expect(try await server.request("GET", "/api/v1/me", token: tokens["officer-p"]).0 == 200)
        try h.ok(["user", "disable", "officer-p"])
        #expect(try await server.request("GET", "/api/v1/me", token: tokens["officer-p"]).0 == 401)
        #expect(try await server.request("GET", "/api/v1/me", token: tokens["revoked"]).0 == 401)
        #expect(try await server.request("GET", "/api/v1/me", token: "pwt_" + String(repeating: "0", count: 64)).0 == 401)
        #expect(server.stop() == 0)
        #expect(try h.ok(["verify"]).hasPrefix("ok:"))
    }

    @Test("docs/openapi.yaml describes the running server: schemathesis, bounded to 45 s, finds no 5xx, no undocumented status, type or body")
    func openAPI() throws {
        let h = try Harness.seeded()
        defer { h.cleanUp() }
        let tokens = try ServerTests.accounts(h)
        let server = try Server(h)
        defer { _ = server.stop() }
        let spec = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/openapi.yaml").path
        for role in ["officer-p", "inspector-p", "admin"] {
            let result = try OutsideTool.run("st", [
                "run", spec, "--url", "http://127.0.0.1:\(server.port)", "-H", "Authorization: Bearer \(tokens[role] ?? "")",
                "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
                "--max-examples", "10", "--max-time", "45", "--seed", "1", "--no-color", "--request-timeout", "10",
            ])
            // Its exit status is the verdict (OutsideTool requires 0); its summary says how many cases ran.
            #expect(result.stdout.contains("generated") && result.stdout.contains("passed"), "\(result.stdout.suffix(2000))")
        }
        // Whatever it wrote, it wrote through the rules: the trail still verifies.
        #expect(server.stop() == 0)
        #expect(try h.ok(["verify"]).hasPrefix("ok:"))
    }

    @Test("serve refuses a bad port in one line")
    func badPort() throws {
        let h = try Harness.seeded()
        defer { h.cleanUp() }
        let result = try h.run(["serve", "--port", "99999"])
        #expect(result.status != 0 && result.stderr == "planwatch serve: port: '99999' is not valid (expected a number from 0 to 65535)\n")
    }
}
