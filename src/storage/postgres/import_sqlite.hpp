// Copies a SQLite database (a pilot) into an empty PostgreSQL database migrated to the same schema
// version: every table in foreign-key order through COPY, in one transaction; then the full-text
// indexes are rebuilt and the identity sequences moved past the copied ids.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace darwaza::storage::postgres {

struct TableCount {
  std::string table;
  std::int64_t source = 0;
  std::int64_t target = 0;
};

// Throws StorageError when the target is not empty, the schema versions differ, or a copy fails
// (nothing is left half-copied). `progress(rows_done, rows_total)` is called as rows go.
// Returns the row count of every table on both sides, read after the commit.
std::vector<TableCount> import_sqlite(const std::string& sqlite_path, const std::string& postgresql_url,
                                      const std::function<void(std::int64_t, std::int64_t)>& progress);

}  // namespace darwaza::storage::postgres
