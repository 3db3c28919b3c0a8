-- planwatch schema, version 5.
-- Two indexes on action served no query of their own:
-- - action_due (current_due): every query that reads actions by deadline also
--   reads them by status, and searches action_status_due (status, current_due);
-- - action_title (inspection_id, title): a spreadsheet import matches rows to
--   actions by title in memory; the one query left by inspection alone is
--   served as well by the (inspection_id, ref) unique index.
-- An unused index still costs every insert and every deadline change: SQLite
-- inserting 100,000 actions took about a quarter less time without these two.
-- The query-plan tests check that every index left on action serves a query.

DROP INDEX action_due;
DROP INDEX action_title;

PRAGMA user_version = 5;
