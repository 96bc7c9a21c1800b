// Online backup of the SQLite database (the SQLite backup API, one step under one read
// transaction, so the copy is one consistent snapshot while the writer keeps committing), and
// the check both backup and restore run on a copy: integrity check, then rows per table.
#include <sys/stat.h>

#include <filesystem>

#include <fmt/format.h>

#include "storage/database.hpp"
#include "storage/sqlite/backup.hpp"
#include "storage/sqlite/sqlite_connection.hpp"

namespace darwaza::storage::sqlite {
namespace {

constexpr const char* kIntegrityCheck = "PRAGMA integrity_check";
constexpr const char* kTables =
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
// Table names come from the copy's own schema, never from input; quoted as identifiers.
constexpr const char* kCountRowsTemplate = "SELECT count(*) FROM \"{}\"";
constexpr const char* kSelfContained = "PRAGMA journal_mode=DELETE";
// All pages in one step: the source's read transaction spans the whole copy.
constexpr int kAllPages = -1;

Error copy_error(std::string detail) {
  return make_error(ErrorKind::conflict, "backup-failed", "Backup or restore failed", std::move(detail));
}

std::string quoted_identifier(const std::string& name) {
  std::string out;
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out;
}

}  // namespace

Result<CopySummary> inspect_copy(const std::string& path) {
  try {
    Connection conn(path, true);
    {
      auto q = conn.query(kIntegrityCheck);
      std::string verdict = q.step() ? q.text(0) : "no answer";
      if (verdict != "ok") return copy_error(fmt::format("{} fails the integrity check: {}", path, verdict));
    }
    std::vector<std::string> tables;
    {
      auto q = conn.query(kTables);
      while (q.step()) tables.push_back(q.text(0));
    }
    CopySummary summary;
    for (const auto& t : tables) {
      std::string sql = fmt::format(kCountRowsTemplate, quoted_identifier(t));
      sqlite3_stmt* stmt = nullptr;
      if (sqlite3_prepare_v2(conn.handle(), sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) conn.fail("count rows");
      std::int64_t n = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
      sqlite3_finalize(stmt);
      summary.rows_per_table.emplace_back(t, n);
    }
    return summary;
  } catch (const std::exception& e) {
    return copy_error(fmt::format("cannot read {}: {}", path, e.what()));
  }
}

Result<CopySummary> backup_file(const std::string& db_path, const std::string& dest_path) {
  if (!std::filesystem::is_regular_file(db_path)) return copy_error("there is no database at " + db_path);
  if (std::filesystem::exists(dest_path)) return copy_error(dest_path + " already exists; choose a new file");
  try {
    Connection source(db_path, true);
    std::unique_ptr<Connection> dest;
    {
      mode_t old = ::umask(077);  // the copy holds the same personal data: owner-only from the first byte
      dest = std::make_unique<Connection>(dest_path, false);
      ::umask(old);
    }
    sqlite3_backup* b = sqlite3_backup_init(dest->handle(), "main", source.handle(), "main");
    if (!b) return copy_error(fmt::format("cannot start the backup: {}", sqlite3_errmsg(dest->handle())));
    int rc = sqlite3_backup_step(b, kAllPages);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
      std::string msg = sqlite3_errstr(rc);
      dest.reset();
      std::filesystem::remove(dest_path);
      return copy_error("the backup stopped: " + msg);
    }
    // The pages carry the source's WAL mode; one self-contained file is what a backup should be.
    dest->exec_script(kSelfContained);
  } catch (const std::exception& e) {
    std::error_code ec;
    std::filesystem::remove(dest_path, ec);
    return copy_error(std::string("the backup failed: ") + e.what());
  }
  ::chmod(dest_path.c_str(), 0600);
  return inspect_copy(dest_path);
}

Result<CopySummary> restore_file(const std::string& backup_file, const std::string& dest_path) {
  if (!std::filesystem::is_regular_file(backup_file)) return copy_error(backup_file + " is not a backup file");
  for (const char* suffix : {"", "-wal", "-shm"})
    if (std::filesystem::exists(dest_path + suffix))
      return copy_error(dest_path + suffix + " already exists; restore into a fresh data folder");
  auto checked = inspect_copy(backup_file);
  if (!checked.ok()) return checked;
  std::error_code ec;
  {
    mode_t old = ::umask(077);
    std::filesystem::copy_file(backup_file, dest_path, ec);
    ::umask(old);
  }
  if (ec) return copy_error(fmt::format("cannot copy {} to {}: {}", backup_file, dest_path, ec.message()));
  ::chmod(dest_path.c_str(), 0600);
  auto summary = inspect_copy(dest_path);
  if (!summary.ok()) std::filesystem::remove(dest_path, ec);
  return summary;
}

}  // namespace darwaza::storage::sqlite
