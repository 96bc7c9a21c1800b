-- Digital registries: schemas (one row per registry, its current version), records with their
-- status history, unique keys held by records that are not revoked, yearly serial numbers, and
-- capacity pools (park floor space, cohort seats) with what each record took from them.

CREATE TABLE registries (
  name       TEXT PRIMARY KEY,
  version    INTEGER NOT NULL,
  agency_id  TEXT NOT NULL REFERENCES agencies(id),
  document   TEXT NOT NULL,
  checksum   TEXT NOT NULL,
  loaded_at  INTEGER NOT NULL
);

-- seq orders exports and joins the full-text index (registry_fts.rowid = seq).
CREATE TABLE registry_records (
  seq               INTEGER PRIMARY KEY,
  id                TEXT NOT NULL UNIQUE,
  registry          TEXT NOT NULL REFERENCES registries(name),
  registry_version  INTEGER NOT NULL,
  number            TEXT NOT NULL UNIQUE,
  subject_user_id   TEXT REFERENCES users(id),
  subject_org_id    TEXT REFERENCES organisations(id),
  application_id    TEXT REFERENCES applications(id),
  status            TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'revoked')),
  valid_from        TEXT NOT NULL,
  valid_until       TEXT,
  data              TEXT NOT NULL,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
);
CREATE INDEX registry_records_by_registry ON registry_records (registry, seq);
CREATE INDEX registry_records_by_user ON registry_records (subject_user_id, registry) WHERE subject_user_id IS NOT NULL;
CREATE INDEX registry_records_by_org ON registry_records (subject_org_id, registry) WHERE subject_org_id IS NOT NULL;

CREATE TABLE registry_record_events (
  seq             INTEGER PRIMARY KEY,
  record_id       TEXT NOT NULL REFERENCES registry_records(id),
  at              INTEGER NOT NULL,
  actor           TEXT NOT NULL,
  action          TEXT NOT NULL,
  from_status     TEXT NOT NULL,
  to_status       TEXT NOT NULL,
  reason          TEXT NOT NULL,
  application_id  TEXT
);
CREATE INDEX registry_record_events_by_record ON registry_record_events (record_id, seq);

CREATE TABLE registry_keys (
  registry   TEXT NOT NULL,
  key_name   TEXT NOT NULL,
  key_value  TEXT NOT NULL,
  record_id  TEXT NOT NULL REFERENCES registry_records(id),
  PRIMARY KEY (registry, key_name, key_value)
) WITHOUT ROWID;
CREATE INDEX registry_keys_by_record ON registry_keys (record_id);

CREATE TABLE registry_counters (
  registry  TEXT NOT NULL,
  year      INTEGER NOT NULL,
  last      INTEGER NOT NULL,
  PRIMARY KEY (registry, year)
) WITHOUT ROWID;

CREATE TABLE registry_capacity (
  pool_record_id  TEXT NOT NULL REFERENCES registry_records(id),
  qualifier       TEXT NOT NULL,
  total           INTEGER NOT NULL,
  allocated       INTEGER NOT NULL DEFAULT 0 CHECK (allocated >= 0),
  PRIMARY KEY (pool_record_id, qualifier)
) WITHOUT ROWID;

CREATE TABLE registry_allocations (
  record_id       TEXT PRIMARY KEY REFERENCES registry_records(id),
  pool_record_id  TEXT NOT NULL,
  qualifier       TEXT NOT NULL,
  amount          INTEGER NOT NULL
);

CREATE VIRTUAL TABLE registry_fts USING fts5 (
  text,
  tokenize = 'unicode61 remove_diacritics 2'
);
