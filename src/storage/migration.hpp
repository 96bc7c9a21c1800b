// A versioned schema step, compiled into the binary from storage/<engine>/migrations/V*.sql.
#pragma once

#include <span>

namespace darwaza::storage {

struct MigrationFile {
  int version;
  const char* name;
  const char* sql;
};

}  // namespace darwaza::storage

namespace darwaza::embedded {
std::span<const storage::MigrationFile> sqlite_migrations();
// The PostgreSQL-only statements per version (storage/postgres/migrations.hpp adds them to the
// translated SQLite steps).
std::span<const storage::MigrationFile> postgresql_migrations();
}
