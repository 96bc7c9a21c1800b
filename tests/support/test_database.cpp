#include "support/test_database.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <stdexcept>

#include <libpq-fe.h>

#include "core/crypto.hpp"

namespace darwaza::test {
namespace {

const char* base_url() {
  const char* b = std::getenv("DARWAZA_TEST_DB_URL_BASE");
  return b && *b ? b : nullptr;
}

// Runs one statement on the server's maintenance database; returns "" or the error.
std::string run_on_server(const std::string& sql) {
  std::string admin = std::string(base_url()) + "postgres";
  PGconn* c = PQconnectdb(admin.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    PQfinish(c);
    return "test database server: " + msg;
  }
  PGresult* r = PQexec(c, sql.c_str());
  std::string msg = PQresultStatus(r) == PGRES_COMMAND_OK ? "" : PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  return msg;
}

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

}  // namespace darwaza::test
