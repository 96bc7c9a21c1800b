-- PostgreSQL only, appended to storage/sqlite/migrations/V014__registry_in_text_index.sql as
-- translated by storage/postgres/migrations.cpp (which drops its SQLite-only part).
-- Each record's tsvector ends with the lexeme '#NAME' (without a position). No word of the text
-- and no word of a search starts with '#': both split on ASCII punctuation, so no search word,
-- not even as a prefix, matches it. A trigger adds it whenever a record's text is written, from
-- the record's row (written first, in the same transaction): the nodes write the words only, so
-- a node of the previous version, during a rolling upgrade, indexes its records as this one
-- searches them.
CREATE FUNCTION registry_fts_with_registry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.doc := NEW.doc || array_to_tsvector(ARRAY(SELECT '#' || r.registry FROM registry_records r WHERE r.seq = NEW.rowid));
  RETURN NEW;
END
$$;
CREATE TRIGGER registry_fts_registry BEFORE INSERT OR UPDATE OF doc ON registry_fts
  FOR EACH ROW EXECUTE FUNCTION registry_fts_with_registry();
UPDATE registry_fts SET doc = doc;
