#include "storage/backup.hpp"

#include <string_view>

#include "storage/database.hpp"
#include "storage/sqlite/backup.hpp"

namespace darwaza::storage {
namespace {

Error use_engine_tools(const char* tool) {
  return make_error(ErrorKind::conflict, "use-engine-tools", "Use the database's own tools",
                    std::string("A PostgreSQL database is backed up and restored with its own tools (") + tool +
                        ", or continuous archiving); `darwaza backup` and `darwaza restore` copy SQLite databases.");
}

}  // namespace

std::int64_t CopySummary::rows(const std::string& table) const {
  for (const auto& [name, n] : rows_per_table)
    if (name == table) return n;
  return -1;
}

Result<CopySummary> backup_database(const std::string& url, const std::string& dest_file) {
  if (is_postgresql_url(url)) return use_engine_tools("pg_dump -Fc");
  return sqlite::backup_file(sqlite_path(url), dest_file);
}

Result<CopySummary> restore_database(const std::string& backup_file, const std::string& url) {
  if (is_postgresql_url(url)) return use_engine_tools("pg_restore");
  return sqlite::restore_file(backup_file, sqlite_path(url));
}

}  // namespace darwaza::storage
