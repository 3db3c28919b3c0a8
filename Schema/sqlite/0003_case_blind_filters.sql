-- planwatch schema, version 3.
-- The --owner and --agency filters match without regard to case
-- (`a.owner = ? COLLATE NOCASE`), and an index in SQLite's default binary
-- collation cannot serve such a comparison: every filtered report read every
-- action. The two indexes are rebuilt case-blind; the owners' digest, which
-- orders by the same columns case-blind, reads them in order too.

DROP INDEX action_owner;
CREATE INDEX action_owner ON action(owner COLLATE NOCASE);
DROP INDEX action_agency;
CREATE INDEX action_agency ON action(lead_agency COLLATE NOCASE);

PRAGMA user_version = 3;
