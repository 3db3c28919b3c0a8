-- planwatch schema, version 10.
-- Three records `planwatch serve` needs.
--
-- extension_request: an officer asks for a later deadline; it is not the
-- action's deadline until an inspector agrees it (then a deadline_extension is
-- recorded with the inspector as `agreed_by`, in the same transaction) or
-- refuses it. One open request per action at a time. Audited like any record.
--
-- web_session: a browser's login. Only the SHA-256 of the cookie's secret is
-- kept; the CSRF token of the session's forms beside it. Not plan data, so
-- not audited; a password change or a disabled account ends every session.

CREATE TABLE extension_request (
    id            INTEGER PRIMARY KEY,
    action_id     INTEGER NOT NULL REFERENCES action(id) ON DELETE RESTRICT,
    from_due      TEXT NOT NULL CHECK (from_due GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(from_due, '+0 days') IS from_due),
    to_due        TEXT NOT NULL CHECK (to_due GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(to_due, '+0 days') IS to_due),
    reason        TEXT NOT NULL CHECK (trim(reason) <> ''),
    requested_by  TEXT NOT NULL,
    requested_at  TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'requested' CHECK (state IN ('requested', 'agreed', 'refused')),
    decided_by    TEXT,
    decided_at    TEXT,
    decision_note TEXT,
    CHECK (to_due > from_due),
    CHECK ((state = 'requested') = (decided_by IS NULL)),
    CHECK ((decided_by IS NULL) = (decided_at IS NULL))
) STRICT;
CREATE INDEX extension_request_action ON extension_request(action_id);
CREATE UNIQUE INDEX extension_request_one_open ON extension_request(action_id) WHERE state = 'requested';

-- completion_signoff: a link inspector accepts an officer's completion, or
-- queries it with a note; once per completion (the action's completion date
-- then), so a completion undone and made again is signed off anew. Audited.
CREATE TABLE completion_signoff (
    id          INTEGER PRIMARY KEY,
    action_id   INTEGER NOT NULL REFERENCES action(id) ON DELETE RESTRICT,
    completed   TEXT NOT NULL CHECK (completed GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(completed, '+0 days') IS completed),
    decision    TEXT NOT NULL CHECK (decision IN ('accepted', 'queried')),
    note        TEXT,
    decided_by  TEXT NOT NULL,
    decided_at  TEXT NOT NULL,
    CHECK (decision = 'accepted' OR trim(coalesce(note, '')) <> ''),
    UNIQUE (action_id, completed)
) STRICT;

CREATE TABLE web_session (
    secret_hash TEXT PRIMARY KEY CHECK (length(secret_hash) = 64 AND secret_hash NOT GLOB '*[^0-9a-f]*'),
    user_id     INTEGER NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
    csrf_token  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX web_session_user ON web_session(user_id);

PRAGMA user_version = 10;
