#include "support/test_database.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <stdexcept>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "core/crypto.hpp"

namespace darwaza::test {
namespace {

const char* base_url() {
  const char* b = std::getenv("DARWAZA_TEST_DB_URL_BASE");
  return b && *b ? b : nullptr;
}

// Runs one statement on the server's maintenance database; returns "" or the error.
std::string run_on_server(const std::string& sql) { return run_sql_at(std::string(base_url()) + "postgres", sql); }

// The databases this test process made, by data folder; dropped when the process ends (the
// servers that used them have stopped by then; FORCE ends any connection left behind).
struct Databases {
  std::mutex mu;
  std::map<std::string, std::string> url_by_dir, name_by_dir;
  ~Databases() {
    for (const auto& [dir, name] : name_by_dir) {
      std::string err = run_on_server("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      if (!err.empty()) std::fprintf(stderr, "test database %s not dropped: %s\n", name.c_str(), err.c_str());
    }
  }
};

Databases& databases() {
  static Databases d;
  return d;
}

}  // namespace

std::string run_sql_at(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    PQfinish(c);
    return "test database server: " + msg;
  }
  PGresult* r = PQexec(c, sql.c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
  std::string msg = ok ? "" : PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  return msg;
}

std::string query_text_at(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = "error: test database server: " + std::string(PQerrorMessage(c));
    PQfinish(c);
    return msg;
  }
  PGresult* r = PQexec(c, sql.c_str());
  std::string out;
  if (PQresultStatus(r) == PGRES_TUPLES_OK) {
    for (int row = 0; row < PQntuples(r); ++row) {
      for (int col = 0; col < PQnfields(r); ++col) out += (col ? "|" : "") + std::string(PQgetvalue(r, row, col));
      out += '\n';
    }
  } else if (PQresultStatus(r) != PGRES_COMMAND_OK) {
    out = "error: " + std::string(PQresultErrorMessage(r));
  }
  PQclear(r);
  PQfinish(c);
  return out;
}

bool testing_postgresql() { return base_url() != nullptr; }

std::string test_db_url(const std::string& data_dir) {
  if (!testing_postgresql()) return {};
  Databases& dbs = databases();
  std::string key = std::filesystem::weakly_canonical(data_dir).string();
  std::lock_guard lock(dbs.mu);
  auto it = dbs.url_by_dir.find(key);
  if (it != dbs.url_by_dir.end()) return it->second;
  crypto::init();
  std::string name = "dz_test_" + crypto::random_hex(8);
  if (std::string err = run_on_server("CREATE DATABASE " + name); !err.empty())
    throw std::runtime_error("CREATE DATABASE failed: " + err);
  dbs.name_by_dir.emplace(key, name);
  return dbs.url_by_dir.emplace(key, std::string(base_url()) + name).first->second;
}

std::string run_sql_in(const std::string& data_dir, const std::string& sql) {
  constexpr int kBusyTimeoutMs = 5000;
  if (testing_postgresql()) {
    PGconn* c = PQconnectdb(test_db_url(data_dir).c_str());
    std::string msg = PQstatus(c) == CONNECTION_OK ? "" : PQerrorMessage(c);
    if (msg.empty()) {
      PGresult* r = PQexec(c, sql.c_str());
      if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) msg = PQresultErrorMessage(r);
      PQclear(r);
    }
    PQfinish(c);
    return msg;
  }
  sqlite3* db = nullptr;
  if (sqlite3_open((data_dir + "/darwaza.db").c_str(), &db) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "cannot open";
    sqlite3_close(db);
    return msg;
  }
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  char* err = nullptr;
  std::string msg;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) msg = err ? err : "failed";
  sqlite3_free(err);
  sqlite3_close(db);
  return msg;
}

std::unique_ptr<storage::Database> open_test_database(const std::string& data_dir, int readers) {
  storage::DatabaseOptions o;
  o.url = test_db_url(data_dir);
  if (o.url.empty()) o.url = "sqlite:" + data_dir + "/darwaza.db";
  o.reader_connections = readers;
  return storage::open_database(o);
}

}  // namespace darwaza::test
