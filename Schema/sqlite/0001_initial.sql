-- planwatch schema, version 1.
-- Dates are calendar dates stored as 'YYYY-MM-DD' text; timestamps are UTC
-- ISO 8601 text. Every table is STRICT; every foreign key names its ON DELETE.
-- A date column holds a real day: date(x, '+0 days') normalises 2025-02-30 to
-- 2025-03-02, so comparing it with x rejects impossible dates.

CREATE TABLE partnership (
    id              INTEGER PRIMARY KEY,
    key             TEXT NOT NULL UNIQUE
                    CHECK (length(key) BETWEEN 1 AND 64 AND key NOT GLOB '*[^a-z0-9-]*'),
    name            TEXT NOT NULL CHECK (trim(name) <> ''),
    council         TEXT,
    health_board    TEXT,
    police_division TEXT,
    other_partners  TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(other_partners) AND json_type(other_partners) = 'array')
) STRICT;

CREATE TABLE link_assignment (
    id             INTEGER PRIMARY KEY,
    partnership_id INTEGER NOT NULL REFERENCES partnership(id) ON DELETE CASCADE,
    inspector      TEXT NOT NULL CHECK (trim(inspector) <> ''),
    from_date      TEXT NOT NULL CHECK (from_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(from_date, '+0 days') IS from_date),
    to_date        TEXT CHECK (to_date IS NULL OR (to_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(to_date, '+0 days') IS to_date AND to_date >= from_date)),
    UNIQUE (partnership_id, from_date)
) STRICT;
CREATE INDEX link_assignment_partnership ON link_assignment(partnership_id, from_date);

CREATE TABLE quality_indicator (
    id        INTEGER PRIMARY KEY,
    code      TEXT UNIQUE CHECK (code IS NULL OR trim(code) <> ''),
    name      TEXT NOT NULL UNIQUE CHECK (trim(name) <> ''),
    framework TEXT
) STRICT;

CREATE TABLE inspection (
    id                INTEGER PRIMARY KEY,
    key               TEXT NOT NULL UNIQUE
                      CHECK (length(key) BETWEEN 1 AND 64 AND key NOT GLOB '*[^a-z0-9-]*'),
    partnership_id    INTEGER NOT NULL REFERENCES partnership(id) ON DELETE RESTRICT,
    title             TEXT NOT NULL CHECK (trim(title) <> ''),
    lead_inspectorate TEXT NOT NULL,
    scrutiny_partners TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(scrutiny_partners) AND json_type(scrutiny_partners) = 'array'),
    fieldwork_start   TEXT CHECK (fieldwork_start IS NULL OR (fieldwork_start GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(fieldwork_start, '+0 days') IS fieldwork_start)),
    fieldwork_end     TEXT CHECK (fieldwork_end IS NULL OR (fieldwork_end GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(fieldwork_end, '+0 days') IS fieldwork_end)),
    published         TEXT CHECK (published IS NULL OR (published GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(published, '+0 days') IS published)),
    plan_due          TEXT CHECK (plan_due IS NULL OR (plan_due GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(plan_due, '+0 days') IS plan_due)),
    confidence        TEXT CHECK (confidence IS NULL OR confidence IN ('confident', 'not-yet-confident', 'needs-external-support')),
    escalation        TEXT NOT NULL DEFAULT 'none'
                      CHECK (escalation IN ('none', 'progress-review', 'formal-monitoring', 'external-support')),
    summary           TEXT,
    source            TEXT,
    CHECK (fieldwork_end IS NULL OR fieldwork_start IS NULL OR fieldwork_end >= fieldwork_start)
) STRICT;
CREATE INDEX inspection_partnership ON inspection(partnership_id);

CREATE TABLE evaluation (
    inspection_id INTEGER NOT NULL REFERENCES inspection(id) ON DELETE CASCADE,
    qi_id         INTEGER NOT NULL REFERENCES quality_indicator(id) ON DELETE RESTRICT,
    grade         INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 6),
    PRIMARY KEY (inspection_id, qi_id)
) STRICT;
CREATE INDEX evaluation_qi ON evaluation(qi_id);

CREATE TABLE finding (
    id            INTEGER PRIMARY KEY,
    inspection_id INTEGER NOT NULL REFERENCES inspection(id) ON DELETE CASCADE,
    number        INTEGER NOT NULL CHECK (number > 0),
    kind          TEXT NOT NULL CHECK (kind IN ('strength', 'improvement', 'priority')),
    text          TEXT NOT NULL CHECK (trim(text) <> ''),
    qi_id         INTEGER REFERENCES quality_indicator(id) ON DELETE SET NULL,
    themes        TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(themes) AND json_type(themes) = 'array'),
    UNIQUE (inspection_id, number),
    UNIQUE (inspection_id, text)
) STRICT;
CREATE INDEX finding_qi ON finding(qi_id);

CREATE TABLE action_plan (
    inspection_id INTEGER PRIMARY KEY REFERENCES inspection(id) ON DELETE CASCADE,
    status        TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'agreed', 'closed')),
    submitted_on  TEXT CHECK (submitted_on IS NULL OR (submitted_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(submitted_on, '+0 days') IS submitted_on)),
    agreed_on     TEXT CHECK (agreed_on IS NULL OR (agreed_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(agreed_on, '+0 days') IS agreed_on)),
    agreed_by     TEXT,
    CHECK (status = 'draft' OR submitted_on IS NOT NULL),
    CHECK (status NOT IN ('agreed', 'closed') OR agreed_on IS NOT NULL OR status = 'closed'),
    CHECK (agreed_on IS NULL OR (submitted_on IS NOT NULL AND agreed_on >= submitted_on))
) STRICT;

CREATE TABLE action (
    id                  INTEGER PRIMARY KEY,
    inspection_id       INTEGER NOT NULL REFERENCES inspection(id) ON DELETE RESTRICT,
    ref                 TEXT NOT NULL CHECK (trim(ref) <> ''),
    title               TEXT NOT NULL CHECK (trim(title) <> ''),
    description         TEXT,
    owner               TEXT NOT NULL CHECK (trim(owner) <> ''),
    lead_agency         TEXT NOT NULL CHECK (trim(lead_agency) <> ''),
    supporting_agencies TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(supporting_agencies) AND json_type(supporting_agencies) = 'array'),
    start_on            TEXT CHECK (start_on IS NULL OR (start_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(start_on, '+0 days') IS start_on)),
    original_due        TEXT CHECK (original_due IS NULL OR (original_due GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(original_due, '+0 days') IS original_due)),
    current_due         TEXT CHECK (current_due IS NULL OR (current_due GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(current_due, '+0 days') IS current_due)),
    measure             TEXT,
    status              TEXT NOT NULL DEFAULT 'not-started'
                        CHECK (status IN ('not-started', 'in-progress', 'complete', 'withdrawn')),
    percent             INTEGER NOT NULL DEFAULT 0 CHECK (percent BETWEEN 0 AND 100),
    completed_on        TEXT CHECK (completed_on IS NULL OR (completed_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(completed_on, '+0 days') IS completed_on)),
    evidence            TEXT,
    self_rag            TEXT CHECK (self_rag IS NULL OR self_rag IN ('red', 'amber', 'green')),
    created_on          TEXT NOT NULL CHECK (created_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(created_on, '+0 days') IS created_on),
    UNIQUE (inspection_id, ref),
    CHECK ((original_due IS NULL) = (current_due IS NULL)),
    CHECK (current_due IS NULL OR current_due >= original_due),
    CHECK ((status = 'complete') = (completed_on IS NOT NULL))
) STRICT;
CREATE INDEX action_status_due ON action(status, current_due);
CREATE INDEX action_due ON action(current_due);
CREATE INDEX action_owner ON action(owner);
CREATE INDEX action_agency ON action(lead_agency);

CREATE TABLE action_finding (
    action_id  INTEGER NOT NULL REFERENCES action(id) ON DELETE CASCADE,
    finding_id INTEGER NOT NULL REFERENCES finding(id) ON DELETE RESTRICT,
    PRIMARY KEY (action_id, finding_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX action_finding_finding ON action_finding(finding_id);

-- Append-only: corrections are new updates.
CREATE TABLE progress_update (
    id          INTEGER PRIMARY KEY,
    action_id   INTEGER NOT NULL REFERENCES action(id) ON DELETE RESTRICT,
    on_date     TEXT NOT NULL CHECK (on_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(on_date, '+0 days') IS on_date),
    author      TEXT NOT NULL CHECK (trim(author) <> ''),
    note        TEXT NOT NULL CHECK (trim(note) <> ''),
    new_status  TEXT CHECK (new_status IS NULL OR new_status IN ('not-started', 'in-progress', 'complete', 'withdrawn')),
    new_percent INTEGER CHECK (new_percent IS NULL OR new_percent BETWEEN 0 AND 100),
    evidence    TEXT,
    recorded_at TEXT NOT NULL
) STRICT;
CREATE INDEX progress_update_action ON progress_update(action_id, on_date);
CREATE TRIGGER progress_update_no_update BEFORE UPDATE ON progress_update
BEGIN SELECT RAISE(ABORT, 'progress updates are append-only'); END;
CREATE TRIGGER progress_update_no_delete BEFORE DELETE ON progress_update
BEGIN SELECT RAISE(ABORT, 'progress updates are append-only'); END;

CREATE TABLE deadline_extension (
    id          INTEGER PRIMARY KEY,
    action_id   INTEGER NOT NULL REFERENCES action(id) ON DELETE RESTRICT,
    from_due    TEXT NOT NULL CHECK (from_due GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(from_due, '+0 days') IS from_due),
    to_due      TEXT NOT NULL CHECK (to_due GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(to_due, '+0 days') IS to_due),
    reason      TEXT NOT NULL CHECK (trim(reason) <> ''),
    agreed_by   TEXT,
    recorded_on TEXT NOT NULL CHECK (recorded_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(recorded_on, '+0 days') IS recorded_on),
    CHECK (to_due > from_due)
) STRICT;
CREATE INDEX deadline_extension_action ON deadline_extension(action_id, to_due);

CREATE TABLE linking_review (
    id             INTEGER PRIMARY KEY,
    partnership_id INTEGER NOT NULL REFERENCES partnership(id) ON DELETE CASCADE,
    on_date        TEXT NOT NULL CHECK (on_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(on_date, '+0 days') IS on_date),
    inspector      TEXT,
    kind           TEXT NOT NULL CHECK (kind IN ('meeting', 'progress-review', 'written-return')),
    summary        TEXT NOT NULL CHECK (trim(summary) <> ''),
    confidence     TEXT CHECK (confidence IS NULL OR confidence IN ('confident', 'not-yet-confident', 'needs-external-support')),
    next_due       TEXT CHECK (next_due IS NULL OR (next_due GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(next_due, '+0 days') IS next_due AND next_due > on_date)),
    UNIQUE (partnership_id, on_date, kind)
) STRICT;
CREATE INDEX linking_review_next ON linking_review(next_due);

CREATE TABLE review_action (
    review_id INTEGER NOT NULL REFERENCES linking_review(id) ON DELETE CASCADE,
    action_id INTEGER NOT NULL REFERENCES action(id) ON DELETE CASCADE,
    PRIMARY KEY (review_id, action_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX review_action_action ON review_action(action_id);

-- Every change, chained by SHA-256: hash = SHA-256(prev_hash || canonical entry).
CREATE TABLE audit_entry (
    seq        INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL CHECK (trim(actor) <> ''),
    command    TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    operation  TEXT NOT NULL CHECK (operation IN ('insert', 'update')),
    before     TEXT CHECK (before IS NULL OR json_valid(before)),
    after      TEXT CHECK (after IS NULL OR json_valid(after)),
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE
) STRICT;
CREATE INDEX audit_entry_entity ON audit_entry(entity, entity_key);
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;

PRAGMA user_version = 1;
