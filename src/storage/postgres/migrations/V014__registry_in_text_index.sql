-- PostgreSQL only, appended to storage/sqlite/migrations/V014__registry_in_text_index.sql as
-- translated by storage/postgres/migrations.cpp (which drops its SQLite-only part).
-- Each record's tsvector gains the lexeme '#NAME' (without a position). No word of the text and
-- no word of a search starts with '#': both split on ASCII punctuation, so no search word, not
-- even as a prefix, matches it.
UPDATE registry_fts f SET doc = f.doc || array_to_tsvector(ARRAY['#' || r.registry])
  FROM registry_records r WHERE r.seq = f.rowid;
