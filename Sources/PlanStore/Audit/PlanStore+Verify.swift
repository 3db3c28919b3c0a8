import Crypto
import Foundation
import GRDB
import ImprovementPlan

/// What `verify` found: the checks that ran and the problems, first one first.
public struct VerifyReport: Codable, Sendable {
    public var integrity: Bool
    public var foreignKeys: Bool
    public var auditEntries: Int
    public var recordsChecked: Int
    /// The last entry of the trail, `SEQ:HASH`: note it down, and `verify --expect` checks it later.
    public var head: AuditHead
    /// Signed checkpoints found and checked against the public key given (0 without one).
    public var checkpointsVerified: Int
    public var problems: [String]
    /// On PostgreSQL (nil on SQLite, and left out of the JSON): the engine;
    /// the B-tree indexes amcheck checked, or why none were; and the
    /// schema's triggers found in place and enabled.
    public var engine: String?
    public var indexesChecked: Int?
    public var indexesNotChecked: String?
    public var guardTriggers: Int?

    public var ok: Bool { problems.isEmpty }
}

/// What `verify` is asked to check beyond the database itself.
public struct VerifyExpectations: Sendable {
    /// Heads noted earlier (by `verify`, or read from a backup): each must still be in the trail.
    public var heads: [(head: AuditHead, source: String)]
    /// A checkpoint public key (Ed25519, raw 32 bytes): every checkpoint must be signed by it, and there must be one.
    public var publicKey: Data?

    public init(heads: [(head: AuditHead, source: String)] = [], publicKey: Data? = nil) {
        self.heads = heads
        self.publicKey = publicKey
    }

    /// What `verify --expect SEQ:HASH --against BACKUP --key FILE` asks: each
    /// head given, each backup's head (read from the file), and the public key in the file.
    public init(expect: [String], against backups: [String], keyFile: String?) throws {
        var heads: [(head: AuditHead, source: String)] = []
        for text in expect {
            let head = try VerifyExpectations.head(expected: text)
            heads.append((head, "--expect \(head.seq)"))
        }
        for path in backups { heads.append((try PlanStore.auditHead(ofFile: path), "backup '\(path)'")) }
        self.init(heads: heads, publicKey: try keyFile.map { try KeyFile.read($0, kind: .publicKey) })
    }

    /// The head an `--expect` gives, or the error naming what is wrong with it.
    public static func head(expected text: String) throws -> AuditHead {
        guard let head = AuditHead(text) else {
            throw PlanError.invalidValue(field: "expect", value: text, expected: "SEQ:HASH as verify prints it, like 1520:9f86…(64 hex digits)")
        }
        return head
    }
}

extension VerifyReport {
    /// The line `verify` prints when everything holds: what was checked, on
    /// either engine, and the noted heads and signed checkpoints it was asked about.
    public func summary(notedHeads: Int, checkpointsAsked: Bool) -> String {
        var line: String
        if engine == nil {
            line = "ok: integrity and foreign keys hold; \(auditEntries) audit entries chained; \(recordsChecked) records match their history"
        } else {
            line = "ok: \(auditEntries) audit entries chained; \(recordsChecked) records match their history; foreign keys hold; "
            line += indexesChecked.map { "\($0) indexes pass amcheck; " } ?? "indexes not checked (\(indexesNotChecked ?? "amcheck")); "
            line += "\(guardTriggers ?? 0) triggers in place (the append-only guards and the last-update date)"
        }
        if notedHeads > 0 { line += "; the trail passes through \(notedHeads) noted \(notedHeads == 1 ? "head" : "heads")" }
        if checkpointsAsked { line += "; \(checkpointsVerified) signed \(checkpointsVerified == 1 ? "checkpoint" : "checkpoints") hold" }
        return line
    }
}

/// Checking that the database is what its history says it is.
extension PlanStore {
    /// The schema a database of this version has: every table, index, trigger
    /// and view, by type and name, with its SQL text, as a fresh database
    /// migrated by this planwatch holds them.
    static func expectedSchema() throws -> [String: String?] {
        let queue = try DatabaseQueue()
        try migrator.migrate(queue)
        return try queue.read { db in try schema(db) }
    }

    static func schema(_ db: Database) throws -> [String: String?] {
        var objects: [String: String?] = [:]
        for row in try db.rows(sql: "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'") {
            let type: String = try row.required("type"), name: String = try row.required("name")
            objects["\(type) \(name)"] = row["sql"] as String?
        }
        return objects
    }

    /// Runs SQLite's integrity and foreign-key checks, compares the schema
    /// with this version's in full, walks the audit chain from the first entry
    /// to the last, and compares every record (and the order and recording
    /// time of each action's updates) with the state its audit history ends
    /// in. Memory stays flat with the size of the database: records are read
    /// a row at a time and compared through hashes.
    public func verify(_ expectations: VerifyExpectations = VerifyExpectations()) throws -> VerifyReport {
        let expected = try PlanStore.expectedSchema()
        return try readSQLite { db in
            var problems: [String] = []
            let integrity = try db.all(String.self, sql: "PRAGMA integrity_check")
            if integrity != ["ok"] { problems.append("integrity check: \(integrity.first ?? "failed")") }
            let foreign = try db.rows(sql: "PRAGMA foreign_key_check")
            for row in foreign.prefix(5) {
                let table: String = row["table"] ?? "?", parent: String = row["parent"] ?? "?"
                let rowid: Int64? = row["rowid"]
                problems.append("foreign key: \(table) row \(rowid.map(String.init) ?? "?") refers to a missing \(parent)")
            }
            let found = try PlanStore.schema(db)
            for name in expected.keys.sorted() {
                guard let sql = found[name] else {
                    problems.append("\(name) is missing from the schema" + (PlanStore.guardTriggers.contains { name.hasSuffix(" " + $0) } ? " (an append-only guard was removed)" : ""))
                    continue
                }
                if sql != expected[name] { problems.append("\(name) differs from this planwatch's schema (it was changed behind planwatch's back)") }
            }
            for name in found.keys.sorted() where expected[name] == nil {
                problems.append("\(name) is not part of planwatch's schema (it was added behind planwatch's back)")
            }

            // Walk the chain, keeping for each record a hash of its last state
            // and, per action, a running hash of its appended records in order.
            // The arrays per action are sized once, from the highest action id (no doubling as they grow).
            var walk = ChainWalk(actions: Int(try db.one(Int64.self, sql: "SELECT coalesce(max(id), 0) FROM action") ?? 0))
            var checkpoints: [(entry: Int64, checkpoint: Checkpoint?)] = []
            try db.forEachRow(sql: "SELECT * FROM audit_entry ORDER BY seq") { row in
                let entry = try AuditEntry(row: row)
                walk.add(entry, problems: &problems)
                if AuditSubject(entity: entry.entity, key: entry.key) == .database(.checkpoint) {
                    checkpoints.append((entry.seq, entry.after.flatMap { try? JSONDecoder().decode(Checkpoint.self, from: Data($0.utf8)) }))
                }
            }
            let head = walk.head

            // Heads noted earlier: the chain must still pass through each of them.
            for (noted, source) in expectations.heads where noted.seq > 0 {
                let hash = try db.one(String.self, sql: "SELECT hash FROM audit_entry WHERE seq = ?", arguments: [noted.seq])
                if hash == nil {
                    problems.append("\(source): entry \(noted.seq) is no longer in the trail (it ends at \(head.seq)): entries were removed")
                } else if hash != noted.hash {
                    problems.append("\(source): entry \(noted.seq) no longer has the hash noted (the trail was rewritten)")
                }
            }
            var checkpointsVerified = 0
            if let raw = expectations.publicKey {
                let key = try Curve25519.Signing.PublicKey(rawRepresentation: raw)
                if checkpoints.isEmpty { problems.append("checkpoints: the trail holds no signed checkpoint") }
                for (entry, checkpoint) in checkpoints {
                    guard let checkpoint, let signed = AuditHead(checkpoint.head), let signature = Data(base64Encoded: checkpoint.signature) else {
                        problems.append("checkpoint at entry \(entry) cannot be read"); continue
                    }
                    guard key.isValidSignature(signature, for: Checkpoint.message(signed)) else {
                        problems.append("checkpoint at entry \(entry) is not signed by this key"); continue
                    }
                    let hash = try db.one(String.self, sql: "SELECT hash FROM audit_entry WHERE seq = ?", arguments: [signed.seq])
                    guard hash == signed.hash, signed.seq == entry - 1 else {
                        problems.append("checkpoint at entry \(entry) signed entry \(signed.seq) with another hash (the trail was rewritten)"); continue
                    }
                    checkpointsVerified += 1
                }
            }

            // Compare every record with its history, a table at a time.
            var checked = 0
            try PlanStore.forEachRecord(db) { entity, key, json in
                checked += 1
                let id = "\(entity) \(key)"
                switch walk.take(entity: entity, key: key) {
                case nil:
                    problems.append("\(id) has no audit entry (it was added behind planwatch's back)")
                case let (seq, recorded)?:
                    guard let recorded else {
                        problems.append("\(id) was deleted at audit entry \(seq) but is in the database"); return
                    }
                    if recorded != ChainWalk.fingerprint(json) {
                        let trail = try db.one(String.self, sql: "SELECT after FROM audit_entry WHERE seq = ?", arguments: [seq]) ?? ""
                        problems.append("\(id) differs from audit entry \(seq) (\(PlanStore.describeDifference(database: json, audit: trail)))")
                    }
                }
            }
            for seq in walk.remainingRecords() {
                let row = try db.row(sql: "SELECT entity, entity_key FROM audit_entry WHERE seq = ?", arguments: [seq])
                let id = row.map { "\($0["entity"] as String? ?? "?") \($0["entity_key"] as String? ?? "?")" } ?? "a record"
                problems.append("\(id) is in the audit trail (entry \(seq)) but not in the database (deleted behind planwatch's back)")
            }
            // Each action's updates and extensions, in the order they were written,
            // folded as the walk folded them, and compared one action at a time.
            for entity in [AppendedKind.update, .extension] {
                let sql = entity == .update ? Select.update + " ORDER BY u.action_id, u.id" : Select.extensionRow + " ORDER BY x.action_id, x.id"
                var current: (action: Int64, summary: AppendedSummary)?
                func finish() {
                    guard let (action, summary) = current else { return }
                    if let difference = walk.appended.match(entity, action: action, summary) {
                        problems.append("action \(action): its \(entity.words) differ from the audit trail (\(difference))")
                    }
                }
                try db.forEachRow(sql: sql) { row in
                    let id: Int64 = try row.required("action_id")
                    let item: String
                    if entity == .update {
                        item = AppendedRecords.item(try AuditWriter.json(try ProgressUpdate(row: row)) ?? "", at: row["recorded_at"])
                    } else {
                        item = AppendedRecords.item(try AuditWriter.json(try DeadlineExtension(row: row)) ?? "", at: nil)
                    }
                    if current?.action != id {
                        finish()
                        current = (id, AppendedSummary())
                    }
                    current?.summary.add(item, ordered: entity == .update)
                    checked += 1
                }
                finish()
                for (action, summary) in walk.appended.unmatched(entity) {
                    problems.append("action \(action): its \(entity.words) differ from the audit trail (0 in the database, \(summary.count) recorded)")
                }
            }
            problems += try PlanStore.derivedStateProblems(db)
            return VerifyReport(integrity: integrity == ["ok"], foreignKeys: foreign.isEmpty, auditEntries: walk.count,
                                recordsChecked: checked, head: head, checkpointsVerified: checkpointsVerified, problems: problems)
        }
    }

    /// Appends a checkpoint to the trail: the current head, signed with `key`.
    /// Whoever keeps the public key can later tell a rebuilt trail from this one.
    @discardableResult
    public func checkpoint(signingWith rawKey: Data) throws -> (signed: AuditHead, entry: AuditHead) {
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: rawKey)
        let signed = try write { db, audit -> AuditHead in
            let head = try PlanStore.head(db)
            let signature = try key.signature(for: Checkpoint.message(head))
            let checkpoint = Checkpoint(head: head.description, publicKey: key.publicKey.rawRepresentation.base64EncodedString(),
                                        signature: signature.base64EncodedString())
            try audit.record(db, .database(.checkpoint), before: Checkpoint?.none, after: checkpoint, operation: "insert")
            return head
        }
        return (signed, try auditHead())
    }

    /// Derived state (`ActionColumn.derived`) recomputed from the records it
    /// comes from: every action whose kept latest-update date is not the
    /// latest of its updates, and every action whose kept partnership is not
    /// its inspection's; for each, the first few named and the rest counted.
    static func derivedStateProblems(_ db: Database, naming limit: Int = 10) throws -> [String] {
        try derivedProblems(db, naming: limit, what: "last update date", from: "updates", sql: """
            SELECT id, kept, actual FROM (
              SELECT a.id, a.last_update_on AS kept, (SELECT max(u.on_date) FROM progress_update u WHERE u.action_id = a.id) AS actual
              FROM action a) WHERE kept IS NOT actual ORDER BY id
            """)
            + derivedProblems(db, naming: limit, what: "partnership", from: "inspection", sql: """
            SELECT a.id, kept.key AS kept, actual.key AS actual
            FROM action a JOIN inspection i ON i.id = a.inspection_id JOIN partnership actual ON actual.id = i.partnership_id
                 LEFT JOIN partnership kept ON kept.id = a.partnership_id
            WHERE a.partnership_id IS NOT i.partnership_id ORDER BY a.id
            """)
    }

    /// The actions `sql` finds (`id`, `kept`, `actual`) whose derived `what`
    /// disagrees with the records it comes `from`: the first `limit` named, the rest counted.
    private static func derivedProblems(_ db: Database, naming limit: Int, what: String, from source: String, sql: String) throws -> [String] {
        let rows = try Row.fetchCursor(db, sql: sql)
        var problems: [String] = [], more = 0
        while let row = try rows.next() {
            guard problems.count < limit else { more += 1; continue }
            let id: Int64 = try row.required("id")
            let kept: String? = row["kept"], actual: String? = row["actual"]
            problems.append("action \(id): its \(what) is \(kept ?? "empty") on the action row but \(actual ?? "none") "
                            + "from its \(source) (derived state changed behind planwatch's back)")
        }
        if more > 0 { problems.append("and \(more) more action\(more == 1 ? "" : "s") whose \(what) disagrees with the \(source)") }
        return problems
    }

    /// The triggers that keep progress updates and the audit trail append-only.
    static let guardTriggers = ["progress_update_no_update", "progress_update_no_delete", "audit_entry_no_update", "audit_entry_no_delete",
                               "measure_reading_no_update", "measure_reading_no_delete"]

    static let appendOnly: Set<String> = ["progress_update", "deadline_extension"]

    /// Every record (but the append-only ones) as its audit entries encode
    /// it, keyed as they key it, a row at a time.
    static func forEachRecord(_ db: Database, _ body: (String, String, String) throws -> Void) throws {
        func each<T: Encodable>(_ sql: String, _ decode: (SQLRow) throws -> T, _ subject: (T) -> AuditSubject) throws {
            try db.forEachRow(sql: sql) { row in
                let value = try decode(row)
                let about = subject(value)
                try body(about.entity.rawValue, about.key, try AuditWriter.json(value) ?? "")
            }
        }
        try each(Select.partnership, Partnership.init(row:)) { .partnership($0.key) }
        try each(Select.link, LinkAssignment.init(row:)) { .linkAssignment(partnership: $0.partnership, from: $0.from) }
        try each(Select.qi, QualityIndicator.init(row:)) { .qualityIndicator($0.reference) }
        try each(Select.inspection, Inspection.init(row:)) { .inspection($0.key) }
        try each(Select.plan, ActionPlan.init(row:)) { .actionPlan(inspection: $0.inspection) }
        try each(Select.inspectionChange, InspectionChange.init(row:)) { .inspectionChange(inspection: $0.inspection, on: $0.date) }
        try each(Select.evaluation, Evaluation.init(row:)) { .evaluation(inspection: $0.inspection, qi: $0.qi) }
        try each(Select.finding, Finding.init(row:)) { .finding(inspection: $0.inspection, number: $0.number) }
        try each(Select.action, Action.init(row:)) { .action($0.id ?? 0) }
        try each(Select.review, PlanFile.Review.init(row:)) { .linkingReview(partnership: $0.partnership, on: $0.date, kind: $0.kind) }
        try each(Select.measure, OutcomeMeasure.init(row:)) { .outcomeMeasure($0.key) }
        // A reading's record is the one in effect for its date: the latest correction, else the first.
        try each(Select.reading + " WHERE r.id IN (SELECT max(id) FROM measure_reading GROUP BY measure_id, on_date)", MeasureReading.init(row:)) {
            .measureReading(measure: $0.measure, on: $0.date)
        }
        try each(Select.user, UserAccount.init(row:)) { .user($0.name) }
        try each(Select.token, APIToken.init(row:)) { .apiToken($0.id) }
        try each(Select.extensionRequest, ExtensionRequest.init(row:)) { .extensionRequest(action: $0.action, id: $0.id) }
        try each(Select.signOff, CompletionSignOff.init(row:)) { .completionSignOff(action: $0.action, id: $0.id) }
    }

    /// "due: 2024-03-31 in the database, 2023-06-30 in the trail" for the first fields that differ.
    static func describeDifference(database: String, audit: String) -> String {
        let a = (try? JSONSerialization.jsonObject(with: Data(database.utf8))) as? [String: Any] ?? [:]
        let b = (try? JSONSerialization.jsonObject(with: Data(audit.utf8))) as? [String: Any] ?? [:]
        let fields = Set(a.keys).union(b.keys).sorted().filter { "\(a[$0] ?? "none")" != "\(b[$0] ?? "none")" }
        return fields.prefix(3).map { "\($0): \(a[$0].map { "\($0)" } ?? "none") in the database, \(b[$0].map { "\($0)" } ?? "none") in the trail" }
            .joined(separator: "; ")
    }
}

/// A signed checkpoint, as its audit entry stores it.
struct Checkpoint: Codable, Equatable {
    /// The head signed, `SEQ:HASH`: the entry just before the checkpoint's own.
    var head: String
    /// The signer's public key, raw, in base64 (for the reader's information; `verify --key` decides).
    var publicKey: String
    var signature: String

    /// The bytes signed for a head.
    static func message(_ head: AuditHead) -> Data { Data("planwatch checkpoint \(head)".utf8) }
}

/// The audit chain walked once, keeping only hashes: for each record the
/// entry that last wrote it and a fingerprint of that state, and for each
/// action a fingerprint of its updates (in order) and of its extensions.
/// Actions, by far the most numerous records, are kept in arrays indexed by
/// their id, so a trail of a million actions costs tens of megabytes.
struct ChainWalk {
    private var links = ChainCheck()
    var count: Int { links.entries }
    var head: AuditHead { links.head }
    /// The other records: key fingerprint → (entry, state fingerprint; 0 once deleted).
    private var records: [Int: (seq: Int64, state: Int)] = [:]
    /// Actions by id: (entry, state fingerprint; 0 once deleted); seq 0 = none, negative = matched.
    private var actions: PerAction<(seq: Int64, state: Int)>
    var appended: AppendedRecords

    init(actions count: Int) {
        actions = PerAction(empty: (0, 0), capacity: count)
        appended = AppendedRecords(actions: count)
    }

    /// A fingerprint of text: Swift's hasher, seeded afresh by every run, so
    /// nobody can make two texts collide in advance. Never 0 (which means deleted).
    static func fingerprint(_ text: String) -> Int {
        var hasher = Hasher()
        hasher.combine(text)
        let value = hasher.finalize()
        return value == 0 ? 1 : value
    }

    mutating func add(_ entry: AuditEntry, problems: inout [String]) {
        let known = links.problems.count
        links.add(entry)
        problems.append(contentsOf: links.problems.dropFirst(known))
        if entry.entity == AuditSubject.Entity.database.rawValue { return }  // events such as a restore or a checkpoint, not records
        if let kind = AppendedKind(entity: entry.entity) {
            guard let action = Int64(entry.key) else { return }
            switch entry.operation {
            case "insert": appended.add(kind, action: action, AppendedRecords.item(entry.after ?? "", at: kind == .update ? entry.at : nil))
            case "delete": appended.remove(kind, action: action, entry.before ?? "")
            default: break
            }
            return
        }
        let state = entry.operation == "delete" ? 0 : ChainWalk.fingerprint(entry.after ?? "")
        if entry.entity == "action", let id = Int64(entry.key) {
            actions[id] = (entry.seq, state)
        } else {
            records[ChainWalk.fingerprint("\(entry.entity) \(entry.key)")] = (entry.seq, state)
        }
    }

    /// The trail's last word on a record (state nil: deleted), marked as matched.
    mutating func take(entity: String, key: String) -> (seq: Int64, state: Int?)? {
        if entity == "action", let id = Int64(key) {
            let found = actions[id]
            guard found.seq > 0 else { return nil }
            actions[id] = (-found.seq, found.state)
            return (found.seq, found.state == 0 ? nil : found.state)
        }
        guard let found = records.removeValue(forKey: ChainWalk.fingerprint("\(entity) \(key)")) else { return nil }
        return (found.seq, found.state == 0 ? nil : found.state)
    }

    /// Entries of records the trail has and the database has not, oldest first.
    func remainingRecords() -> [Int64] {
        var seqs = records.values.filter { $0.state != 0 }.map(\.seq)
        actions.forEach { _, value in if value.seq > 0 && value.state != 0 { seqs.append(value.seq) } }
        return seqs.sorted()
    }
}

/// Values per action id: an array for ids that come roughly in order (each
/// new one at most a million past the array's end, and below 16,777,216), so a
/// forged huge id cannot make it allocate without limit; a dictionary for the rest.
struct PerAction<Value> {
    private var dense: [Value] = []
    private var sparse: [Int64: Value] = [:]
    let empty: Value

    init(empty: Value, capacity: Int = 0) {
        self.empty = empty
        let size = max(0, min(capacity, 16_777_216)) + 1
        dense = Array(repeating: empty, count: size)
    }

    subscript(id: Int64) -> Value {
        get {
            if id >= 0, id < Int64(dense.count) { return dense[Int(id)] }
            return sparse[id] ?? empty
        }
        set {
            if id >= 0, id <= 16_777_216, id < Int64(dense.count) + 1_048_576 || id < Int64(dense.count) * 2 {
                if id >= Int64(dense.count) { dense.append(contentsOf: repeatElement(empty, count: Int(id) - dense.count + 1)) }
                dense[Int(id)] = newValue
            } else {
                sparse[id] = newValue
            }
        }
    }

    /// Every id and its value (the empty value too), without copying the array.
    func forEach(_ body: (Int64, Value) -> Void) {
        for index in dense.indices { body(Int64(index), dense[index]) }
        for (id, value) in sparse { body(id, value) }
    }
}

/// The two kinds of append-only record an action has.
enum AppendedKind: Hashable {
    case update, `extension`

    init?(entity: String) {
        switch entity {
        case "progress_update": self = .update
        case "deadline_extension": self = .extension
        default: return nil
        }
    }

    var words: String { self == .update ? "progress updates" : "deadline extensions" }
}

/// One action's updates or extensions, summed up: how many, and a
/// fingerprint — of their text, recording time and order for updates (never
/// deleted), of their text as a multiset for extensions (an undo deletes one;
/// their order is their dates').
struct AppendedSummary: Equatable {
    var count = 0
    var fingerprint = 0

    mutating func add(_ item: String, ordered: Bool) {
        count += 1
        if ordered {
            var hasher = Hasher()
            hasher.combine(fingerprint)
            hasher.combine(item)
            fingerprint = hasher.finalize()
        } else {
            fingerprint &+= ChainWalk.fingerprint(item)
        }
    }

    mutating func remove(_ item: String) {
        count -= 1
        fingerprint &-= ChainWalk.fingerprint(item)
    }
}

/// Every action's appended records as the trail has them.
struct AppendedRecords {
    private var updates: PerAction<AppendedSummary>
    private var extensions: PerAction<AppendedSummary>

    init(actions: Int) {
        updates = PerAction(empty: AppendedSummary(), capacity: actions)
        extensions = PerAction(empty: AppendedSummary(), capacity: actions)
    }

    /// What is fingerprinted for one record: its JSON, and for an update the moment it was recorded.
    static func item(_ json: String, at: String?) -> String { at.map { json + "\u{0}" + $0 } ?? json }

    mutating func add(_ kind: AppendedKind, action: Int64, _ item: String) {
        var summary = self[kind, action]
        summary.add(item, ordered: kind == .update)
        self[kind, action] = summary
    }

    mutating func remove(_ kind: AppendedKind, action: Int64, _ item: String) {
        var summary = self[kind, action]
        summary.remove(item)
        self[kind, action] = summary
    }

    private subscript(kind: AppendedKind, action: Int64) -> AppendedSummary {
        get { kind == .update ? updates[action] : extensions[action] }
        set { if kind == .update { updates[action] = newValue } else { extensions[action] = newValue } }
    }

    /// Compares the database's summary of one action with the trail's and marks
    /// it matched; the difference in words, or nil when they agree.
    mutating func match(_ kind: AppendedKind, action: Int64, _ inDatabase: AppendedSummary) -> String? {
        let recorded = self[kind, action]
        self[kind, action] = AppendedSummary(count: -1, fingerprint: 0)  // matched
        if recorded.count < 0 { return "listed twice" }
        if recorded.count != inDatabase.count { return "\(inDatabase.count) in the database, \(recorded.count) recorded" }
        if recorded.fingerprint != inDatabase.fingerprint { return "their text, recording time or order was changed" }
        return nil
    }

    /// Actions the trail has records for that the database did not list.
    func unmatched(_ kind: AppendedKind) -> [(action: Int64, summary: AppendedSummary)] {
        var found: [(action: Int64, summary: AppendedSummary)] = []
        (kind == .update ? updates : extensions).forEach { id, summary in if summary.count > 0 { found.append((id, summary)) } }
        return found.sorted { $0.action < $1.action }
    }
}

/// Ed25519 keys for checkpoints, as raw bytes (the CLI keeps them in files, base64).
public enum CheckpointKeys {
    /// A new private key and its public key.
    public static func generate() -> (privateKey: Data, publicKey: Data) {
        let key = Curve25519.Signing.PrivateKey()
        return (key.rawRepresentation, key.publicKey.rawRepresentation)
    }

    /// The public key of a private key; nil when the bytes are not a key.
    public static func publicKey(of privateKey: Data) -> Data? {
        (try? Curve25519.Signing.PrivateKey(rawRepresentation: privateKey))?.publicKey.rawRepresentation
    }

    /// True when the bytes are an Ed25519 public key.
    public static func isPublicKey(_ data: Data) -> Bool {
        (try? Curve25519.Signing.PublicKey(rawRepresentation: data)) != nil
    }
}

/// The audit chain's links, entry by entry: each entry must be the next in
/// sequence, name the one before's hash, and carry the hash of its own
/// content. The first break is reported and later entries are not judged
/// (they follow a broken link). Both engines' checks walk it: `verify` on
/// SQLite, and the PostgreSQL engine on its copy.
public struct ChainCheck: Sendable {
    public private(set) var entries = 0
    public private(set) var head = AuditHead.empty
    public private(set) var problems: [String] = []
    private var expectedSeq: Int64 = 1

    public init() {}

    public mutating func add(_ entry: AuditEntry) {
        entries += 1
        if problems.isEmpty {
            if entry.seq != expectedSeq {
                problems.append("audit entry \(expectedSeq) is missing (the trail jumps from \(expectedSeq - 1) to \(entry.seq))")
            } else if entry.prevHash != head.hash {
                problems.append("audit entry \(entry.seq) does not follow entry \(entry.seq - 1) (its previous hash does not match)")
            } else if entry.hash != AuditEntry.chainHash(prevHash: entry.prevHash, seq: entry.seq, at: entry.at, actor: entry.actor,
                                                          command: entry.command, entity: entry.entity, key: entry.key,
                                                          operation: entry.operation, before: entry.before, after: entry.after) {
                problems.append("audit entry \(entry.seq) has been altered (its hash does not match its content)")
            }
        }
        head = AuditHead(seq: entry.seq, hash: entry.hash)
        expectedSeq = entry.seq + 1
    }

    /// An entry that cannot be read at all (a required field empty): the chain is broken there.
    public mutating func addUnreadable() {
        entries += 1
        if problems.isEmpty { problems.append("audit entry \(expectedSeq) cannot be read (a required field is empty)") }
        expectedSeq += 1
    }
}
