-- Applications, their timeline, payments, idempotency keys and issued certificates.

CREATE TABLE applications (
  id                TEXT PRIMARY KEY,
  tracking_number   TEXT NOT NULL UNIQUE,
  service_id        TEXT NOT NULL,
  service_version   INTEGER NOT NULL,
  agency_id         TEXT NOT NULL REFERENCES agencies(id),
  applicant_user_id TEXT NOT NULL REFERENCES users(id),
  org_id            TEXT REFERENCES organisations(id),
  state             TEXT NOT NULL,           -- 'draft' before submission
  is_open           INTEGER NOT NULL,        -- 1 when submitted and not yet in a terminal state
  data              TEXT NOT NULL,           -- normalised form data (JSON)
  fee_paisa         INTEGER NOT NULL,
  paid_paisa        INTEGER NOT NULL DEFAULT 0,
  assigned_to       TEXT REFERENCES users(id),
  certificate_id    TEXT,
  created_at        INTEGER NOT NULL,
  submitted_at      INTEGER,
  updated_at        INTEGER NOT NULL,
  decided_at        INTEGER,
  state_entered_at  INTEGER NOT NULL,
  sla_due_at        INTEGER,
  FOREIGN KEY (service_id, service_version) REFERENCES services (id, version)
);
CREATE INDEX applications_by_applicant ON applications (applicant_user_id, created_at);
CREATE INDEX applications_by_org ON applications (org_id, created_at) WHERE org_id IS NOT NULL;
CREATE INDEX applications_queue ON applications (agency_id, is_open, state, submitted_at);

CREATE TABLE application_events (
  id              INTEGER PRIMARY KEY,
  application_id  TEXT NOT NULL REFERENCES applications(id),
  at              INTEGER NOT NULL,
  actor_user_id   TEXT,
  actor_role      TEXT NOT NULL,   -- applicant, officer, agency_admin, api_client, system
  kind            TEXT NOT NULL,   -- created, submitted, transition, claimed, payment, certificate
  from_state      TEXT,
  to_state        TEXT,
  transition      TEXT,
  comment         TEXT
);
CREATE INDEX application_events_by_application ON application_events (application_id, id);

CREATE TABLE payments (
  id              TEXT PRIMARY KEY,
  application_id  TEXT NOT NULL REFERENCES applications(id),
  amount_paisa    INTEGER NOT NULL CHECK (amount_paisa > 0),
  reference       TEXT NOT NULL UNIQUE,
  recorded_by     TEXT NOT NULL,
  recorded_at     INTEGER NOT NULL
);
CREATE INDEX payments_by_application ON payments (application_id);

-- A retried submission with the same key returns the first response.
CREATE TABLE idempotency_keys (
  principal     TEXT NOT NULL,
  key           TEXT NOT NULL,
  request_hash  TEXT NOT NULL,
  status        INTEGER NOT NULL,
  response      TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  PRIMARY KEY (principal, key)
);

CREATE TABLE certificates (
  id              TEXT PRIMARY KEY,
  application_id  TEXT NOT NULL UNIQUE REFERENCES applications(id),
  type            TEXT NOT NULL,
  holder_user_id  TEXT NOT NULL REFERENCES users(id),
  holder_org_id   TEXT REFERENCES organisations(id),
  agency_id       TEXT NOT NULL,
  issued_at       INTEGER NOT NULL,
  valid_until     TEXT,             -- YYYY-MM-DD, NULL = no expiry
  status          TEXT NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'revoked')),
  document        TEXT NOT NULL     -- the signed certificate JSON
);
CREATE INDEX certificates_by_holder ON certificates (holder_user_id);
