-- Notification indexes hold only the rows they serve. A notification of a submission or a
-- workflow move has neither a dedupe key nor a certificate, so indexing those NULLs wrote two
-- index entries per notification (two B-tree inserts on every submission) that no query reads.
-- The expiry scan asks for certificate_id = ?, which implies IS NOT NULL on both engines, and the
-- insert's ON CONFLICT names the dedupe index's WHERE clause.

DROP INDEX notifications_dedupe;
CREATE UNIQUE INDEX notifications_dedupe ON notifications (user_id, dedupe_key) WHERE dedupe_key IS NOT NULL;
DROP INDEX notifications_by_certificate;
CREATE INDEX notifications_by_certificate ON notifications (certificate_id, event) WHERE certificate_id IS NOT NULL;
