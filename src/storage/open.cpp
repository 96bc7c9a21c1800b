#include <string_view>

#include "storage/database.hpp"
#include "storage/postgres/pg_connection.hpp"
#include "storage/postgres/pg_database.hpp"
#include "storage/rate_limit_store.hpp"
#include "storage/sql/rate_limit_store.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace darwaza::storage {
namespace {
constexpr const char* kRateCellsSqlitePragmas = "PRAGMA synchronous=NORMAL";
}  // namespace

bool is_postgresql_url(std::string_view url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

std::string sqlite_path(std::string_view url) {
  if (url.starts_with("sqlite:")) url.remove_prefix(7);
  return std::string(url);
}

std::unique_ptr<Database> open_database(const DatabaseOptions& options) {
  if (is_postgresql_url(options.url)) return std::make_unique<postgres::PgDatabase>(options.url, options);
  return std::make_unique<sqlite::SqliteDatabase>(sqlite_path(options.url), options);
}

std::unique_ptr<RateLimitStore> open_rate_limit_store(const std::string& url, int connections) {
  sql::SqlRateLimitStore::Opener open;
  if (is_postgresql_url(url)) {
    open = [url] { return std::make_unique<postgres::PgConnection>(url); };
  } else {
    // Throttling state, as UNLOGGED on PostgreSQL: its commits need not wait for an fsync.
    open = [path = sqlite_path(url)] {
      auto c = std::make_unique<sqlite::Connection>(path, /*read_only=*/false);
      c->exec_script(kRateCellsSqlitePragmas);
      return c;
    };
  }
  return std::make_unique<sql::SqlRateLimitStore>(std::move(open), connections);
}

}  // namespace darwaza::storage
