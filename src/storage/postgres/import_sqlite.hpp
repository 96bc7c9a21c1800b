// Copies a SQLite database (a pilot, which may keep serving) into an empty PostgreSQL database
// migrated to the same schema version: every table in foreign-key order through COPY, in one
// transaction; then the full-text indexes are rebuilt and the identity sequences moved past the
// copied ids. The source is read as one snapshot (one read transaction), so a pilot writing
// meanwhile yields a consistent copy as of the snapshot; its later writes are not copied.
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

// The newest entry of an audit chain (seq 0 and no hash when it is empty).
struct AuditHead {
  std::int64_t seq = 0;
  std::string hash;
  bool operator==(const AuditHead&) const = default;
};

struct ImportReport {
  std::vector<TableCount> tables;  // every table's rows: in the snapshot, and in the copy before its commit
  AuditHead source_head;           // the snapshot's audit head: what the copy holds
  AuditHead target_head;           // the copy's, before its commit
};

// Throws StorageError when the target is not empty, the schema versions differ, or a copy fails
// (nothing is left half-copied). `progress(rows_done, rows_total)` is called as rows go.
ImportReport import_sqlite(const std::string& sqlite_path, const std::string& postgresql_url,
                           const std::function<void(std::int64_t, std::int64_t)>& progress);

}  // namespace darwaza::storage::postgres
