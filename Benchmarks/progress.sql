-- The national view, `planwatch report progress --format csv`, computed by the
-- sqlite3 shell alone: the floor the benchmark compares the report against.
-- Every action's status, RAG and flags by the rules of docs/rules.md (standard
-- thresholds: due soon within 28 days, stale after 90, behind schedule by more
-- than 20 points), counted per partnership; with each partnership's latest
-- inspection, its plan's standing, and its last and next linking review.
-- The outcome-measure columns (improving, worsening, no data) are not computed
-- here: they come from the measures' readings, not from the actions, and the
-- runner compares every other column.
-- Values are the present ones: the runner reports as of the day it runs, and
-- the benchmark's inspections, plans and reviews are all dated before it.
-- :as_of is replaced by the runner (a date 'YYYY-MM-DD').
.headers on
.mode csv
WITH facts AS (
  SELECT p.key AS partnership, a.status, a.percent,
         coalesce(a.status IN ('not-started', 'in-progress'), 0) AS open,
         coalesce(a.status IN ('not-started', 'in-progress') AND a.current_due < :as_of, 0) AS overdue,
         coalesce(a.current_due IS NOT NULL AND a.original_due IS NOT NULL
           AND (a.current_due > a.original_due OR (a.status = 'complete' AND a.completed_on > a.current_due)), 0) AS slipped,
         coalesce(a.status IN ('not-started', 'in-progress') AND a.current_due BETWEEN :as_of AND date(:as_of, '+28 days'), 0) AS due_soon,
         coalesce(a.status IN ('not-started', 'in-progress')
           AND julianday(:as_of) - julianday(max(a.created_on, coalesce(a.last_update_on, a.created_on))) > 90, 0) AS stale,
         coalesce(a.status IN ('not-started', 'in-progress') AND a.start_on IS NOT NULL AND a.current_due IS NOT NULL AND :as_of > a.start_on
           AND CASE WHEN julianday(a.current_due) - julianday(a.start_on) <= 0
                      OR julianday(:as_of) - julianday(a.start_on) >= julianday(a.current_due) - julianday(a.start_on)
                    THEN a.percent < 80
                    ELSE (a.percent + 20) * (julianday(a.current_due) - julianday(a.start_on)) < 100 * (julianday(:as_of) - julianday(a.start_on))
               END, 0) AS behind,
         coalesce(a.current_due IS NULL AND a.status <> 'withdrawn', 0) AS no_deadline
  FROM action a JOIN inspection i ON i.id = a.inspection_id JOIN partnership p ON p.id = i.partnership_id
),
counts AS (
  SELECT partnership,
         sum(status <> 'withdrawn') AS actions, sum(status = 'not-started') AS notStarted, sum(status = 'in-progress') AS inProgress,
         sum(status = 'complete') AS complete, sum(status = 'withdrawn') AS withdrawn,
         coalesce(sum(CASE WHEN status <> 'withdrawn' THEN percent END) / nullif(sum(status <> 'withdrawn'), 0), 0) AS pct,
         sum(overdue) AS red, sum(open AND NOT overdue AND (due_soon OR slipped OR stale OR behind)) AS amber,
         sum(open AND NOT overdue AND NOT (due_soon OR slipped OR stale OR behind)) AS green,
         sum(overdue) AS overdue, sum(slipped AND status <> 'withdrawn') AS slipped, sum(no_deadline) AS noDeadline
  FROM facts GROUP BY partnership
),
latest AS (
  SELECT p.id AS pid, p.key AS partnership,
         (SELECT i.id FROM inspection i WHERE i.partnership_id = p.id AND (i.published IS NULL OR i.published <= :as_of)
           ORDER BY i.published IS NULL, i.published DESC, i.key DESC LIMIT 1) AS iid,
         (SELECT r.id FROM linking_review r WHERE r.partnership_id = p.id AND r.on_date <= :as_of
           ORDER BY r.on_date DESC, r.id DESC LIMIT 1) AS rid
  FROM partnership p
)
SELECT l.partnership, coalesce(i.key, '') AS inspection,
       coalesce(c.actions, 0) AS actions, coalesce(c.notStarted, 0) AS notStarted, coalesce(c.inProgress, 0) AS inProgress,
       coalesce(c.complete, 0) AS complete, coalesce(c.withdrawn, 0) AS withdrawn, coalesce(c.pct, 0) AS "%",
       coalesce(c.red, 0) AS red, coalesce(c.amber, 0) AS amber, coalesce(c.green, 0) AS green, coalesce(c.overdue, 0) AS overdue,
       coalesce(c.slipped, 0) AS slipped, coalesce(c.noDeadline, 0) AS noDeadline,
       CASE WHEN i.id IS NULL THEN 'no inspection'
            WHEN pl.inspection_id IS NULL THEN 'missing'
            ELSE (CASE WHEN pl.status = 'draft' THEN '' ELSE pl.status END)
                 || CASE WHEN i.plan_due IS NOT NULL AND ((pl.submitted_on IS NOT NULL AND pl.submitted_on > i.plan_due)
                                                           OR (pl.submitted_on IS NULL AND :as_of > i.plan_due))
                         THEN (CASE WHEN pl.status = 'draft' THEN 'late' ELSE ' late' END)
                         ELSE (CASE WHEN pl.status = 'draft' THEN 'draft' ELSE '' END) END
       END AS plan,
       coalesce(r.on_date, '') AS lastReview,
       coalesce(r.next_due || CASE WHEN r.next_due < :as_of THEN ' (overdue)' ELSE '' END, '') AS nextReview,
       coalesce(i.confidence, '') AS confidence, coalesce(i.escalation, '') AS escalation
FROM latest l LEFT JOIN counts c ON c.partnership = l.partnership LEFT JOIN inspection i ON i.id = l.iid
LEFT JOIN action_plan pl ON pl.inspection_id = i.id LEFT JOIN linking_review r ON r.id = l.rid
ORDER BY l.partnership;
