-- planwatch schema on PostgreSQL, version 2: sqlite/0012_derived_partnership.sql.
-- Each action's partnership, kept on the action row (derived state, written by
-- the action's insert and never moved: an action's inspection and an
-- inspection's partnership never change), and the open actions indexed by
-- partnership and deadline, so the overdue report reads them in its own order.
-- Nullable, as on SQLite, so the two schemas stay column for column the same;
-- `verify` names an empty or wrong one.

ALTER TABLE action ADD COLUMN partnership_id bigint REFERENCES partnership(id) ON DELETE RESTRICT;

UPDATE action SET partnership_id = (SELECT i.partnership_id FROM inspection i WHERE i.id = action.inspection_id);

CREATE INDEX action_open_partnership_due ON action(partnership_id, current_due)
    WHERE status IN ('not-started', 'in-progress');
