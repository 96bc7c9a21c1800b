-- PostgreSQL only, appended to storage/sqlite/migrations/V011__rate_limits.sql as translated by
-- storage/postgres/migrations.cpp.
-- Throttling state, not records: no WAL for it, so a limiter's commit waits for no flush and the
-- table is not replicated. A crash or a fail-over empties it, which at worst lets each client a
-- fresh burst through once; nothing else reads it.
ALTER TABLE rate_limits SET UNLOGGED;
