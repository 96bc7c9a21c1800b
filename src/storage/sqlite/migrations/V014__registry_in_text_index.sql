-- Each record's registry joins the registry records' text index, so that a search in one registry
-- walks only that registry's matches. Before, the index held the text alone: a search in a small
-- registry for a word common in a large one read every match of the large one, record by record,
-- before the registry filter dropped it.
-- SQLite: an indexed column `registry` holding one token, 'r' and the name in hexadecimal (its
-- hyphens would otherwise split it into words; SqlRegistryRepo writes and matches the same token).
-- An FTS5 table cannot gain a column, so the index is built again from its own text.
-- begin sqlite only
CREATE VIRTUAL TABLE registry_fts_v14 USING fts5 (
  text,
  registry,
  tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO registry_fts_v14 (rowid, text, registry)
  SELECT f.rowid, f.text, 'r' || lower(hex(r.registry)) FROM registry_fts f JOIN registry_records r ON r.seq = f.rowid;
DROP TABLE registry_fts;
ALTER TABLE registry_fts_v14 RENAME TO registry_fts;
-- end sqlite only
