#include "storage/sqlite/sqlite_connection.hpp"

#include <fmt/format.h>

#include "storage/database.hpp"
#include "storage/sqlite/batched_wal.hpp"

namespace darwaza::storage::sqlite {
namespace {
constexpr int kBusyTimeoutMs = 10000;  // readers wait this long for a checkpoint; the writer is single

// Savepoint (statement) journals stay in memory up to kStatementJournalSpillBytes: each
// group-commit job runs in a SAVEPOINT whose journal (about 120 KiB for a submission, sometimes
// more: about one job per group commit spilled at 128 KiB - 1, by strace) goes to a temporary file
// past the threshold. Past it SQLite writes all of the journal to its file in one call, which the
// unix VFS cannot take beyond 128 KiB - 1 bytes (it reports a full disk: `registry import`
// batches failed so, RegistryImport.EveryBatchOfALargeImportLands); writers open files through
// batched_wal_vfs(), which hands such a write over in chunks, so the threshold can be higher. At
// 512 KiB the writer spent 116-117 µs per submission against 157-159 µs at 128 KiB - 1 with the
// same shim (bench/writer_cpu.sh, interleaved); SQLite allocates one chunk of this size per
// journal. Wholly in memory (temp_store=MEMORY) made large imports slower.
constexpr int kStatementJournalSpillBytes = 512 * 1024;

// Once, before the library's first use: the journal threshold above, and no global memory
// statistics, whose mutex is taken by every SQLite allocation on every connection (Darwaza never
// reads them). (Too late when the process used SQLite before: then the calls are refused and
// nothing changes.)
void configure_library() {
  static const bool once = [] {
    const bool spill = sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, kStatementJournalSpillBytes) == SQLITE_OK;
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK && spill;
  }();
  (void)once;
}

}  // namespace

void SqliteStatement::bind_text(int i, std::string_view v) {
  if (sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT) != SQLITE_OK)
    conn_.fail("bind");
}

void SqliteStatement::bind_int(int i, std::int64_t v) {
  if (sqlite3_bind_int64(stmt_, i, v) != SQLITE_OK) conn_.fail("bind");
}

void SqliteStatement::bind_real(int i, double v) {
  if (sqlite3_bind_double(stmt_, i, v) != SQLITE_OK) conn_.fail("bind");
}

void SqliteStatement::bind_null(int i) {
  if (sqlite3_bind_null(stmt_, i) != SQLITE_OK) conn_.fail("bind");
}

bool SqliteStatement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  conn_.fail("step");
}

int SqliteStatement::changes() { return sqlite3_changes(conn_.handle()); }

std::string_view SqliteStatement::text_view(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  if (!p) return {};
  return {reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))};
}

Connection::Connection(const std::string& path, bool read_only) {
  configure_library();
  int flags = SQLITE_OPEN_NOMUTEX | (read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  // Writers gather their WAL writes (batched_wal.hpp); readers never write the log.
  if (sqlite3_open_v2(path.c_str(), &db_, flags, read_only ? nullptr : batched_wal_vfs()) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw StorageError(fmt::format("cannot open database {}: {}", path, msg));
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  exec_script("PRAGMA foreign_keys=ON");
  if (read_only) exec_script("PRAGMA query_only=ON");
}

Connection::~Connection() {
  cache_.clear();  // finalises every statement before the close
  sqlite3_close_v2(db_);
}

sql::Statement& Connection::statement(const char* sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) fail("prepare");
    it = cache_.emplace(sql, std::make_unique<SqliteStatement>(*this, stmt)).first;
  }
  return *it->second;
}

void Connection::exec_script(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    throw StorageError("sqlite: " + msg);
  }
}

void Connection::fail(const char* what) {
  throw StorageError(fmt::format("sqlite {}: {} (code {})", what, sqlite3_errmsg(db_), sqlite3_extended_errcode(db_)));
}

}  // namespace darwaza::storage::sqlite
