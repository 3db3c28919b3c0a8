-- The statement `planwatch action list` (every action) runs (no filter), for the sqlite3 shell to run
-- alone, every column of every row read and the output thrown away: what
-- SQLite itself needs for the report's rows, before any of planwatch's own
-- work (classifying the rows and printing them).
-- A test (QueryPlanTests) checks it is the statement planwatch runs.
.output /dev/null
SELECT a.id, a.ref, a.title, a.owner, a.lead_agency, a.start_on, a.original_due, a.current_due, a.status,
       a.percent, a.completed_on, a.self_rag, a.created_on, i.key, p.key,
       a.last_update_on AS last_update
FROM action a JOIN inspection i ON i.id = a.inspection_id JOIN partnership p ON p.id = i.partnership_id
WHERE true ORDER BY p.key, i.key, a.id;
