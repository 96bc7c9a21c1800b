#include "support/test_database.hpp"

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

void create_database(const std::string& name) {
  std::string admin = std::string(base_url()) + "postgres";
  PGconn* c = PQconnectdb(admin.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    PQfinish(c);
    throw std::runtime_error("test database server: " + msg);
  }
  std::string sql = "CREATE DATABASE " + name;
  PGresult* r = PQexec(c, sql.c_str());
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  std::string msg = PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  if (!ok) throw std::runtime_error("CREATE DATABASE failed: " + msg);
}

}  // namespace

bool testing_postgresql() { return base_url() != nullptr; }

std::string test_db_url(const std::string& data_dir) {
  if (!testing_postgresql()) return {};
  static std::mutex mu;
  static std::map<std::string, std::string> urls;
  std::string key = std::filesystem::weakly_canonical(data_dir).string();
  std::lock_guard lock(mu);
  auto it = urls.find(key);
  if (it != urls.end()) return it->second;
  crypto::init();
  std::string name = "dz_test_" + crypto::random_hex(8);
  create_database(name);
  return urls.emplace(key, std::string(base_url()) + name).first->second;
}

}  // namespace darwaza::test
