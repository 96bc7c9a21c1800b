#include <string_view>

#include "storage/database.hpp"
#include "storage/postgres/pg_database.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace darwaza::storage {

std::unique_ptr<Database> open_database(const DatabaseOptions& options) {
  std::string_view url = options.url;
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return std::make_unique<postgres::PgDatabase>(std::string(url), options);
  }
  if (url.starts_with("sqlite:")) url.remove_prefix(7);
  return std::make_unique<sqlite::SqliteDatabase>(std::string(url), options);
}

}  // namespace darwaza::storage
