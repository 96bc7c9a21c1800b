-- PostgreSQL version of storage/sqlite/migrations/V009__notifications.sql (same tables; BIGINT times).
-- Notifications shown in a person's inbox, one per person and application event, written in the
-- person's language at the time; and the outbox of e-mail and SMS messages carrying them out.
-- Times are Unix milliseconds (UTC).

CREATE TABLE notifications (
  id               TEXT PRIMARY KEY,
  user_id          TEXT NOT NULL REFERENCES users(id),
  event            TEXT NOT NULL,
  language         TEXT NOT NULL CHECK (language IN ('en', 'ur')),
  title            TEXT NOT NULL,
  body             TEXT NOT NULL,
  application_id   TEXT REFERENCES applications(id),
  tracking_number  TEXT,
  certificate_id   TEXT,
  dedupe_key       TEXT,  -- NULL, or unique per person (the expiry notice is sent once)
  created_at       BIGINT NOT NULL,
  read_at          BIGINT
);
CREATE INDEX notifications_by_user ON notifications (user_id, created_at);
CREATE UNIQUE INDEX notifications_dedupe ON notifications (user_id, dedupe_key);
CREATE INDEX notifications_by_certificate ON notifications (certificate_id, event);

-- state: pending (due at next_attempt_at; being tried while lease_until is in the future),
-- delivered (final: never sent again), failed (gave up after the maximum number of attempts).
CREATE TABLE outbox (
  id               TEXT PRIMARY KEY,
  notification_id  TEXT NOT NULL REFERENCES notifications(id),
  channel          TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
  recipient        TEXT NOT NULL,
  subject          TEXT NOT NULL,
  body             TEXT NOT NULL,
  state            TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  BIGINT NOT NULL,
  lease_owner      TEXT,
  lease_until      BIGINT,
  last_error       TEXT,
  created_at       BIGINT NOT NULL,
  delivered_at     BIGINT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_by_notification ON outbox (notification_id);
