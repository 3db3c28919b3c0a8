-- planwatch schema, version 9.
-- Accounts for `planwatch serve`: who may use a shared plan, their role, the
-- partnerships it covers, and the tokens scripts use in their stead. The
-- password is kept only as a bcrypt hash, a token only as the SHA-256 of its
-- secret (a token is 32 random bytes, so a fast hash is enough and a
-- per-request bcrypt would not be); neither is ever written to the audit trail.

CREATE TABLE app_user (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64 AND name NOT GLOB '*[^a-z0-9._-]*' AND name GLOB '[a-z0-9]*'),
    email           TEXT NOT NULL CHECK (email LIKE '_%@_%._%'),
    role            TEXT NOT NULL CHECK (role IN ('admin', 'inspector', 'officer')),
    password_hash   TEXT CHECK (password_hash IS NULL OR password_hash GLOB '$2[abxy]$[0-9][0-9]$*'),
    password_set_at TEXT,
    disabled        INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at      TEXT NOT NULL,
    CHECK ((password_hash IS NULL) = (password_set_at IS NULL))
) STRICT;

CREATE TABLE user_partnership (
    user_id        INTEGER NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
    partnership_id INTEGER NOT NULL REFERENCES partnership(id) ON DELETE RESTRICT,
    PRIMARY KEY (user_id, partnership_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX user_partnership_partnership ON user_partnership(partnership_id);

CREATE TABLE api_token (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES app_user(id) ON DELETE RESTRICT,
    label       TEXT,
    secret_hash TEXT NOT NULL UNIQUE CHECK (length(secret_hash) = 64 AND secret_hash NOT GLOB '*[^0-9a-f]*'),
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
) STRICT;
CREATE INDEX api_token_user ON api_token(user_id);

PRAGMA user_version = 9;
