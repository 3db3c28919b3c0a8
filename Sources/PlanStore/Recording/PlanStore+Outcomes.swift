import Foundation
import GRDB
import ImprovementPlan

/// An outcome measure with what the outcome rules need: its readings in the
/// order recorded, the actions linked to it, and the day its plan was agreed.
public struct MeasureRecord: Sendable {
    public var measure: OutcomeMeasure
    /// Every reading, corrections included, in the order recorded.
    public var readings: [MeasureReading]
    /// The ids of the actions expected to move it (`measure.actions` names them).
    public var actionIDs: [Int64]
    /// The earliest agreement of the plans its findings and actions belong to
    /// (nil when none was agreed): the median of its run chart comes from the
    /// readings before it.
    public var agreed: CalendarDate?
}

/// Recording outcome measures and their readings.
extension PlanStore {
    /// Adds a measure. Findings are named `inspection#number` (or by id),
    /// actions `inspection/ref` (or by id); both must belong to the measure's partnership.
    @discardableResult
    public func addMeasure(_ measure: OutcomeMeasure) throws -> OutcomeMeasure {
        try measure.validate()
        return try write { db, audit in try PlanStore.insertMeasure(db, audit, measure) }
    }

    @discardableResult
    static func insertMeasure(_ db: any SQLConnection, _ audit: AuditWriter, _ given: OutcomeMeasure) throws -> OutcomeMeasure {
        try given.validate()
        let pid = try Lookup.partnershipID(db, given.partnership)
        if try db.one(Bool.self, sql: "SELECT EXISTS (SELECT 1 FROM outcome_measure WHERE key = ?)", arguments: [given.key]) == true {
            throw PlanError.duplicate(entity: "measure", key: given.key)
        }
        var measure = given
        var findingIDs: [Int64] = [], actionIDs: [Int64] = []
        var findingNames: [String] = [], actionNames: [String] = []
        for reference in given.findings {
            let (id, name, owner) = try findingForMeasure(db, reference)
            guard owner == pid else { throw PlanError.refused("finding: \(name) is not a finding of \(given.partnership)'s inspections") }
            if !findingIDs.contains(id) { findingIDs.append(id); findingNames.append(name) }
        }
        for reference in given.actions {
            let id = try Lookup.actionID(db, reference)
            guard let row = try db.row(sql: """
                SELECT i.key || '/' || a.ref AS name, i.partnership_id AS owner FROM action a JOIN inspection i ON i.id = a.inspection_id WHERE a.id = ?
                """, arguments: [id]) else { throw PlanError.notFound(entity: "action", key: reference) }
            let name: String = try row.required("name")
            guard try row.required("owner", Int64.self) == pid else {
                throw PlanError.refused("action: \(name) is not an action of \(given.partnership)'s plans")
            }
            if !actionIDs.contains(id) { actionIDs.append(id); actionNames.append(name) }
        }
        measure.findings = findingNames
        measure.actions = actionNames
        try db.run(sql: """
            INSERT INTO outcome_measure (partnership_id, key, name, unit, direction, baseline_value, baseline_on, target_value, target_on,
              trajectory, period, source)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [pid, measure.key, measure.name, measure.unit, measure.direction, measure.baseline.value, measure.baseline.date,
                             measure.target.value, measure.target.date, try TrajectoryColumn.encode(measure.trajectory), measure.period,
                             measure.source])
        let mid = try db.lastInsertedID()
        for id in findingIDs { try db.run(sql: "INSERT INTO measure_finding (measure_id, finding_id) VALUES (?, ?)", arguments: [mid, id]) }
        for id in actionIDs { try db.run(sql: "INSERT INTO measure_action (measure_id, action_id) VALUES (?, ?)", arguments: [mid, id]) }
        // Stored as read back: findings and actions in the order the record reads them.
        let stored = try PlanStore.measure(db, id: mid)
        try audit.record(db, .outcomeMeasure(measure.key), before: OutcomeMeasure?.none, after: stored)
        return stored
    }

    /// A finding named `inspection#number`, or by its id: its id, its name and its partnership's id.
    static func findingForMeasure(_ db: any SQLConnection, _ reference: String) throws -> (Int64, String, Int64) {
        let trimmed = reference.trimmed
        let sql = """
            SELECT f.id, i.key || '#' || f.number AS name, i.partnership_id AS owner FROM finding f JOIN inspection i ON i.id = f.inspection_id
            """
        let row: SQLRow?
        if let id = Int64(trimmed) {
            row = try db.row(sql: sql + " WHERE f.id = ?", arguments: [id])
        } else if let hash = trimmed.lastIndex(of: "#"), let number = Int(trimmed[trimmed.index(after: hash)...]) {
            row = try db.row(sql: sql + " WHERE i.key = ? AND f.number = ?", arguments: [String(trimmed[..<hash]), number])
        } else {
            throw PlanError.invalidValue(field: "finding", value: reference, expected: "a finding id, or inspection#number like dundee-2021#3")
        }
        guard let row else { throw PlanError.notFound(entity: "finding", key: trimmed) }
        return (try row.required("id"), try row.required("name"), try row.required("owner"))
    }

    /// Records a reading. A second reading of the same date is refused unless
    /// it `supersedes` the one held (a correction); a correction with nothing to correct is refused too.
    @discardableResult
    public func addReading(_ reading: MeasureReading, today: CalendarDate) throws -> MeasureReading {
        try write { db, audit in try PlanStore.insertReading(db, audit, reading, today: today) }
    }

    /// Records many readings, all or none: every problem is reported, each
    /// line naming the row it came from (`rows[i]` for `readings[i]`).
    public func addReadings(_ readings: [MeasureReading], rows: [Int], today: CalendarDate, dryRun: Bool = false) throws -> Int {
        try write(dryRun: dryRun, bulk: readings.count > 1_000) { db, audit in
            var problems: [String] = []
            var seen: [String: Int] = [:]
            for (index, reading) in readings.enumerated() {
                let row = index < rows.count ? rows[index] : index + 1
                let key = reading.measure + "@" + reading.date.iso
                if let first = seen[key], !reading.supersedes {
                    problems.append("row \(row): date: measure '\(reading.measure)' has a reading on \(reading.date) already, on row \(first)")
                    continue
                }
                seen[key] = row
                do {
                    try PlanStore.insertReading(db, audit, reading, today: today)
                } catch let error as PlanError {
                    problems.append("row \(row): \(error)")
                }
                if problems.count >= 20 { break }
            }
            if !problems.isEmpty { throw PlanError.problems(problems) }
            return readings.count
        }
    }

    @discardableResult
    static func insertReading(_ db: any SQLConnection, _ audit: AuditWriter, _ reading: MeasureReading, today: CalendarDate) throws -> MeasureReading {
        let (mid, measure) = try measureNamed(db, reading.measure)
        try reading.validate(for: measure, today: today)
        let subject = AuditSubject.measureReading(measure: measure.key, on: reading.date)
        let held = try db.row(sql: Select.reading + " WHERE r.measure_id = ? AND r.on_date = ? ORDER BY r.id DESC LIMIT 1",
                              arguments: [mid, reading.date]).map(MeasureReading.init(row:))
        if let held, !reading.supersedes {
            throw PlanError.refused("date: measure '\(measure.key)' already has a reading on \(reading.date) (\(OutcomeMeasure.format(held.value))); give --supersede to correct it")
        }
        if held == nil, reading.supersedes {
            throw PlanError.refused("date: measure '\(measure.key)' has no reading on \(reading.date) to supersede")
        }
        var stored = reading
        stored.measure = measure.key
        try db.run(sql: """
            INSERT INTO measure_reading (measure_id, on_date, value, source, note, supersedes, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [mid, stored.date, stored.value, stored.source, stored.note, stored.supersedes ? 1 : 0, audit.timestamp])
        if let held {
            try audit.record(db, subject, before: held, after: stored, operation: "update")
        } else {
            try audit.record(db, subject, before: MeasureReading?.none, after: stored)
        }
        return stored
    }

    /// A measure by key, else not found with the nearest key offered.
    static func measureNamed(_ db: any SQLConnection, _ key: String) throws -> (Int64, OutcomeMeasure) {
        guard let id = try db.one(Int64.self, sql: "SELECT id FROM outcome_measure WHERE key = ?", arguments: [key.trimmed]) else {
            throw PlanError.notFound(entity: "measure", key: key,
                                     closest: Suggestion.closest(to: key, among: try db.all(String.self, sql: "SELECT key FROM outcome_measure")))
        }
        return (id, try measure(db, id: id))
    }

    static func measure(_ db: any SQLConnection, id: Int64) throws -> OutcomeMeasure {
        guard let row = try db.row(sql: Select.measure + " WHERE m.id = ?", arguments: [id]) else {
            throw PlanError.notFound(entity: "measure", key: String(id))
        }
        return try OutcomeMeasure(row: row)
    }

    /// The measures (of one partnership, or all), by partnership and key, each with its readings and linked actions.
    public func measures(partnership: String? = nil, asOf: CalendarDate? = nil) throws -> [MeasureRecord] {
        try read { db in
            if let partnership { _ = try Lookup.partnershipID(db, partnership) }
            let rows = try db.rows(sql: Select.measure + (partnership == nil ? "" : " WHERE p.key = ?") + " ORDER BY p.key, m.key",
                                   arguments: partnership.map { [$0] } ?? [])
            return try rows.map { row in try PlanStore.record(db, row, asOf: asOf) }
        }
    }

    /// One measure, by key.
    public func measure(_ key: String, asOf: CalendarDate? = nil) throws -> MeasureRecord {
        try read { db in
            let (id, _) = try PlanStore.measureNamed(db, key)
            guard let row = try db.row(sql: Select.measure + " WHERE m.id = ?", arguments: [id]) else {
                throw PlanError.notFound(entity: "measure", key: key)
            }
            return try PlanStore.record(db, row, asOf: asOf)
        }
    }

    static func record(_ db: any SQLConnection, _ row: SQLRow, asOf: CalendarDate?) throws -> MeasureRecord {
        let id: Int64 = try row.required("id")
        let readings = try db.rows(sql: Select.reading + " WHERE r.measure_id = ? ORDER BY r.id", arguments: [id]).map(MeasureReading.init(row:))
        let actions = try db.all(Int64.self, sql: "SELECT action_id FROM measure_action WHERE measure_id = ? ORDER BY action_id", arguments: [id])
        let agreed = try db.one(CalendarDate.self, sql: """
            SELECT min(pl.agreed_on) FROM action_plan pl WHERE pl.agreed_on IS NOT NULL AND pl.agreed_on <= ?2 AND pl.inspection_id IN (
              SELECT f.inspection_id FROM measure_finding mf JOIN finding f ON f.id = mf.finding_id WHERE mf.measure_id = ?1
              UNION SELECT a.inspection_id FROM measure_action ma JOIN action a ON a.id = ma.action_id WHERE ma.measure_id = ?1)
            """, arguments: [id, asOf ?? CalendarDate.today()])
        return MeasureRecord(measure: try OutcomeMeasure(row: row), readings: readings, actionIDs: actions, agreed: agreed)
    }
}

extension Select {
    static let measure = """
        SELECT m.*, p.key AS partnership_key,
               (SELECT json_group_array(name) FROM (SELECT i.key || '#' || f.number AS name FROM measure_finding mf
                  JOIN finding f ON f.id = mf.finding_id JOIN inspection i ON i.id = f.inspection_id
                  WHERE mf.measure_id = m.id ORDER BY i.key, f.number) AS names) AS finding_refs,
               (SELECT json_group_array(name) FROM (SELECT i.key || '/' || a.ref AS name FROM measure_action ma
                  JOIN action a ON a.id = ma.action_id JOIN inspection i ON i.id = a.inspection_id
                  WHERE ma.measure_id = m.id ORDER BY a.id) AS names) AS action_refs
        FROM outcome_measure m JOIN partnership p ON p.id = m.partnership_id
        """

    static let reading = """
        SELECT r.*, m.key AS measure_key FROM measure_reading r JOIN outcome_measure m ON m.id = r.measure_id
        """
}

/// The trajectory column: `[{"date": ..., "value": ...}]`.
enum TrajectoryColumn {
    static func encode(_ points: [DatedValue]) throws -> String {
        if points.isEmpty { return "[]" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(points), as: UTF8.self)
    }

    static func decode(_ text: String?) throws -> [DatedValue] {
        guard let text, text != "[]" else { return [] }
        do { return try JSONDecoder().decode([DatedValue].self, from: Data(text.utf8)) }
        catch { throw StoreError.corrupt("trajectory '\(text)'") }
    }
}

extension OutcomeMeasure {
    init(row: SQLRow) throws {
        self.init(key: try row.required("key"), partnership: try row.required("partnership_key"), name: try row.required("name"),
                  unit: try row.required("unit"), direction: try row.required("direction"),
                  baseline: DatedValue(value: try row.required("baseline_value"), date: try row.required("baseline_on")),
                  target: DatedValue(value: try row.required("target_value"), date: try row.required("target_on")),
                  trajectory: try TrajectoryColumn.decode(row["trajectory"]), period: try row.required("period"), source: row["source"],
                  findings: JSONColumn.decode(row["finding_refs"]), actions: JSONColumn.decode(row["action_refs"]))
    }
}

extension MeasureReading {
    init(row: SQLRow) throws {
        self.init(measure: try row.required("measure_key"), date: try row.required("on_date"), value: try row.required("value"),
                  source: row["source"], note: row["note"], supersedes: (row["supersedes"] as Int64? ?? 0) != 0)
    }
}

/// The outcomes report.
extension PlanStore {
    /// One row per measure (of one partnership, or all), by partnership and
    /// key, every rule as of `asOf`, with its linked actions' statuses then.
    public func outcomeRows(partnership: String? = nil, asOf: CalendarDate) throws -> [OutcomeRow] {
        let records = try measures(partnership: partnership, asOf: asOf)
        let linked = Set(records.flatMap(\.actionIDs))
        var statuses: [Int64: ActionStatus] = [:]
        if !linked.isEmpty {
            let partnerships = Set(records.filter { !$0.actionIDs.isEmpty }.map(\.measure.partnership))
            for key in partnerships.sorted() {
                try forEachActionRow(ActionFilter(partnership: key), asOf: asOf) { row in
                    if linked.contains(row.id) { statuses[row.id] = row.status }
                }
            }
        }
        return records.map { record in
            // An action not yet recorded on the day does not count.
            OutcomeRow(record.measure, readings: record.readings, actionStatuses: record.actionIDs.compactMap { statuses[$0] },
                       asOf: asOf, agreed: record.agreed)
        }
    }
}
