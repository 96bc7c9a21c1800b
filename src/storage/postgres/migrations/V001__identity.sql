-- PostgreSQL version of storage/sqlite/migrations/V001__identity.sql (same tables; BIGINT times,
-- identity columns for database-assigned ids, tsvector for full-text search).
-- Identity: agencies, people, staff roles, sessions, API clients, organisations, throttling.
-- Times are Unix milliseconds (UTC).

CREATE TABLE agencies (
  id          TEXT PRIMARY KEY,
  name_en     TEXT NOT NULL,
  name_ur     TEXT NOT NULL,
  kind        TEXT NOT NULL,
  parent_id   TEXT,
  website     TEXT,
  updated_at  BIGINT NOT NULL
);

CREATE TABLE users (
  id             TEXT PRIMARY KEY,
  cnic           TEXT NOT NULL UNIQUE,
  name           TEXT NOT NULL,
  email          TEXT NOT NULL UNIQUE,
  mobile         TEXT NOT NULL,
  password_hash  TEXT NOT NULL,
  preferred_lang TEXT NOT NULL DEFAULT 'en',
  created_at     BIGINT NOT NULL,
  updated_at     BIGINT NOT NULL
);

-- agency_id is '' for platform-wide roles (platform_admin, auditor).
CREATE TABLE user_roles (
  user_id     TEXT NOT NULL REFERENCES users(id),
  role        TEXT NOT NULL CHECK (role IN ('officer', 'agency_admin', 'platform_admin', 'auditor')),
  agency_id   TEXT NOT NULL DEFAULT '',
  granted_by  TEXT,
  granted_at  BIGINT NOT NULL,
  PRIMARY KEY (user_id, role, agency_id)
);
CREATE INDEX user_roles_by_agency ON user_roles (agency_id, role);

-- Tokens are never stored; only their SHA-256.
CREATE TABLE sessions (
  token_hash  TEXT PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('user', 'client')),
  subject_id  TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  expires_at  BIGINT NOT NULL,
  revoked_at  BIGINT
);
CREATE INDEX sessions_by_subject ON sessions (subject_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE api_clients (
  client_id    TEXT PRIMARY KEY,
  agency_id    TEXT NOT NULL REFERENCES agencies(id),
  name         TEXT NOT NULL,
  secret_hash  TEXT NOT NULL,
  created_by   TEXT,
  created_at   BIGINT NOT NULL,
  revoked_at   BIGINT
);
CREATE INDEX api_clients_by_agency ON api_clients (agency_id);

CREATE TABLE organisations (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  ntn          TEXT UNIQUE,
  secp_number  TEXT UNIQUE,
  created_by   TEXT NOT NULL REFERENCES users(id),
  created_at   BIGINT NOT NULL
);

CREATE TABLE org_members (
  org_id    TEXT NOT NULL REFERENCES organisations(id),
  user_id   TEXT NOT NULL REFERENCES users(id),
  role      TEXT NOT NULL CHECK (role IN ('owner', 'member')),
  added_by  TEXT,
  added_at  BIGINT NOT NULL,
  PRIMARY KEY (org_id, user_id)
);
CREATE INDEX org_members_by_user ON org_members (user_id);

-- Login throttling state, keyed by a hash of the account identifier or by client address.
CREATE TABLE login_throttle (
  key           TEXT PRIMARY KEY,
  failures      BIGINT NOT NULL,
  locked_until  BIGINT NOT NULL,
  last_failure  BIGINT NOT NULL
);
