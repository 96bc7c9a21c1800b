-- PostgreSQL version of storage/sqlite/migrations/V002__catalog.sql (same tables; BIGINT times,
-- identity columns for database-assigned ids, tsvector for full-text search).
-- Catalog: every version of every service definition is kept; applications stay bound to the
-- version they were filed under. service_current points at the live version and carries the
-- columns browsing needs; service_fts is the full-text index (English and Urdu).

CREATE TABLE services (
  id              TEXT NOT NULL,
  version         BIGINT NOT NULL,
  agency_id       TEXT NOT NULL REFERENCES agencies(id),
  category        TEXT NOT NULL,
  title_en        TEXT NOT NULL,
  title_ur        TEXT NOT NULL,
  description_en  TEXT NOT NULL,
  description_ur  TEXT NOT NULL,
  applicant       TEXT NOT NULL,
  fee_paisa       BIGINT NOT NULL,
  keywords        TEXT NOT NULL,
  definition      TEXT NOT NULL,
  checksum        TEXT NOT NULL,
  created_at      BIGINT NOT NULL,
  PRIMARY KEY (id, version)
);

CREATE TABLE service_current (
  id          TEXT PRIMARY KEY,
  version     BIGINT NOT NULL,
  agency_id   TEXT NOT NULL,
  category    TEXT NOT NULL,
  title_en    TEXT NOT NULL,
  updated_at  BIGINT NOT NULL,
  rowid       BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,  -- SQLite's implicit rowid, made explicit
  FOREIGN KEY (id, version) REFERENCES services (id, version)
);
CREATE INDEX service_current_by_agency ON service_current (agency_id, category, title_en);
CREATE INDEX service_current_by_category ON service_current (category, title_en);

-- rowid = service_current.rowid so the index joins back cheaply; doc is the weighted tsvector
-- ('simple' configuration: no stemming, so Urdu and English words are matched as written).
CREATE TABLE service_fts (
  rowid  BIGINT PRIMARY KEY,
  doc    TSVECTOR NOT NULL
);
CREATE INDEX service_fts_doc ON service_fts USING GIN (doc);
