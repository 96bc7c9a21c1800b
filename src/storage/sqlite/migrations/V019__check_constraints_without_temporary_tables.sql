-- SQLite checks a constraint `x IN (a, b, c)` of three values or more by building a temporary
-- table of the values for every row it writes: opening a B-tree, inserting the values, closing it.
-- Each submission writes two outbox messages, and the outbox worker updates each one, so that was
-- a B-tree built and thrown away on the single writer at every one of them (about 2 % of all the
-- server's CPU under bench/writer_cpu.sh); a registry record's status is checked the same way.
-- The same rules as comparisons joined by OR need no table. The stored rows do not change, so
-- the table's definition is rewritten in place, as SQLite documents for changing a CHECK
-- constraint ("Making Other Kinds Of Table Schema Changes" in its ALTER TABLE page), instead of
-- copying the tables. SqliteSchema.HotWritesBuildNoTemporaryTable (sqlite_schema_test.cpp) checks that each replace matched.
-- begin sqlite only
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, 'CHECK (state IN (''pending'', ''delivered'', ''failed''))',
                          'CHECK (state = ''pending'' OR state = ''delivered'' OR state = ''failed'')')
 WHERE type = 'table' AND name = 'outbox';
UPDATE sqlite_schema
   SET sql = replace(sql, 'CHECK (status IN (''active'', ''suspended'', ''revoked''))',
                          'CHECK (status = ''active'' OR status = ''suspended'' OR status = ''revoked'')')
 WHERE type = 'table' AND name = 'registry_records';
-- This connection reads its schema again; the table made and dropped moves the schema's version,
-- so that every other connection to the file does too.
PRAGMA writable_schema = RESET;
CREATE TABLE schema_change_v19 (x INTEGER);
DROP TABLE schema_change_v19;
-- end sqlite only
