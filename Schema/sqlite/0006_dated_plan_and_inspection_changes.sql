-- planwatch schema, version 6.
-- The past as it stood (--as-of) needs every change dated:
-- - a plan is closed on a day (plan close --date), kept in closed_on;
-- - an inspection's escalation and statement of confidence change after the
--   inspection (a link inspector escalates to formal monitoring, or becomes
--   confident): each change is a dated row with the values it moved from, so
--   the values on any past day are those the first later change moved away
--   from. The inspection row keeps the present values. One change a day per
--   inspection (both values may change at once); its unique index serves the
--   lookups by inspection and date.

ALTER TABLE action_plan ADD COLUMN closed_on TEXT
    CHECK (closed_on IS NULL OR (closed_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(closed_on, '+0 days') IS closed_on));

CREATE TABLE inspection_change (
    id              INTEGER PRIMARY KEY,
    inspection_id   INTEGER NOT NULL REFERENCES inspection(id) ON DELETE CASCADE,
    on_date         TEXT NOT NULL CHECK (on_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(on_date, '+0 days') IS on_date),
    escalation      TEXT CHECK (escalation IS NULL OR (escalation = 'none' OR escalation = 'progress-review' OR escalation = 'formal-monitoring' OR escalation = 'external-support')),
    from_escalation TEXT CHECK (from_escalation IS NULL OR (from_escalation = 'none' OR from_escalation = 'progress-review' OR from_escalation = 'formal-monitoring' OR from_escalation = 'external-support')),
    confidence      TEXT CHECK (confidence IS NULL OR (confidence = 'confident' OR confidence = 'not-yet-confident' OR confidence = 'needs-external-support')),
    from_confidence TEXT CHECK (from_confidence IS NULL OR (from_confidence = 'confident' OR from_confidence = 'not-yet-confident' OR from_confidence = 'needs-external-support')),
    reason          TEXT NOT NULL CHECK (trim(reason) <> ''),
    CHECK (escalation IS NOT NULL OR confidence IS NOT NULL),
    CHECK ((escalation IS NULL) = (from_escalation IS NULL)),
    UNIQUE (inspection_id, on_date)
) STRICT;

PRAGMA user_version = 6;
