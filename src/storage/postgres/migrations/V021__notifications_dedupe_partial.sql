-- PostgreSQL only, appended to storage/sqlite/migrations/V021 (whose statements are SQLite's
-- alone): the full unique index stays, so that nodes still running the previous binary keep
-- matching their insert's conflict target during a rolling upgrade.
SELECT 1;
