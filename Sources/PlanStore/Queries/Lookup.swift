import GRDB
import ImprovementPlan

/// Natural key → row id lookups, each failing with a message naming the key.
enum Lookup {
    /// "No partnership 'fiffe' (did you mean 'fife'?)": the error for a key
    /// that is not there, with the nearest one that is.
    static func unknown(_ db: any SQLConnection, _ entity: String, _ key: String) throws -> PlanError {
        let sql = entity == "partnership" ? "SELECT key FROM partnership" : "SELECT key FROM inspection"
        return .notFound(entity: entity, key: key, closest: Suggestion.closest(to: key, among: try db.all(String.self, sql: sql)))
    }

    static func partnershipID(_ db: any SQLConnection, _ key: String) throws -> Int64 {
        guard let id = try db.one(Int64.self, sql: "SELECT id FROM partnership WHERE key = ?", arguments: [key]) else {
            throw try unknown(db, "partnership", key)
        }
        return id
    }

    static func inspectionID(_ db: any SQLConnection, _ key: String) throws -> Int64 {
        guard let id = try db.one(Int64.self, sql: "SELECT id FROM inspection WHERE key = ?", arguments: [key]) else {
            throw try unknown(db, "inspection", key)
        }
        return id
    }

    /// A QI by code ("2.1") or, failing that, by name (any case).
    static func qiID(_ db: any SQLConnection, _ reference: String) throws -> Int64 {
        let trimmed = reference.trimmed
        if let id = try db.one(Int64.self, sql: "SELECT id FROM quality_indicator WHERE code = ?", arguments: [trimmed])
            ?? db.one(Int64.self, sql: "SELECT id FROM quality_indicator WHERE lower(name) = lower(?)", arguments: [trimmed]) {
            return id
        }
        throw PlanError.notFound(entity: "quality indicator", key: reference)
    }

    static func findingID(_ db: any SQLConnection, inspection: String, number: Int) throws -> Int64 {
        guard let id = try db.one(Int64.self, sql: """
            SELECT f.id FROM finding f JOIN inspection i ON i.id = f.inspection_id WHERE i.key = ? AND f.number = ?
            """, arguments: [inspection, number])
        else { throw PlanError.notFound(entity: "finding", key: "\(inspection) #\(number)") }
        return id
    }

    /// An action by id (`7`) or by `inspection/ref` (`dundee-2021/1.2`).
    static func actionID(_ db: any SQLConnection, _ reference: String) throws -> Int64 {
        let trimmed = reference.trimmed
        if let number = Int64(trimmed) {
            if try db.one(Bool.self, sql: "SELECT EXISTS (SELECT 1 FROM action WHERE id = ?)", arguments: [number]) == true {
                return number
            }
            throw PlanError.notFound(entity: "action", key: trimmed)
        }
        // Found among the bytes: "/" is ASCII, so its index splits the text as well (a search by Character costs a grapheme walk).
        if let slash = trimmed.utf8.firstIndex(of: UInt8(ascii: "/")) {
            let inspection = String(trimmed[..<slash]), ref = String(trimmed[trimmed.index(after: slash)...])
            if let id = try db.one(Int64.self, sql: """
                SELECT a.id FROM action a JOIN inspection i ON i.id = a.inspection_id WHERE i.key = ? AND a.ref = ?
                """, arguments: [inspection, ref]) {
                return id
            }
        }
        throw PlanError.notFound(entity: "action", key: trimmed)
    }

    /// The row `sql` selects for a record's id, else the record is unknown (with the nearest key offered).
    static func row(_ db: any SQLConnection, _ sql: String, id: Int64, entity: String, key: String) throws -> SQLRow {
        guard let row = try db.row(sql: sql, arguments: [id]) else { throw try unknown(db, entity, key) }
        return row
    }

    static func action(_ db: any SQLConnection, id: Int64) throws -> Action {
        guard let row = try db.row(sql: Select.action + " WHERE a.id = ?", arguments: [id]) else {
            throw PlanError.notFound(entity: "action", key: String(id))
        }
        return try Action(row: row)
    }

    static func plan(_ db: any SQLConnection, inspection: String) throws -> ActionPlan? {
        try db.row(sql: Select.plan + " WHERE i.key = ?", arguments: [inspection]).map(ActionPlan.init(row:))
    }
}

import Foundation
