-- planwatch schema, version 11.
-- Derived state: each action's latest progress update date, kept on the
-- action row.
--
-- Every report asks of each action when it was last updated (the stale rule,
-- the overdue and owners reports' "last update" column, progress and follow).
-- Answered from the updates, that is a search of progress_update for every
-- action a report reads: at a million actions, a search per row. Progress
-- updates are append-only (their guard triggers refuse UPDATE and DELETE), so
-- the latest date only ever moves forward, and one trigger keeps it exact in
-- the same transaction as the update that moves it, whichever path records
-- the update (the command line, an import, a return, the server).
--
-- It is not plan data: no audit entry carries it, an action's canonical
-- content does not include it, and exports do not write it. `verify`
-- recomputes it from the updates and names every action whose column
-- disagrees (an edit behind planwatch's back).

ALTER TABLE action ADD COLUMN last_update_on TEXT
    CHECK (last_update_on IS NULL OR (last_update_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(last_update_on, '+0 days') IS last_update_on));

UPDATE action SET last_update_on = (SELECT max(u.on_date) FROM progress_update u WHERE u.action_id = action.id);

CREATE TRIGGER progress_update_moves_last_update AFTER INSERT ON progress_update
BEGIN
    UPDATE action SET last_update_on = NEW.on_date
    WHERE id = NEW.action_id AND (last_update_on IS NULL OR last_update_on < NEW.on_date);
END;

PRAGMA user_version = 11;
