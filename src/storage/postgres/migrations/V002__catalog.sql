-- PostgreSQL only, appended to storage/sqlite/migrations/V002__catalog.sql as translated by
-- storage/postgres/migrations.cpp (which drops SQLite's FTS5 table).
-- SQLite's implicit rowid of service_current, made explicit.
ALTER TABLE service_current ADD COLUMN rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE;

-- rowid = service_current.rowid so the index joins back cheaply; doc is the weighted tsvector
-- ('simple' configuration: no stemming, so Urdu and English words are matched as written).
CREATE TABLE service_fts (
  rowid  BIGINT PRIMARY KEY,
  doc    TSVECTOR NOT NULL
);
CREATE INDEX service_fts_doc ON service_fts USING GIN (doc);
