import GRDB
import ImprovementPlan

/// The SELECTs that read each entity back with its natural keys, and the
/// decoders that turn their rows into domain values.
enum Select {
    static let partnership = "SELECT p.* FROM partnership p"

    static let link = """
        SELECT l.*, p.key AS partnership_key FROM link_assignment l JOIN partnership p ON p.id = l.partnership_id
        """

    static let qi = "SELECT q.* FROM quality_indicator q"

    static let inspection = """
        SELECT i.*, p.key AS partnership_key FROM inspection i JOIN partnership p ON p.id = i.partnership_id
        """

    static let evaluation = """
        SELECT e.grade, i.key AS inspection_key, coalesce(q.code, q.name) AS qi_ref, q.code AS qi_code
        FROM evaluation e JOIN inspection i ON i.id = e.inspection_id JOIN quality_indicator q ON q.id = e.qi_id
        """

    static let finding = """
        SELECT f.*, i.key AS inspection_key, coalesce(q.code, q.name) AS qi_ref
        FROM finding f JOIN inspection i ON i.id = f.inspection_id LEFT JOIN quality_indicator q ON q.id = f.qi_id
        """

    static let plan = """
        SELECT pl.*, i.key AS inspection_key FROM action_plan pl JOIN inspection i ON i.id = pl.inspection_id
        """

    static let inspectionChange = """
        SELECT c.*, i.key AS inspection_key FROM inspection_change c JOIN inspection i ON i.id = c.inspection_id
        """

    /// Actions with their inspection, partnership, finding numbers and last update date.
    static let action = """
        SELECT a.*, i.key AS inspection_key, p.key AS partnership_key,
               (SELECT json_group_array(f.number) FROM action_finding af JOIN finding f ON f.id = af.finding_id
                 WHERE af.action_id = a.id) AS finding_numbers,
               a.last_update_on AS last_update
        FROM action a JOIN inspection i ON i.id = a.inspection_id JOIN partnership p ON p.id = i.partnership_id
        """

    /// Actions as reports need them: without the finding numbers, which only
    /// exports and detail views show (a subquery per row saved).
    static let actionRow = """
        SELECT a.*, i.key AS inspection_key, p.key AS partnership_key,
               a.last_update_on AS last_update
        FROM action a JOIN inspection i ON i.id = a.inspection_id JOIN partnership p ON p.id = i.partnership_id
        """

    /// Progress updates with their action's `inspection/ref`, columns in
    /// the positions `ProgressUpdate.init(_: PositionalRows)` reads.
    static let update = "SELECT " + UpdateColumn.selectList + """
         FROM progress_update u
        JOIN action a ON a.id = u.action_id JOIN inspection i ON i.id = a.inspection_id
        """

    /// Deadline extensions with their action's `inspection/ref`, columns in
    /// the positions `DeadlineExtension.init(_: PositionalRows)` reads.
    static let extensionRow = "SELECT " + ExtensionColumn.selectList + """
         FROM deadline_extension x
        JOIN action a ON a.id = x.action_id JOIN inspection i ON i.id = a.inspection_id
        """

    static let review = """
        SELECT r.*, p.key AS partnership_key,
               (SELECT json_group_array(i.key || '/' || a.ref) FROM review_action ra JOIN action a ON a.id = ra.action_id
                  JOIN inspection i ON i.id = a.inspection_id WHERE ra.review_id = r.id) AS action_refs,
               (SELECT json_group_array(ra.action_id) FROM review_action ra WHERE ra.review_id = r.id) AS action_ids
        FROM linking_review r JOIN partnership p ON p.id = r.partnership_id
        """
}

extension Partnership {
    init(row: SQLRow) throws {
        self.init(key: try row.required("key"), name: try row.required("name"), council: row["council"],
                  healthBoard: row["health_board"], policeDivision: row["police_division"],
                  otherPartners: JSONColumn.decode(row["other_partners"]))
    }
}

extension LinkAssignment {
    init(row: SQLRow) throws {
        self.init(partnership: try row.required("partnership_key"), inspector: try row.required("inspector"),
                  from: try row.required("from_date"), to: row["to_date"])
    }
}

extension QualityIndicator {
    init(row: SQLRow) throws {
        self.init(code: row["code"], name: try row.required("name"), framework: row["framework"])
    }
}

extension Inspection {
    init(row: SQLRow) throws {
        self.init(key: try row.required("key"), partnership: try row.required("partnership_key"),
                  title: try row.required("title"), leadInspectorate: try row.required("lead_inspectorate"),
                  scrutinyPartners: JSONColumn.decode(row["scrutiny_partners"]),
                  fieldworkStart: row["fieldwork_start"], fieldworkEnd: row["fieldwork_end"],
                  published: row["published"], planDue: row["plan_due"], confidence: row["confidence"],
                  escalation: try row.required("escalation"), summary: row["summary"], source: row["source"])
        // A stored plan_due of NULL stays NULL even when published is set.
        self.planDue = row["plan_due"]
    }
}

extension Evaluation {
    init(row: SQLRow) throws {
        let value: Int = try row.required("grade")
        guard let grade = Grade(value) else { throw StoreError.corrupt("grade \(value)") }
        self.init(inspection: try row.required("inspection_key"), qi: try row.required("qi_ref"), grade: grade)
    }
}

extension Finding {
    init(row: SQLRow) throws {
        self.init(id: row["id"], inspection: try row.required("inspection_key"), number: try row.required("number"),
                  kind: try row.required("kind"), text: try row.required("text"), qi: row["qi_ref"],
                  themes: JSONColumn.decode(row["themes"]))
    }
}

extension ActionPlan {
    init(row: SQLRow) throws {
        self.init(inspection: try row.required("inspection_key"), status: try row.required("status"),
                  submitted: row["submitted_on"], agreed: row["agreed_on"], agreedBy: row["agreed_by"], closed: row["closed_on"])
    }
}

extension InspectionChange {
    init(row: SQLRow) throws {
        self.init(inspection: try row.required("inspection_key"), date: try row.required("on_date"),
                  escalation: row["escalation"], fromEscalation: row["from_escalation"],
                  confidence: row["confidence"], fromConfidence: row["from_confidence"], reason: try row.required("reason"))
    }
}

extension Action {
    /// An action from a row of `Select.action` (or `actionRow`): its columns
    /// by `ActionColumn`, its keys and finding numbers from the joins.
    init(row: SQLRow) throws {
        self.init(id: row["id"], inspection: try row.required("inspection_key"), ref: try row.required(ActionColumn.ref),
                  findings: JSONColumn.decodeInts(row["finding_numbers"]).sorted(), title: try row.required(ActionColumn.title),
                  description: row[ActionColumn.description], owner: try row.required(ActionColumn.owner),
                  agency: try row.required(ActionColumn.leadAgency),
                  supportingAgencies: JSONColumn.decode(row[ActionColumn.supportingAgencies]), start: row[ActionColumn.start],
                  originalDue: row[ActionColumn.originalDue], due: row[ActionColumn.due], measure: row[ActionColumn.measure],
                  status: try row.required(ActionColumn.status), percent: try row.required(ActionColumn.percent),
                  completed: row[ActionColumn.completed], evidence: row[ActionColumn.evidence],
                  selfAssessment: row[ActionColumn.selfAssessment], selfAssessed: row[ActionColumn.selfAssessed],
                  created: try row.required(ActionColumn.created))
        // A NULL current deadline stays NULL ("Ongoing"), whatever the original.
        self.due = row[ActionColumn.due]
    }
}

extension PlanFile.Update {
    init(row: SQLRow) throws {
        self.init(action: try row.required("action_ref"), date: try row.required(UpdateColumn.date),
                  author: try row.required(UpdateColumn.author), note: try row.required(UpdateColumn.note), status: row[UpdateColumn.status],
                  percent: row[UpdateColumn.percent], evidence: row[UpdateColumn.evidence])
    }
}

extension PlanFile.Extension {
    init(row: SQLRow) throws {
        self.init(action: try row.required("action_ref"), from: try row.required("from_due"),
                  to: try row.required("to_due"), reason: try row.required("reason"), agreedBy: row["agreed_by"],
                  recorded: try row.required("recorded_on"))
    }
}

extension LinkingReview {
    init(row: SQLRow) throws {
        self.init(id: row["id"], partnership: try row.required("partnership_key"), date: try row.required("on_date"),
                  inspector: row["inspector"], kind: try row.required("kind"), summary: try row.required("summary"),
                  actions: JSONColumn.decodeInts(row["action_ids"]).map(Int64.init).sorted(),
                  confidence: row["confidence"], next: row["next_due"])
    }
}

extension PlanFile.Review {
    /// A review as the plan file and the audit trail name it: actions by `inspection/ref`, sorted.
    init(row: SQLRow) throws {
        let review = try LinkingReview(row: row)
        let refs = try JSONDecoder().decode([String?].self, from: Data(((row["action_refs"] as String?) ?? "[]").utf8)).compactMap { $0 }
        self.init(partnership: review.partnership, date: review.date, inspector: review.inspector, kind: review.kind,
                  summary: review.summary, actions: refs.sorted(), confidence: review.confidence, next: review.next)
    }
}

extension JSONColumn {
    static func decodeInts(_ text: String?) -> [Int] {
        guard let text, text != "[]", let data = text.data(using: .utf8),
              let list = try? JSONDecoder().decode([Int?].self, from: data) else { return [] }
        return list.compactMap { $0 }
    }
}

import Foundation
