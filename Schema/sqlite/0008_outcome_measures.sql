-- planwatch schema, version 8.
-- Outcome measures: what a partnership counts to show whether its plan made
-- a difference — a baseline, a target, an optional trajectory between them —
-- the findings each answers and the actions expected to move it, and the
-- measure's dated readings. Readings are append-only like progress updates:
-- a correction is a later reading of the same date marked `supersedes`.

CREATE TABLE outcome_measure (
    id             INTEGER PRIMARY KEY,
    partnership_id INTEGER NOT NULL REFERENCES partnership(id) ON DELETE RESTRICT,
    key            TEXT NOT NULL UNIQUE CHECK (trim(key) <> ''),
    name           TEXT NOT NULL CHECK (trim(name) <> ''),
    unit           TEXT NOT NULL CHECK (trim(unit) <> ''),
    direction      TEXT NOT NULL CHECK (direction IN ('higher', 'lower')),
    baseline_value REAL NOT NULL,
    baseline_on    TEXT NOT NULL CHECK (baseline_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(baseline_on, '+0 days') IS baseline_on),
    target_value   REAL NOT NULL,
    target_on      TEXT NOT NULL CHECK (target_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(target_on, '+0 days') IS target_on),
    -- Interim targets, [{"value": 40, "date": "2025-03-31"}, ...], in date order between baseline and target.
    trajectory     TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(trajectory) AND json_type(trajectory) = 'array'),
    period         TEXT NOT NULL DEFAULT 'quarterly' CHECK (period IN ('monthly', 'quarterly', 'annual')),
    source         TEXT,
    CHECK (target_on > baseline_on)
) STRICT;
CREATE INDEX outcome_measure_partnership ON outcome_measure(partnership_id);

CREATE TABLE measure_finding (
    measure_id INTEGER NOT NULL REFERENCES outcome_measure(id) ON DELETE CASCADE,
    finding_id INTEGER NOT NULL REFERENCES finding(id) ON DELETE CASCADE,
    PRIMARY KEY (measure_id, finding_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX measure_finding_finding ON measure_finding(finding_id);

CREATE TABLE measure_action (
    measure_id INTEGER NOT NULL REFERENCES outcome_measure(id) ON DELETE CASCADE,
    action_id  INTEGER NOT NULL REFERENCES action(id) ON DELETE CASCADE,
    PRIMARY KEY (measure_id, action_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX measure_action_action ON measure_action(action_id);

CREATE TABLE measure_reading (
    id          INTEGER PRIMARY KEY,
    measure_id  INTEGER NOT NULL REFERENCES outcome_measure(id) ON DELETE RESTRICT,
    on_date     TEXT NOT NULL CHECK (on_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(on_date, '+0 days') IS on_date),
    value       REAL NOT NULL,
    source      TEXT,
    note        TEXT,
    -- 1 for a correction of the reading already held for this date.
    supersedes  INTEGER NOT NULL DEFAULT 0 CHECK (supersedes IN (0, 1)),
    recorded_at TEXT NOT NULL
) STRICT;
CREATE INDEX measure_reading_measure ON measure_reading(measure_id, on_date);
CREATE TRIGGER measure_reading_no_update BEFORE UPDATE ON measure_reading
BEGIN SELECT RAISE(ABORT, 'measure readings are append-only'); END;
CREATE TRIGGER measure_reading_no_delete BEFORE DELETE ON measure_reading
BEGIN SELECT RAISE(ABORT, 'measure readings are append-only'); END;

PRAGMA user_version = 8;
