-- Catalog: every version of every service definition is kept; applications stay bound to the
-- version they were filed under. service_current points at the live version and carries the
-- columns browsing needs; service_fts is the full-text index (English and Urdu).

CREATE TABLE services (
  id              TEXT NOT NULL,
  version         INTEGER NOT NULL,
  agency_id       TEXT NOT NULL REFERENCES agencies(id),
  category        TEXT NOT NULL,
  title_en        TEXT NOT NULL,
  title_ur        TEXT NOT NULL,
  description_en  TEXT NOT NULL,
  description_ur  TEXT NOT NULL,
  applicant       TEXT NOT NULL,
  fee_paisa       INTEGER NOT NULL,
  keywords        TEXT NOT NULL,
  definition      TEXT NOT NULL,
  checksum        TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  PRIMARY KEY (id, version)
);

CREATE TABLE service_current (
  id          TEXT PRIMARY KEY,
  version     INTEGER NOT NULL,
  agency_id   TEXT NOT NULL,
  category    TEXT NOT NULL,
  title_en    TEXT NOT NULL,
  updated_at  INTEGER NOT NULL,
  FOREIGN KEY (id, version) REFERENCES services (id, version)
);
CREATE INDEX service_current_by_agency ON service_current (agency_id, category, title_en);
CREATE INDEX service_current_by_category ON service_current (category, title_en);

-- rowid = service_current.rowid so the index joins back cheaply.
CREATE VIRTUAL TABLE service_fts USING fts5 (
  title_en, title_ur, description_en, description_ur, keywords,
  tokenize = 'unicode61 remove_diacritics 2'
);
