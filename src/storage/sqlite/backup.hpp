// SQLite's side of storage/backup.hpp.
#pragma once

#include <string>

#include "storage/backup.hpp"

namespace darwaza::storage::sqlite {

// The online backup API over a read-only connection, all pages in one step: the copy is the
// snapshot of one read transaction, taken while the server's writer keeps committing (WAL).
Result<CopySummary> backup_file(const std::string& db_path, const std::string& dest_path);
// Checks a database file (a backup or a restored copy) and counts its rows per table.
Result<CopySummary> inspect_copy(const std::string& path);
// Copies a backup file to `dest_path` (which must not exist) owner-only, and checks the result.
Result<CopySummary> restore_file(const std::string& backup_file, const std::string& dest_path);

}  // namespace darwaza::storage::sqlite
