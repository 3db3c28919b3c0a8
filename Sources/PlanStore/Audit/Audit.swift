import Crypto
import Foundation
import GRDB
import ImprovementPlan

/// The chain an entry belongs to, and its row.
extension AuditEntry {
    /// The hash an entry must carry: SHA-256 over the previous entry's hash
    /// and this entry's fields, each length-prefixed so no two entries share
    /// a canonical form.
    public static func chainHash(prevHash: String, seq: Int64, at: String, actor: String, command: String,
                                 entity: String, key: String, operation: String, before: String?, after: String?) -> String {
        var canonical: [UInt8] = []
        canonical.reserveCapacity(256 + (before?.utf8.count ?? 0) + (after?.utf8.count ?? 0))
        for (index, field) in [prevHash, String(seq), at, actor, command, entity, key, operation, before ?? "\u{0}", after ?? "\u{0}"].enumerated() {
            if index > 0 { canonical.append(UInt8(ascii: "\n")) }
            canonical.append(contentsOf: String(field.utf8.count).utf8)
            canonical.append(UInt8(ascii: ":"))
            canonical.append(contentsOf: field.utf8)
        }
        return hex(SHA256.hash(data: canonical))
    }

    private static let digits = Array("0123456789abcdef".utf8)

    /// Lower-case hexadecimal of a digest.
    static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The hash the first entry chains to.
    public static let genesis = String(repeating: "0", count: 64)

    init(row: SQLRow) throws {
        self.init(seq: try row.required("seq"), at: try row.required("at"), actor: try row.required("actor"),
                  command: try row.required("command"), entity: try row.required("entity"), key: try row.required("entity_key"),
                  operation: try row.required("operation"), before: row["before"], after: row["after"],
                  prevHash: try row.required("prev_hash"), hash: try row.required("hash"))
    }
}

/// Writes audit entries inside the transaction of the change they record.
///
/// One writer lives for one transaction (`PlanStore.write`), which holds
/// SQLite's write lock from its start: no other connection can append to the
/// trail meanwhile, so the chain's head is read once, on the first entry, and
/// then carried forward in memory.
final class AuditWriter {
    let actor: String
    let command: String
    let timestamp: String
    private var head: (seq: Int64, hash: String)?

    init(actor: String, command: String, timestamp: String) {
        self.actor = actor; self.command = command; self.timestamp = timestamp
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// A record's audit value: canonical JSON (sorted keys, unescaped slashes).
    static func json<T: Encodable>(_ value: T?) throws -> String? {
        guard let value else { return nil }
        if let direct = value as? any AuditJSONRepresentable { return direct.auditJSON }
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// The newest entry: the chain's head.
    static let headSQL = "SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1"

    /// Appends one entry, chained to the last one.
    func record<T: Encodable>(_ db: any SQLConnection, _ subject: AuditSubject, before: T?, after: T?, operation: String? = nil) throws {
        try record(db, entity: subject.entity.rawValue, key: subject.key, before: before, after: after, operation: operation)
    }

    /// Appends one entry about a stored entity and key as they are (an undo
    /// removing a record it cannot name otherwise).
    func record<T: Encodable>(_ db: any SQLConnection, entity: String, key: String, before: T?, after: T?, operation explicit: String? = nil) throws {
        let last: (seq: Int64, hash: String)
        if let head {
            last = head
        } else {
            let stored = try PlanStore.head(db)
            last = (stored.seq, stored.hash)
        }
        let seq = last.seq + 1
        let beforeJSON = try AuditWriter.json(before)
        let afterJSON = try AuditWriter.json(after)
        let operation = explicit ?? (before == nil ? "insert" : "update")
        let hash = AuditEntry.chainHash(prevHash: last.hash, seq: seq, at: timestamp, actor: actor, command: command,
                                        entity: entity, key: key, operation: operation, before: beforeJSON, after: afterJSON)
        try db.insert(sql: """
            INSERT INTO audit_entry (seq, at, actor, command, entity, entity_key, operation, before, after, prev_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """) { row in
            row.bind(seq); row.bind(timestamp); row.bind(actor); row.bind(command); row.bind(entity); row.bind(key)
            row.bind(operation); row.bind(beforeJSON); row.bind(afterJSON); row.bind(last.hash); row.bind(hash)
        }
        head = (seq, hash)
    }
}
