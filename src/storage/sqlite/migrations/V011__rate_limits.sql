-- The request-rate cells shared by the nodes of one database (storage/rate_limit_store.hpp): per
-- client address, its theoretical arrival time in Unix ms. `serve` on SQLite limits in memory
-- (one node owns the file), so this table stays empty there; PostgreSQL makes it UNLOGGED.
CREATE TABLE rate_limits (
  client  TEXT PRIMARY KEY,
  tat_ms  INTEGER NOT NULL
) WITHOUT ROWID;
