// Which database a test's data folder uses. By default SQLite inside the folder; when
// DARWAZA_TEST_DB_URL_BASE names a PostgreSQL server (scripts/test.sh sets it for the second run
// of the end-to-end suite), each data folder gets its own fresh database (CREATE DATABASE), so
// tests stay isolated and may run in parallel.
#pragma once

#include <memory>
#include <string>

#include "storage/database.hpp"

namespace darwaza::test {

// Runs one statement on the PostgreSQL database at `url` (a query's rows are not kept); returns ""
// or the error.
std::string run_sql_at(const std::string& url, const std::string& sql);

// Runs statements (';'-separated) on the PostgreSQL database at `url`, in one session, and returns
// the last one's rows: columns joined by '|', each row ending in '\n'; or "error: " and the error.
std::string query_text_at(const std::string& url, const std::string& sql);

// True when the suite runs against PostgreSQL.
bool testing_postgresql();

// The --db URL for a data folder ("" for the SQLite default); the same folder always gets the
// same database, whether a server or a CLI command opens it first.
std::string test_db_url(const std::string& data_dir);

// The database of a data folder opened in the test's own process (created and migrated if new),
// with `readers` reader connections: its test database, or the SQLite file in the folder.
std::unique_ptr<storage::Database> open_test_database(const std::string& data_dir, int readers);

// Runs SQL on the database of a data folder (its SQLite file, or its PostgreSQL database), beside
// whatever server or command uses it: how a test stands in for time passing. Returns "" or the
// error.
std::string run_sql_in(const std::string& data_dir, const std::string& sql);

}  // namespace darwaza::test
