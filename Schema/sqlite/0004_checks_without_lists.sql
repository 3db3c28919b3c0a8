-- planwatch schema, version 4.
-- The same constraints, written so that SQLite checks them cheaply. A CHECK
-- of the form `x IN ('a', 'b', 'c')` (three values or more) makes SQLite build
-- a temporary b-tree of the list each time a statement runs: on an import,
-- twice for every action, once for every progress update with a status and
-- once for every audit entry, a fifth of all the work. The same rules written
-- as `x = 'a' OR x = 'b' OR x = 'c'` are plain comparisons (and NULL passes
-- both forms alike). SQLite cannot alter a CHECK constraint, so the tables are
-- rebuilt, every row copied as it was (ids, values and the hash chain
-- unchanged), with their indexes and guard triggers.
-- (The migrator runs this with foreign keys off and checks them all after.)

CREATE TABLE action_v4 (
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
                        CHECK (status = 'not-started' OR status = 'in-progress' OR status = 'complete' OR status = 'withdrawn'),
    percent             INTEGER NOT NULL DEFAULT 0 CHECK (percent BETWEEN 0 AND 100),
    completed_on        TEXT CHECK (completed_on IS NULL OR (completed_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(completed_on, '+0 days') IS completed_on)),
    evidence            TEXT,
    self_rag            TEXT CHECK (self_rag IS NULL OR (self_rag = 'red' OR self_rag = 'amber' OR self_rag = 'green')),
    created_on          TEXT NOT NULL CHECK (created_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(created_on, '+0 days') IS created_on),
    UNIQUE (inspection_id, ref),
    CHECK ((original_due IS NULL) = (current_due IS NULL)),
    CHECK (current_due IS NULL OR current_due >= original_due),
    CHECK ((status = 'complete') = (completed_on IS NOT NULL))
) STRICT;

INSERT INTO action_v4 (id, inspection_id, ref, title, description, owner, lead_agency, supporting_agencies, start_on, original_due, current_due, measure, status, percent, completed_on, evidence, self_rag, created_on)
SELECT id, inspection_id, ref, title, description, owner, lead_agency, supporting_agencies, start_on, original_due, current_due, measure, status, percent, completed_on, evidence, self_rag, created_on FROM action ORDER BY id;

DROP TABLE action;
ALTER TABLE action_v4 RENAME TO action;

CREATE INDEX action_status_due ON action(status, current_due);
CREATE INDEX action_due ON action(current_due);
CREATE INDEX action_title ON action(inspection_id, title);
CREATE INDEX action_owner ON action(owner COLLATE NOCASE);
CREATE INDEX action_agency ON action(lead_agency COLLATE NOCASE);

CREATE TABLE progress_update_v4 (
    id          INTEGER PRIMARY KEY,
    action_id   INTEGER NOT NULL REFERENCES action(id) ON DELETE RESTRICT,
    on_date     TEXT NOT NULL CHECK (on_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(on_date, '+0 days') IS on_date),
    author      TEXT NOT NULL CHECK (trim(author) <> ''),
    note        TEXT NOT NULL CHECK (trim(note) <> ''),
    new_status  TEXT CHECK (new_status IS NULL OR (new_status = 'not-started' OR new_status = 'in-progress' OR new_status = 'complete' OR new_status = 'withdrawn')),
    new_percent INTEGER CHECK (new_percent IS NULL OR new_percent BETWEEN 0 AND 100),
    evidence    TEXT,
    recorded_at TEXT NOT NULL
) STRICT;

INSERT INTO progress_update_v4 (id, action_id, on_date, author, note, new_status, new_percent, evidence, recorded_at)
SELECT id, action_id, on_date, author, note, new_status, new_percent, evidence, recorded_at FROM progress_update ORDER BY id;

DROP TABLE progress_update;
ALTER TABLE progress_update_v4 RENAME TO progress_update;

CREATE INDEX progress_update_action ON progress_update(action_id, on_date);
CREATE TRIGGER progress_update_no_update BEFORE UPDATE ON progress_update
BEGIN SELECT RAISE(ABORT, 'progress updates are append-only'); END;
CREATE TRIGGER progress_update_no_delete BEFORE DELETE ON progress_update
BEGIN SELECT RAISE(ABORT, 'progress updates are append-only'); END;

CREATE TABLE audit_entry_v4 (
    seq        INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL CHECK (trim(actor) <> ''),
    command    TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    operation  TEXT NOT NULL CHECK (operation = 'insert' OR operation = 'update' OR operation = 'delete'),
    before     TEXT CHECK (before IS NULL OR json_valid(before)),
    after      TEXT CHECK (after IS NULL OR json_valid(after)),
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE
) STRICT;

INSERT INTO audit_entry_v4 (seq, at, actor, command, entity, entity_key, operation, before, after, prev_hash, hash)
SELECT seq, at, actor, command, entity, entity_key, operation, before, after, prev_hash, hash FROM audit_entry ORDER BY seq;

DROP TABLE audit_entry;
ALTER TABLE audit_entry_v4 RENAME TO audit_entry;

CREATE INDEX audit_entry_entity ON audit_entry(entity, entity_key);
CREATE INDEX audit_entry_actor ON audit_entry(actor, seq);
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;

PRAGMA user_version = 4;
