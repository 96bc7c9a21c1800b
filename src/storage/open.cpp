#include <string_view>

#include "storage/database.hpp"
#include "storage/postgres/pg_database.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace darwaza::storage {

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

}  // namespace darwaza::storage
