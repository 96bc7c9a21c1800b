// Backup and restore of the whole database, dispatched on the database URL like open_database:
// SQLite copies itself online (a consistent snapshot while the server keeps committing);
// engines with their own tools (PostgreSQL: pg_dump / pg_restore) answer which to use.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace darwaza::storage {

// What a backup or restored copy holds, read from the copy itself after an integrity check.
struct CopySummary {
  std::vector<std::pair<std::string, std::int64_t>> rows_per_table;  // table name → rows
  std::int64_t rows(const std::string& table) const;                 // -1: no such table
};

// Writes a consistent copy of the database named by `url` to the new file `dest_file`.
Result<CopySummary> backup_database(const std::string& url, const std::string& dest_file);
// Puts a copy made by backup_database in place as the database named by `url`, which must not
// exist yet, and checks it.
Result<CopySummary> restore_database(const std::string& backup_file, const std::string& url);

}  // namespace darwaza::storage
