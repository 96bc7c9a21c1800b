// The libpq driver turns the shared SQL's `?` / `?N` placeholders into PostgreSQL's `$N`.
#include <gtest/gtest.h>

#include "storage/postgres/pg_connection.hpp"
#include "storage/sql/catalog_repo.hpp"

using darwaza::storage::postgres::rewrite_placeholders;

TEST(PgPlaceholders, PositionalBecomeNumbered) {
  int n = 0;
  EXPECT_EQ(rewrite_placeholders("INSERT INTO t (a, b, c) VALUES (?, ?, ?)", n), "INSERT INTO t (a, b, c) VALUES ($1, $2, $3)");
  EXPECT_EQ(n, 3);
}

TEST(PgPlaceholders, NumberedKeepTheirNumberAndCountTheHighest) {
  int n = 0;
  EXPECT_EQ(rewrite_placeholders("WHERE a = ?1 OR b = ?1 LIMIT ?12 OFFSET ?3", n), "WHERE a = $1 OR b = $1 LIMIT $12 OFFSET $3");
  EXPECT_EQ(n, 12);
}

TEST(PgPlaceholders, QuestionMarksInsideLiteralsStay) {
  int n = 0;
  EXPECT_EQ(rewrite_placeholders("SELECT '?' || ?, 'it''s ?'", n), "SELECT '?' || $1, 'it''s ?'");
  EXPECT_EQ(n, 1);
  EXPECT_EQ(rewrite_placeholders("SELECT 1", n), "SELECT 1");
  EXPECT_EQ(n, 0);
}

TEST(PgPlaceholders, FullTextQueriesPerEngine) {
  using darwaza::storage::sql::Dialect;
  using darwaza::storage::sql::fts_query;
  EXPECT_EQ(fts_query("passport renewal", Dialect::sqlite), "\"passport\"* \"renewal\"*");
  EXPECT_EQ(fts_query("passport renewal", Dialect::postgresql), "'passport':* & 'renewal':*");
  // Quotes and tsquery operators are separators, never syntax.
  EXPECT_EQ(fts_query("a'b|c & !d", Dialect::postgresql), "'a':* & 'b':* & 'c':* & 'd':*");
  EXPECT_EQ(fts_query("!&|'()", Dialect::postgresql), "");
}

// Bulk mode (DatabaseOptions::bulk_load) sends the rows of plain INSERTs through COPY.
TEST(PgBulkCopy, PlainInsertsHaveACopyAndOthersDoNot) {
  using darwaza::storage::postgres::copy_statement_for;
  EXPECT_EQ(copy_statement_for("INSERT INTO users (id, cnic, name) VALUES (?, ?, ?)"),
            "COPY users (id, cnic, name) FROM STDIN");
  EXPECT_EQ(copy_statement_for("INSERT INTO t (a) VALUES (?)"), "COPY t (a) FROM STDIN");
  EXPECT_EQ(copy_statement_for("INSERT INTO t (a, b) VALUES (?, ?) ON CONFLICT DO NOTHING"), "");
  EXPECT_EQ(copy_statement_for("INSERT INTO t (a, b) VALUES (?, ?) RETURNING id"), "");
  EXPECT_EQ(copy_statement_for("INSERT INTO t (a, b) VALUES (?, 'x')"), "");
  EXPECT_EQ(copy_statement_for("INSERT INTO t (a, b) VALUES (?1, ?2)"), "");
  EXPECT_EQ(copy_statement_for("INSERT INTO t (a, b) VALUES (?)"), "");
  EXPECT_EQ(copy_statement_for("INSERT INTO t (a, b) SELECT a, b FROM u"), "");
  EXPECT_EQ(copy_statement_for("UPDATE t SET a = ? WHERE b = ?"), "");
}

TEST(PgBulkCopy, TextIsEscapedForCopy) {
  std::string out;
  darwaza::storage::postgres::append_copy_text(out, "a\tb\nc\rd\\N اردو");
  EXPECT_EQ(out, "a\\tb\\nc\\rd\\\\N اردو");
}
