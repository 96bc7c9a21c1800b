-- Only a certificate's notifications (issued, expiring) name a certificate; an application's
-- (submitted, and each step after) do not, yet each wrote an entry (NULL, event) into this index:
-- one more index write per notification on the single writer, all of them into the NULL group in
-- the index's middle. The expiry scan (notifications of certificate c) is the index's only reader,
-- and its `certificate_id = c.id` implies the condition, so the partial index serves it alike, and
-- a node still running the previous binary reads it the same way during a rolling upgrade.
-- On PostgreSQL the rebuild locks the notifications table against writes while it reads it
-- (docs/deployment.md, "Upgrades").
DROP INDEX notifications_by_certificate;
CREATE INDEX notifications_by_certificate ON notifications (certificate_id, event) WHERE certificate_id IS NOT NULL;
