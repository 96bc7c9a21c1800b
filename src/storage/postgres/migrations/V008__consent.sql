-- PostgreSQL version of storage/sqlite/migrations/V008__consent.sql (same tables; BIGINT times,
-- identity columns for database-assigned ids, tsvector for full-text search).
-- Consents a citizen (or an organisation's owner) gives an agency to read named fields of a
-- registry (or of their applications) for a purpose until a date. Revocation keeps the row.
-- Exactly one of subject_user_id / subject_org_id is set.

CREATE TABLE consents (
  id               TEXT PRIMARY KEY,
  grantor_user_id  TEXT NOT NULL REFERENCES users(id),
  subject_user_id  TEXT REFERENCES users(id),
  subject_org_id   TEXT REFERENCES organisations(id),
  agency_id        TEXT NOT NULL REFERENCES agencies(id),
  registry         TEXT NOT NULL,
  fields           TEXT NOT NULL,  -- JSON array of field names
  purpose          TEXT NOT NULL,
  valid_until      TEXT NOT NULL,  -- YYYY-MM-DD, inclusive
  created_at       BIGINT NOT NULL,
  revoked_at       BIGINT,
  revoked_by       TEXT,
  CHECK ((subject_user_id IS NULL) <> (subject_org_id IS NULL))
);
CREATE INDEX consents_by_user ON consents (subject_user_id, agency_id, registry);
CREATE INDEX consents_by_org ON consents (subject_org_id, agency_id, registry);
