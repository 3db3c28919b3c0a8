-- The statement `planwatch report overdue` runs (no filter), for the sqlite3 shell
-- to run alone, every column of every row read and the output thrown away: what
-- SQLite itself needs for planwatch's overdue query, before any of planwatch's
-- own work (classifying the rows and printing the table).
-- A test (QueryPlanTests) checks it is the statement planwatch runs. It is the
-- best SQLite can do for these rows: the partnerships in key order (their key
-- index), and for each its open actions past the deadline in deadline order
-- (the partial index action_open_partnership_due), so nothing is sorted; the
-- only other work is a row fetch per action and a key lookup of its inspection.
-- :as_of is replaced by the runner (a date 'YYYY-MM-DD').
.output /dev/null
SELECT a.id, a.ref, a.title, a.owner, a.lead_agency, a.start_on, a.original_due, a.current_due, a.status,
       a.percent, a.completed_on, a.self_rag, a.created_on, i.key, p.key,
       a.last_update_on AS last_update
FROM partnership p CROSS JOIN action a JOIN inspection i ON i.id = a.inspection_id
WHERE a.partnership_id = p.id AND a.status IN ('not-started', 'in-progress') AND a.current_due < :as_of ORDER BY p.key, a.current_due, a.id;
