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
            let type: String = row["type"], name: String = row["name"]
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
        return try read { db in
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
            var walk = ChainWalk()
            let cursor = try db.cursor(sql: "SELECT * FROM audit_entry ORDER BY seq")
            var checkpoints: [(entry: Int64, checkpoint: Checkpoint?)] = []
            while let row = try cursor.next() {
                let entry = try AuditEntry(row: row)
                walk.add(entry, problems: &problems)
                if entry.entity == "database", entry.key == "checkpoint" {
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
            try PlanStore.forEachRecord(db) { id, json in
                checked += 1
                switch walk.take(record: id) {
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
                let id = row.map { "\($0["entity"] as String) \($0["entity_key"] as String)" } ?? "a record"
                problems.append("\(id) is in the audit trail (entry \(seq)) but not in the database (deleted behind planwatch's back)")
            }
            var inDatabase = AppendedRecords()
            for (entity, sql) in [("progress_update", Select.update + " ORDER BY u.action_id, u.id"),
                                  ("deadline_extension", Select.extensionRow + " ORDER BY x.action_id, x.id")] {
                let rows = try Row.fetchCursor(db, sql: sql)
                while let row = try rows.next() {
                    let id: Int64 = try row.required("action_id")
                    let json: String
                    let at: String?
                    if entity == "progress_update" {
                        json = try AuditWriter.json(try ProgressUpdate(row: row)) ?? ""
                        at = row["recorded_at"]
                    } else {
                        json = try AuditWriter.json(try DeadlineExtension(row: row)) ?? ""
                        at = nil
                    }
                    inDatabase.append(entity: entity, action: id, json: json, at: at)
                    checked += 1
                }
            }
            for (key, difference) in inDatabase.differences(from: walk.appended) {
                let what = key.entity == "progress_update" ? "progress updates" : "deadline extensions"
                problems.append("action \(key.action): its \(what) differ from the audit trail (\(difference))")
            }
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
            try audit.record(db, entity: "database", key: "checkpoint", before: Checkpoint?.none, after: checkpoint, operation: "insert")
            return head
        }
        return (signed, try auditHead())
    }

    /// The triggers that keep progress updates and the audit trail append-only.
    static let guardTriggers = ["progress_update_no_update", "progress_update_no_delete", "audit_entry_no_update", "audit_entry_no_delete"]

    static let appendOnly: Set<String> = ["progress_update", "deadline_extension"]

    /// Every record (but the append-only ones) as its audit entries encode
    /// it, keyed as they key it, a row at a time.
    static func forEachRecord(_ db: Database, _ body: (String, String) throws -> Void) throws {
        func each<T: Encodable>(_ sql: String, _ entity: String, _ decode: (Row) throws -> T, _ key: (T) -> String) throws {
            let rows = try Row.fetchCursor(db, sql: sql)
            while let row = try rows.next() {
                let value = try decode(row)
                try body("\(entity) \(key(value))", try AuditWriter.json(value) ?? "")
            }
        }
        try each(Select.partnership, "partnership", Partnership.init(row:)) { $0.key }
        try each(Select.link, "link_assignment", LinkAssignment.init(row:)) { "\($0.partnership)@\($0.from)" }
        try each(Select.qi, "quality_indicator", QualityIndicator.init(row:)) { $0.reference }
        try each(Select.inspection, "inspection", Inspection.init(row:)) { $0.key }
        try each(Select.plan, "action_plan", ActionPlan.init(row:)) { $0.inspection }
        try each(Select.evaluation, "evaluation", Evaluation.init(row:)) { "\($0.inspection)/\($0.qi)" }
        try each(Select.finding, "finding", Finding.init(row:)) { "\($0.inspection)#\($0.number)" }
        try each(Select.action, "action", Action.init(row:)) { String($0.id ?? 0) }
        try each(Select.review, "linking_review", PlanFile.Review.init(row:)) { "\($0.partnership)@\($0.date)/\($0.kind.rawValue)" }
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
/// sequence number and a fingerprint of its last state, and for each
/// action a running fingerprint of its updates and of its extensions in
/// the order they were recorded.
struct ChainWalk {
    private(set) var count = 0
    private(set) var head = AuditHead.empty
    private var expectedSeq: Int64 = 1
    private var broken = false
    /// Record key's fingerprint → (entry, fingerprint of the state, nil once deleted).
    private var records: [Int: (seq: Int64, state: Int?)] = [:]
    private(set) var appended = AppendedRecords()

    /// A fingerprint of text: Swift's hasher, seeded afresh by every run, so
    /// nobody can make two texts collide in advance.
    static func fingerprint(_ text: String) -> Int {
        var hasher = Hasher()
        hasher.combine(text)
        return hasher.finalize()
    }

    mutating func add(_ entry: AuditEntry, problems: inout [String]) {
        count += 1
        if !broken {
            if entry.seq != expectedSeq {
                problems.append("audit entry \(expectedSeq) is missing (the trail jumps from \(expectedSeq - 1) to \(entry.seq))")
                broken = true
            } else if entry.prevHash != head.hash {
                problems.append("audit entry \(entry.seq) does not follow entry \(entry.seq - 1) (its previous hash does not match)")
                broken = true
            } else if entry.hash != AuditEntry.chainHash(prevHash: entry.prevHash, seq: entry.seq, at: entry.at, actor: entry.actor,
                                                          command: entry.command, entity: entry.entity, key: entry.key,
                                                          operation: entry.operation, before: entry.before, after: entry.after) {
                problems.append("audit entry \(entry.seq) has been altered (its hash does not match its content)")
                broken = true
            }
        }
        head = AuditHead(seq: entry.seq, hash: entry.hash)
        expectedSeq = entry.seq + 1
        if entry.entity == "database" { return }  // events such as a restore or a checkpoint, not records
        if PlanStore.appendOnly.contains(entry.entity) {
            guard let action = Int64(entry.key) else { return }
            switch entry.operation {
            case "insert":
                appended.append(entity: entry.entity, action: action, json: entry.after ?? "",
                                at: entry.entity == "progress_update" ? entry.at : nil)
            case "delete":
                appended.remove(entity: entry.entity, action: action, json: entry.before ?? "")
            default: break
            }
        } else {
            records[ChainWalk.fingerprint("\(entry.entity) \(entry.key)")] =
                (entry.seq, entry.operation == "delete" ? nil : ChainWalk.fingerprint(entry.after ?? ""))
        }
    }

    /// The trail's last word on a record, removed from what is left to match.
    mutating func take(record id: String) -> (seq: Int64, state: Int?)? {
        records.removeValue(forKey: ChainWalk.fingerprint(id))
    }

    /// Entries of records the trail has and the database has not, oldest first.
    func remainingRecords() -> [Int64] {
        records.values.filter { $0.state != nil }.map(\.seq).sorted()
    }
}

/// Each action's appended records (updates or extensions) as a running
/// fingerprint of their text, recording time and order, with a count.
/// Deletions (an undone extension) are rare: the list of one action is
/// kept in full once it has had one.
struct AppendedRecords {
    struct Key: Hashable, Comparable {
        var entity: String
        var action: Int64
        static func < (a: Key, b: Key) -> Bool { (a.action, a.entity) < (b.action, b.entity) }
    }
    private var running: [Key: (count: Int, fingerprint: Int)] = [:]
    private var full: [Key: [String]] = [:]
    private var lists: [Key: [String]] = [:]

    private static func item(_ json: String, _ at: String?) -> String { at.map { json + "\u{0}" + $0 } ?? json }

    mutating func append(entity: String, action: Int64, json: String, at: String?) {
        let key = Key(entity: entity, action: action)
        let item = AppendedRecords.item(json, at)
        if full[key] != nil { full[key]?.append(item); return }
        let (count, previous) = running[key] ?? (0, 0)
        var hasher = Hasher()
        hasher.combine(previous)
        hasher.combine(item)
        running[key] = (count + 1, hasher.finalize())
        if entity == "deadline_extension" { lists[key, default: []].append(item) }
    }

    /// Removes the record an undo deleted (extensions only, whose lists are kept).
    mutating func remove(entity: String, action: Int64, json: String) {
        let key = Key(entity: entity, action: action)
        var list = full[key] ?? lists[key] ?? []
        if let index = list.firstIndex(of: json) { list.remove(at: index) }
        full[key] = list
        running[key] = nil
    }

    /// The fingerprint of a list written in full.
    private static func fold(_ items: [String]) -> (count: Int, fingerprint: Int) {
        var result = (count: 0, fingerprint: 0)
        for item in items {
            var hasher = Hasher()
            hasher.combine(result.fingerprint)
            hasher.combine(item)
            result = (result.count + 1, hasher.finalize())
        }
        return result
    }

    private func summary(_ key: Key) -> (count: Int, fingerprint: Int) {
        if let list = full[key] { return AppendedRecords.fold(list) }
        return running[key] ?? (0, 0)
    }

    /// The actions whose records differ between the database (`self`) and the trail, with how.
    func differences(from trail: AppendedRecords) -> [(key: Key, difference: String)] {
        let keys = Set(running.keys).union(full.keys).union(trail.running.keys).union(trail.full.keys)
        return keys.sorted().compactMap { key in
            let mine = summary(key), theirs = trail.summary(key)
            if mine.count != theirs.count { return (key, "\(mine.count) in the database, \(theirs.count) recorded") }
            if mine.fingerprint != theirs.fingerprint { return (key, "their text, recording time or order was changed") }
            return nil
        }
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
