-- planwatch schema, version 12.
-- Derived state: each action's partnership, kept on the action row, and an
-- index of the open actions by partnership and deadline.
--
-- The overdue report lists open actions past their deadline by partnership
-- key, then deadline, then id. Reached through the inspection, an action's
-- partnership is known only after the join, so SQLite found the rows through
-- (status, current_due) and then sorted all of them in a temporary B-tree:
-- more than half of the statement's work at 10,000 actions, and a sort that
-- spills to disk at a million. With the partnership on the action row, the
-- statement walks the partnerships in key order and, for each, reads its open
-- actions already in deadline order from the partial index below: no sort.
--
-- An action's inspection never changes (it is the action's identity), and an
-- inspection's partnership never changes, so the column is written once, by
-- the action's insert (which takes it from the inspection), and never moves.
-- It is not plan data: no audit entry carries it, an action's canonical
-- content does not include it, and exports do not write it. `verify`
-- recomputes it from the inspection and names every action whose column
-- disagrees (an edit behind planwatch's back).
--
-- The column is nullable only because SQLite cannot add a NOT NULL column
-- that references another table; every write path fills it, and `verify`
-- names an empty one.

ALTER TABLE action ADD COLUMN partnership_id INTEGER REFERENCES partnership(id) ON DELETE RESTRICT;

UPDATE action SET partnership_id = (SELECT i.partnership_id FROM inspection i WHERE i.id = action.inspection_id);

CREATE INDEX action_open_partnership_due ON action(partnership_id, current_due)
    WHERE status IN ('not-started', 'in-progress');

PRAGMA user_version = 12;
