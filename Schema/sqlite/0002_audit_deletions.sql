-- planwatch schema, version 2.
-- Also: an index for matching spreadsheet rows to actions by title.
-- The audit trail may record deletions: `planwatch undo` removes a record
-- that a change added, and the 'delete' entry keeps what was removed (its
-- before value). SQLite cannot alter a CHECK constraint, so the table is
-- rebuilt; every entry is copied as it was, so the hash chain is unchanged.

CREATE TABLE audit_entry_v2 (
    seq        INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL CHECK (trim(actor) <> ''),
    command    TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    operation  TEXT NOT NULL CHECK (operation IN ('insert', 'update', 'delete')),
    before     TEXT CHECK (before IS NULL OR json_valid(before)),
    after      TEXT CHECK (after IS NULL OR json_valid(after)),
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE
) STRICT;

INSERT INTO audit_entry_v2 (seq, at, actor, command, entity, entity_key, operation, before, after, prev_hash, hash)
SELECT seq, at, actor, command, entity, entity_key, operation, before, after, prev_hash, hash FROM audit_entry ORDER BY seq;

DROP TABLE audit_entry;
ALTER TABLE audit_entry_v2 RENAME TO audit_entry;

CREATE INDEX audit_entry_entity ON audit_entry(entity, entity_key);
CREATE INDEX audit_entry_actor ON audit_entry(actor, seq);
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;

-- A spreadsheet row without a reference is matched to an action of the same title.
CREATE INDEX action_title ON action(inspection_id, title);

PRAGMA user_version = 2;
