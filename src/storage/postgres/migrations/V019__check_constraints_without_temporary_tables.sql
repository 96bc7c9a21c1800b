-- PostgreSQL only, appended to storage/sqlite/migrations/V019 (whose statements are SQLite's
-- alone): PostgreSQL checks an IN list without a temporary table, so there is nothing to change.
SELECT 1;
