-- Only the expiry notice carries a dedupe key (it is sent once per certificate); every other
-- notification wrote a (user, NULL) entry into this unique index, which NULLs never conflict in:
-- one more index write per notification on the single writer, for nothing. Partial, it holds the
-- keyed notifications alone, and enforces the same rule on them. Its one user is the insert's
-- `ON CONFLICT (user_id, dedupe_key) WHERE dedupe_key IS NOT NULL`, which also matches the full
-- index this replaces.
-- SQLite only: there a node is one process, and the binary that migrates is the one that writes.
-- On PostgreSQL nodes are upgraded one at a time, and an older node's insert (its conflict target
-- without the WHERE) would match no index once it were partial; PostgreSQL keeps the full index
-- (storage/postgres/migrations/V021).
-- begin sqlite only
DROP INDEX notifications_dedupe;
CREATE UNIQUE INDEX notifications_dedupe ON notifications (user_id, dedupe_key) WHERE dedupe_key IS NOT NULL;
-- end sqlite only
