-- PostgreSQL version of storage/sqlite/migrations/V006__audit.sql (same tables; BIGINT times;
-- seq is assigned by the audit chain itself, never by the database).
-- The audit chain (see src/audit/types.hpp): seq is the chain position, without gaps; every row
-- carries the previous row's hash and its own. Checkpoints sign the head at intervals.

CREATE TABLE audit_log (
  seq           BIGINT PRIMARY KEY,
  at            BIGINT NOT NULL,
  actor         TEXT NOT NULL,
  actor_role    TEXT NOT NULL,
  actor_agency  TEXT NOT NULL,
  action        TEXT NOT NULL,
  subject_user  TEXT NOT NULL,
  subject_org   TEXT NOT NULL,
  object_type   TEXT NOT NULL,
  object_id     TEXT NOT NULL,
  purpose       TEXT NOT NULL,
  outcome       TEXT NOT NULL,
  request_id    TEXT NOT NULL,
  prev_hash     TEXT NOT NULL,
  hash          TEXT NOT NULL
);
CREATE INDEX audit_by_subject_user ON audit_log (subject_user, seq) WHERE subject_user <> '';
CREATE INDEX audit_by_subject_org ON audit_log (subject_org, seq) WHERE subject_org <> '';
CREATE INDEX audit_by_actor ON audit_log (actor, seq);
CREATE INDEX audit_by_agency ON audit_log (actor_agency, seq) WHERE actor_agency <> '';

CREATE TABLE audit_checkpoints (
  seq        BIGINT PRIMARY KEY,
  hash       TEXT NOT NULL,
  at         BIGINT NOT NULL,
  key_id     TEXT NOT NULL,
  signature  TEXT NOT NULL
);
