-- Public transparency: IT-sector indicator series with their figures and quoted changes, and
-- foreign technology engagements with their commitments and each commitment's dated stages.

CREATE TABLE indicator_series (
  id           TEXT PRIMARY KEY,
  title        TEXT NOT NULL,
  unit         TEXT NOT NULL,
  frequency    TEXT NOT NULL CHECK (frequency IN ('monthly', 'quarterly', 'annual')),
  aggregation  TEXT NOT NULL CHECK (aggregation IN ('sum', 'level')),
  source       TEXT NOT NULL,
  source_url   TEXT NOT NULL DEFAULT '',
  notes        TEXT NOT NULL DEFAULT '',
  updated_at   INTEGER NOT NULL
);

-- period is canonical text ('2024-04', '2024-Q2', '2024', '2024-07..2024-11') or '' for a
-- figure quoted without a date; first_unit/last_unit order periods (-1 when undated).
-- Figures are insert-only: a correction is a new import after review, never an UPDATE.
CREATE TABLE indicator_observations (
  series_id    TEXT NOT NULL REFERENCES indicator_series(id),
  period       TEXT NOT NULL,
  first_unit   INTEGER NOT NULL,
  last_unit    INTEGER NOT NULL,
  value        REAL NOT NULL,
  source       TEXT NOT NULL DEFAULT '',
  source_url   TEXT NOT NULL DEFAULT '',
  notes        TEXT NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (series_id, period)
);

-- A change as a source states it, kept beside the one Darwaza computes; two sources may quote
-- the same comparison differently (rounded, or from unrounded figures), so both are kept.
CREATE TABLE indicator_quotes (
  series_id      TEXT NOT NULL REFERENCES indicator_series(id),
  period         TEXT NOT NULL,
  compared_with  TEXT NOT NULL,
  change_pct     REAL NOT NULL,
  source         TEXT NOT NULL,
  source_url     TEXT NOT NULL DEFAULT '',
  notes          TEXT NOT NULL DEFAULT '',
  created_at     INTEGER NOT NULL,
  PRIMARY KEY (series_id, period, compared_with, source)
);

-- Dates are as precise as known: 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD', or NULL with a date_note.
CREATE TABLE engagements (
  id              TEXT PRIMARY KEY,
  date            TEXT,
  date_note       TEXT NOT NULL DEFAULT '',
  country         TEXT,            -- ISO 3166-1 alpha-2 of the foreign counterpart; NULL if unknown
  organisation    TEXT NOT NULL,
  pakistani_side  TEXT NOT NULL,
  kind            TEXT NOT NULL CHECK (kind IN ('delegation', 'meeting', 'mou', 'agreement')),
  title           TEXT NOT NULL,
  summary         TEXT NOT NULL DEFAULT '',
  topics          TEXT NOT NULL DEFAULT '[]',   -- JSON array of strings
  sources         TEXT NOT NULL DEFAULT '[]',   -- JSON array of {name, url}
  created_by      TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX engagements_by_country ON engagements (country);

CREATE TABLE engagement_commitments (
  id             TEXT PRIMARY KEY,
  engagement_id  TEXT NOT NULL REFERENCES engagements(id),
  position       INTEGER NOT NULL,
  description    TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('announced', 'agreed', 'pilot', 'operational', 'stalled', 'dropped')),
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
CREATE INDEX commitments_by_engagement ON engagement_commitments (engagement_id, position);

-- Every stage a commitment reached, in order: append-only.
CREATE TABLE commitment_stages (
  id             INTEGER PRIMARY KEY,
  commitment_id  TEXT NOT NULL REFERENCES engagement_commitments(id),
  stage          TEXT NOT NULL CHECK (stage IN ('announced', 'agreed', 'pilot', 'operational', 'stalled', 'dropped')),
  date           TEXT,
  date_note      TEXT NOT NULL DEFAULT '',
  source         TEXT NOT NULL DEFAULT '',
  source_url     TEXT NOT NULL DEFAULT '',
  note           TEXT NOT NULL DEFAULT '',
  recorded_by    TEXT NOT NULL,
  recorded_at    INTEGER NOT NULL
);
CREATE INDEX commitment_stages_by_commitment ON commitment_stages (commitment_id, id);
