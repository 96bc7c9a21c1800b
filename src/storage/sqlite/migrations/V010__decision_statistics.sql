-- Officers' decisions by time, for the statistics of applications/statistics.hpp (GovStack
-- Registration's /data/statistics/1.0): only staff workflow moves are indexed, by time, so a
-- period's count reads that period's decisions and not every event of every application.
-- The WHERE clause is the statistics query's own (SQLite uses a partial index only then).

CREATE INDEX application_events_staff_moves ON application_events (at)
  WHERE kind = 'transition' AND actor_role IN ('officer', 'agency_admin');
