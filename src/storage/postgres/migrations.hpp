// PostgreSQL's schema steps are SQLite's, written once in storage/sqlite/migrations/: each is
// translated (column types, identity columns; SQLite's FTS5 tables dropped) and followed by the
// PostgreSQL-only statements of the same version in storage/postgres/migrations/ (the full-text
// search tables), so a new migration needs a PostgreSQL file only where the engines differ.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "storage/migration.hpp"

namespace darwaza::storage::postgres {

// One SQLite migration's SQL in PostgreSQL's dialect.
std::string translate_sqlite_migration(std::string_view sqlite_sql);

// Every PostgreSQL migration, in version order (built once).
std::span<const MigrationFile> migrations();

}  // namespace darwaza::storage::postgres
