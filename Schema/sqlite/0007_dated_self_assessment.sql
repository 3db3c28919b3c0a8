-- planwatch schema, version 7.
-- A partnership's own RAG changes with its returns: the day of the latest
-- self-assessment a return recorded is kept beside it (NULL for one given
-- with the action, which dates from created_on).

ALTER TABLE action ADD COLUMN self_rag_on TEXT
    CHECK (self_rag_on IS NULL OR (self_rag_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(self_rag_on, '+0 days') IS self_rag_on));

PRAGMA user_version = 7;
