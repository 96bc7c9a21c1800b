-- PostgreSQL only, appended to storage/sqlite/migrations/V005__registries.sql as translated by
-- storage/postgres/migrations.cpp (which drops SQLite's FTS5 table).
-- rowid = registry_records.seq; doc is the public text as a 'simple' tsvector.
CREATE TABLE registry_fts (
  rowid  BIGINT PRIMARY KEY,
  doc    TSVECTOR NOT NULL
);
CREATE INDEX registry_fts_doc ON registry_fts USING GIN (doc);
