-- The overdue report as planwatch prints it with --format csv, computed by the
-- sqlite3 shell alone: the physical limit the benchmark compares against.
-- :as_of is replaced by the runner (a date 'YYYY-MM-DD').
.headers on
.mode csv
WITH o AS (
  SELECT a.id, p.key AS partnership, a.ref, a.title, a.owner, a.lead_agency AS agency, a.current_due AS due,
         a.original_due AS originalDue,
         CAST(julianday(:as_of) - julianday(a.current_due) AS INTEGER) AS days,
         a.last_update_on AS lastUpdate,
         a.created_on, a.start_on, a.percent
  FROM partnership p CROSS JOIN action a JOIN inspection i ON i.id = a.inspection_id
  WHERE a.partnership_id = p.id AND a.status IN ('not-started', 'in-progress') AND a.current_due < :as_of
)
SELECT id, partnership, ref, title, owner, agency, due, originalDue, days AS daysOverdue,
       CASE WHEN days <= 30 THEN '1-30' WHEN days <= 90 THEN '31-90' WHEN days <= 180 THEN '91-180' ELSE 'over 180' END AS ageing,
       coalesce(lastUpdate, '') AS lastUpdate,
       trim(CASE WHEN due > originalDue THEN 'slipped ' ELSE '' END
         || CASE WHEN julianday(:as_of) - julianday(max(created_on, coalesce(lastUpdate, created_on))) > 90 THEN 'stale ' ELSE '' END
         || CASE WHEN start_on IS NOT NULL AND :as_of > start_on AND percent < 80 THEN 'behind-schedule' ELSE '' END) AS flags
FROM o ORDER BY partnership, due, id;
