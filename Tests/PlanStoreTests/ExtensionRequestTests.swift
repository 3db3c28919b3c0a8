import Foundation
import GRDB
import Testing
@testable import ImprovementPlan
@testable import PlanStore

/// Requested extensions (an officer asks, an inspector decides) and browser sessions, in the store.
@Suite("requested extensions and sessions in the store")
struct ExtensionRequestTests {
    static let today = CalendarDate(year: 2025, month: 6, day: 1)!
    static let due = CalendarDate(iso: "2025-09-30")!

    /// Dundee with one open action due 2025-09-30, written as `officer`.
    static func store(_ engine: StoreEngineKind = .sqlite) throws -> PlanStore {
        var store = try engine.store(actor: "officer", command: "test")
        try store.initialise()
        try store.addPartnership(Partnership(key: "dundee", name: "Dundee City"))
        try store.recordInspection(Inspection(key: "dundee-2021", partnership: "dundee", title: "Children at risk of harm"))
        let finding = try store.addFinding(inspection: "dundee-2021", kind: .improvement, text: "Support was limited", qi: "2.1", themes: [])
        try store.addAction(NewAction(findings: [finding.id ?? 0], inspection: nil, ref: "2.1", title: "Counselling",
                                      owner: "Head of Service", agency: "Council", due: due), today: today)
        store.actor = "officer"
        return store
    }

    static func inspector(_ store: PlanStore) -> PlanStore {
        var copy = store
        copy.actor = "inspector"
        return copy
    }

    @Test("a request leaves the deadline; agreeing it moves the deadline with the inspector as agreed-by; verify passes", arguments: StoreEngineKind.allCases)
    func agree(engine: StoreEngineKind) throws {
        let store = try ExtensionRequestTests.store(engine)
        let to = CalendarDate(iso: "2025-12-31")!
        let request = try store.requestExtension(action: "1", to: to, reason: "Recruitment delayed")
        #expect(request.state == .requested && request.from == ExtensionRequestTests.due && request.requestedBy == "officer")
        #expect(try store.actionDetail("1", asOf: ExtensionRequestTests.today).action.due == ExtensionRequestTests.due)
        #expect(try store.extensionRequests().map(\.request.id) == [request.id])
        #expect(try store.extensionRequests(partnerships: ["angus"]).isEmpty)

        let decided = try ExtensionRequestTests.inspector(store).decideExtension(request: request.id, .agreed, note: nil, today: ExtensionRequestTests.today)
        #expect(decided.state == .agreed && decided.decidedBy == "inspector" && decided.decidedAt != nil)
        let detail = try store.actionDetail("1", asOf: ExtensionRequestTests.today)
        #expect(detail.action.due == to)
        #expect(detail.extensions.last?.agreedBy == "inspector" && detail.extensions.last?.from == ExtensionRequestTests.due)
        #expect(try store.extensionRequests().isEmpty)
        #expect(try store.extensionRequests(state: .agreed).count == 1)
        // The action's history holds the request and the decision; verify compares the request's record with its trail.
        let entities = detail.history.map(\.entity)
        #expect(entities.filter { $0 == "extension_request" }.count == 2)
        var history: [AuditEntry] = []
        try store.forEachAuditEntry(HistoryFilter(action: "1")) { history.append($0) }
        #expect(history.filter { $0.entity == "extension_request" }.map(\.key) == ["1#1", "1#1"])
        try store.forEachAuditEntry(HistoryFilter(partnership: "dundee")) { _ in }
        let report = try engine.verify(store)
        #expect(report.problems.isEmpty, "\(report.problems)")
        // Undo refuses a decision (two people's acts), naming why.
        #expect(throws: PlanError.self) { try store.undo(today: ExtensionRequestTests.today) }
    }

    @Test("refusing needs a note and leaves the deadline; a decided request cannot be decided again", arguments: StoreEngineKind.allCases)
    func refuse(engine: StoreEngineKind) throws {
        let store = try ExtensionRequestTests.store(engine)
        let inspector = ExtensionRequestTests.inspector(store)
        let request = try store.requestExtension(action: "1", to: CalendarDate(iso: "2025-12-31")!, reason: "Recruitment delayed")
        #expect(throws: PlanError.refused("note: say why the extension is refused")) {
            try inspector.decideExtension(request: request.id, .refused, note: "  ", today: ExtensionRequestTests.today)
        }
        #expect(throws: PlanError.refused("decision: agree or refuse")) {
            try inspector.decideExtension(request: request.id, .requested, note: nil, today: ExtensionRequestTests.today)
        }
        let refused = try inspector.decideExtension(request: request.id, .refused, note: "Recruitment is not a reason this time", today: ExtensionRequestTests.today)
        #expect(refused.state == .refused && refused.decisionNote == "Recruitment is not a reason this time")
        #expect(try store.actionDetail("1", asOf: ExtensionRequestTests.today).action.due == ExtensionRequestTests.due)
        #expect(throws: PlanError.self) { try inspector.decideExtension(request: request.id, .agreed, note: nil, today: ExtensionRequestTests.today) }
        #expect(throws: PlanError.notFound(entity: "extension request", key: "99")) {
            try inspector.decideExtension(request: 99, .agreed, note: nil, today: ExtensionRequestTests.today)
        }
        // Refused, the officer may ask again.
        #expect(try store.requestExtension(action: "1", to: CalendarDate(iso: "2025-10-31")!, reason: "A shorter delay").id == 2)
    }

    @Test("bad requests are refused in one line and write nothing", arguments: [
        ("2025-09-30", "Recruitment delayed", "to: 2025-09-30 is not after the current deadline 2025-09-30"),
        ("2025-06-01", "Recruitment delayed", "to: 2025-06-01 is not after the current deadline 2025-09-30"),
        ("2025-10-01", "   ", "reason: a value is required"),
        ("2025-10-01", String(repeating: "x", count: 2001), "reason: at most 2000 characters (this one has 2001)"),
    ], StoreEngineKind.allCases)
    func badRequests(request: (to: String, reason: String, message: String), engine: StoreEngineKind) throws {
        let (to, reason, message) = request
        let store = try ExtensionRequestTests.store(engine)
        let before = try store.auditHead()
        let error = #expect(throws: PlanError.self) { try store.requestExtension(action: "1", to: CalendarDate(iso: to)!, reason: reason) }
        #expect(error?.description == message)
        #expect(try store.auditHead() == before)
    }

    @Test("one open request per action; none for a complete action or an unknown one", arguments: StoreEngineKind.allCases)
    func oneOpen(engine: StoreEngineKind) throws {
        let store = try ExtensionRequestTests.store(engine)
        try store.requestExtension(action: "1", to: CalendarDate(iso: "2025-12-31")!, reason: "Recruitment delayed")
        #expect(throws: PlanError.refused("action 1 (dundee-2021/2.1) already has extension request 1 awaiting an inspector's decision")) {
            try store.requestExtension(action: "1", to: CalendarDate(iso: "2026-01-31")!, reason: "Later still")
        }
        #expect(throws: PlanError.self) { try store.requestExtension(action: "7", to: CalendarDate(iso: "2026-01-31")!, reason: "x") }
        try store.completeAction("1", date: ExtensionRequestTests.today, evidence: "Report", note: nil, today: ExtensionRequestTests.today)
        // Agreeing a request of an action completed meanwhile is refused, and nothing moves.
        #expect(throws: PlanError.refused("action 1 (dundee-2021/2.1) is complete; only an open action's deadline can be extended")) {
            try ExtensionRequestTests.inspector(store).decideExtension(request: 1, .agreed, note: nil, today: ExtensionRequestTests.today)
        }
        #expect(try store.extensionRequest(id: 1).request.state == .requested)
    }

    @Test("an inspector accepts or queries a completion once; a query needs a note; open actions cannot be signed off", arguments: StoreEngineKind.allCases)
    func signOff(engine: StoreEngineKind) throws {
        let store = try ExtensionRequestTests.store(engine)
        let inspector = ExtensionRequestTests.inspector(store)
        #expect(throws: PlanError.refused("action 1 (dundee-2021/2.1) is not-started; only a completion can be signed off")) {
            try inspector.signOffCompletion(action: "1", .accepted, note: nil)
        }
        try store.completeAction("1", date: ExtensionRequestTests.today, evidence: "Report", note: nil, today: ExtensionRequestTests.today)
        #expect(try store.completionsAwaitingSignOff(asOf: ExtensionRequestTests.today).map(\.id) == [1])
        #expect(try store.completionsAwaitingSignOff(partnerships: ["angus"], asOf: ExtensionRequestTests.today).isEmpty)
        #expect(throws: PlanError.refused("note: say what the completion is queried for")) { try inspector.signOffCompletion(action: "1", .queried, note: " ") }
        let done = try inspector.signOffCompletion(action: "1", .queried, note: "Which report?")
        #expect(done.decision == .queried && done.decidedBy == "inspector" && done.completed == ExtensionRequestTests.today)
        #expect(try store.completionsAwaitingSignOff(asOf: ExtensionRequestTests.today).isEmpty)
        #expect(throws: PlanError.refused("the completion of action 1 (dundee-2021/2.1) on 2025-06-01 was already queried by inspector")) {
            try inspector.signOffCompletion(action: "1", .accepted, note: nil)
        }
        // The sign-off is dated the day it was made (the clock's, not the test's fixed day).
        let follow = try store.follow(partnership: "dundee", asOf: CalendarDate.today(), since: nil)
        #expect(follow.timeline.contains { $0.kind == .signOff && $0.action == "dundee-2021/2.1" })
        #expect(try store.actionDetail("1", asOf: ExtensionRequestTests.today).history.contains { $0.entity == "completion_signoff" })
        #expect(try engine.verify(store).problems.isEmpty)
        #expect(throws: PlanError.self) { try store.undo(today: ExtensionRequestTests.today) }
    }

    @Test("a session lives eight hours, ends at logout, and every session of an account ends when its password changes or it is disabled", arguments: StoreEngineKind.allCases)
    func sessions(engine: StoreEngineKind) throws {
        let base = try ExtensionRequestTests.store(engine)
        try base.addUser(UserAccount(name: "a.smith", email: "a@dundee.gov.uk", role: .officer, partnerships: ["dundee"]), password: "correct horse battery")
        let start = Date(timeIntervalSince1970: 1_750_000_000)
        let (secret, session) = try base.withClock { start }.startSession(user: "a.smith")
        #expect(secret.hasPrefix("pws_") && secret.count == 68 && session.csrfToken.count == 64)
        let stored = try base.read { db in try db.all(String.self, sql: "SELECT secret_hash FROM web_session") }
        #expect(stored.count == 1 && stored[0] != secret && !stored[0].contains(secret.dropFirst(4)))
        #expect(try base.withClock { start.addingTimeInterval(8 * 3600 - 1) }.session(forSecret: secret)?.user.name == "a.smith")
        #expect(try base.withClock { start.addingTimeInterval(8 * 3600) }.session(forSecret: secret) == nil)
        #expect(try base.session(forSecret: "pws_" + String(repeating: "0", count: 64)) == nil)
        #expect(try base.session(forSecret: "nonsense") == nil)

        let now = Date()
        let live = base.withClock { now }
        let (second, _) = try live.startSession(user: "a.smith")
        try live.endSession(secret: second)
        #expect(try live.session(forSecret: second) == nil)
        let (third, _) = try live.startSession(user: "a.smith")
        try live.setPassword(user: "a.smith", password: "another long passphrase")
        #expect(try live.session(forSecret: third) == nil)
        let (fourth, _) = try live.startSession(user: "a.smith")
        try live.setDisabled(user: "a.smith", true)
        #expect(try live.session(forSecret: fourth) == nil)
        #expect(throws: PlanError.refused("user a.smith is disabled")) { try live.startSession(user: "a.smith") }
        // Sessions are not plan data: none is in the audit trail, and verify still passes.
        #expect(try live.auditEntries().allSatisfy { !($0.after ?? "").contains("csrf") })
        #expect(try engine.verify(live).problems.isEmpty)
    }
}
