#include "storage/sqlite/sqlite_database.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/log.hpp"

namespace darwaza::storage::sqlite {
namespace {

// The writer: commits that the syncer makes durable (synchronous=NORMAL: SQLite itself syncs the
// log only before a checkpoint; see sync_loop); a 64 MiB page cache so a batch's pages and the
// hot index pages stay in memory; no automatic checkpoint on the writer's thread unless the log passes
// its limit (see sqlite_database.hpp). Savepoint journals stay in memory up to 512 KiB, then
// go to temporary files (sqlite_connection.cpp); wholly in memory (temp_store=MEMORY) they made a
// 10,000-row import transaction slower.
constexpr const char* kPragmasWriter =
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536;";
// The checkpointer syncs the log before it copies it and the database file after (as the
// writer's own checkpoints do under NORMAL); said here rather than left to the build's default.
constexpr const char* kPragmasCheckpointer = "PRAGMA synchronous=FULL;";
constexpr auto kCheckpointInterval = std::chrono::seconds(1);
constexpr const char* kCheckpoint = "PRAGMA wal_checkpoint(PASSIVE)";
constexpr const char* kBegin = "BEGIN IMMEDIATE";
constexpr const char* kBeginRead = "BEGIN";
constexpr const char* kCheckpointOnClose = "PRAGMA wal_checkpoint(TRUNCATE)";
constexpr const char* kPageSize = "PRAGMA page_size";

int checked_checkpoint_pages(int pages) {
  if (pages < 1 || pages > 1'000'000) throw StorageError("wal_checkpoint_pages must be between 1 and 1,000,000");
  return pages;
}

}  // namespace

SqliteDatabase::SqliteDatabase(std::string path, const DatabaseOptions& options)
    : GroupCommitDatabase(options, options.reader_connections),
      path_(std::move(path)),
      checkpoint_frames_(checked_checkpoint_pages(options.wal_checkpoint_pages)),
      wal_limit_frames_(checkpoint_frames_ * kWalLimitFactor) {
  if (options.read_only)
    throw StorageError("read-only nodes serve from a PostgreSQL replica (--db postgresql://...); SQLite has none");
  bool fresh = !std::filesystem::exists(path_);
  std::unique_ptr<Connection> writer;
  {
    // The database holds personal data: owner-only from the first byte.
    mode_t old = ::umask(077);
    writer = std::make_unique<Connection>(path_, false);
    ::umask(old);
  }
  if (fresh) ::chmod(path_.c_str(), 0600);
  writer->exec_script(kPragmasWriter);
  // The log's size at its limit: that many frames, each a page and its 24-byte header.
  std::int64_t frame_bytes = 24;
  {
    auto q = writer->query(kPageSize);
    if (q.step()) frame_bytes += q.integer(0);
  }
  writer->exec_script(fmt::format("PRAGMA journal_size_limit={}", std::int64_t{wal_limit_frames_} * frame_bytes).c_str());
  sql::migrate(*writer, embedded::sqlite_migrations(), kBegin);
  sqlite3_wal_hook(writer->handle(), &SqliteDatabase::on_commit, this);  // replaces the automatic checkpoint
  // SQLite's own name for the log (it resolves symbolic links); none for an in-memory database.
  if (const char* name = sqlite3_db_filename(writer->handle(), "main"); name && *name)
    log_path_ = sqlite3_filename_wal(name);
  start(std::move(writer));
  try {
    if (!log_path_.empty()) syncer_ = std::thread([this] { sync_loop(); });
    checkpointer_ = std::thread([this] { checkpoint_loop(); });
  } catch (...) {
    stop();
    stop_syncer();
    throw;
  }
}

bool SqliteDatabase::ready() { return !log_failed_.load() && GroupCommitDatabase::ready(); }

void SqliteDatabase::deliver(Completions done) {
  if (log_path_.empty()) return GroupCommitDatabase::deliver(std::move(done));  // nothing to flush
  {
    std::lock_guard lock(sync_mu_);
    for (auto& d : done) unsynced_.push_back(std::move(d));
  }
  sync_cv_.notify_one();
}

void SqliteDatabase::sync_loop() {
  Completions batch;
  for (;;) {
    {
      std::unique_lock lock(sync_mu_);
      sync_cv_.wait(lock, [this] { return sync_stopping_ || !unsynced_.empty(); });
      if (unsynced_.empty()) return;  // stopping, and nothing left to flush
      batch.swap(unsynced_);
    }
    // Every batch taken here had committed (its frames written to the log) before it was queued.
    Status synced = sync_log();
    complete_all(batch, synced.ok() ? nullptr : &synced);
    batch.clear();
  }
}

Status SqliteDatabase::sync_log() {
  if (log_failed_.load()) return internal_error("an earlier flush of the write-ahead log failed");
  auto t0 = std::chrono::steady_clock::now();
  int err = 0;
  if (log_fd_ < 0) {
    log_fd_ = ::open(log_path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (log_fd_ < 0) err = errno;
    // The log's name in its folder must be on disk too: SQLite syncs the folder only at its own
    // first sync of the log, which synchronous=NORMAL puts off until a checkpoint.
    int dir = err ? -1 : ::open(std::filesystem::path(log_path_).parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (!err && (dir < 0 || ::fsync(dir) != 0)) err = errno;
    if (dir >= 0) ::close(dir);
  }
  if (!err && ::fdatasync(log_fd_) != 0) err = errno;
  if (err) {
    // The commits are in the log but perhaps not on the disk: their writers are told they failed.
    log_failed_ = true;
    logging::app().critical("flushing the write-ahead log {} failed: {}; refusing every write until restarted",
                            log_path_, std::strerror(err));
    return internal_error(std::string("log flush failed: ") + std::strerror(err));
  }
  if (options_.on_sync) options_.on_sync(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  return ok_status();
}

void SqliteDatabase::stop_syncer() {
  {
    std::lock_guard lock(sync_mu_);
    sync_stopping_ = true;
  }
  sync_cv_.notify_one();
  if (syncer_.joinable()) syncer_.join();
  if (log_fd_ >= 0) ::close(log_fd_);
  log_fd_ = -1;
}

int SqliteDatabase::on_commit(void* self, sqlite3* writer, const char* name, int wal_frames) {
  auto* db = static_cast<SqliteDatabase*>(self);
  if (wal_frames < db->checkpoint_frames_) return SQLITE_OK;
  if (wal_frames >= db->wal_limit_frames_) {
    // Steady writing keeps the checkpointer from finishing before the next write begins, and
    // the log can only start over when it has. Here, between commit and next write, it can.
    sqlite3_wal_checkpoint_v2(writer, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    return SQLITE_OK;
  }
  {
    std::lock_guard lock(db->checkpoint_mu_);
    db->checkpoint_due_ = true;
  }
  db->checkpoint_cv_.notify_one();
  return SQLITE_OK;
}

void SqliteDatabase::checkpoint_loop() {
  std::unique_ptr<Connection> conn;
  for (;;) {
    {
      std::unique_lock lock(checkpoint_mu_);
      checkpoint_cv_.wait_for(lock, kCheckpointInterval, [this] { return checkpoint_due_ || stopping_; });
      if (stopping_) return;
      checkpoint_due_ = false;
    }
    try {
      if (!conn) {
        conn = std::make_unique<Connection>(path_, false);
        conn->exec_script(kPragmasCheckpointer);
      }
      conn->exec_script(kCheckpoint);  // PASSIVE: copies what no reader still needs, never waits
    } catch (const std::exception& e) {
      logging::app().warn("WAL checkpoint failed: {}", e.what());
      conn.reset();
    }
  }
}

SqliteDatabase::~SqliteDatabase() {
  {
    std::lock_guard lock(checkpoint_mu_);
    stopping_ = true;
  }
  checkpoint_cv_.notify_one();
  if (checkpointer_.joinable()) checkpointer_.join();
  stop();          // the writer's last batches reach the syncer
  stop_syncer();   // which flushes them before it ends
  try {
    writer_connection()->exec_script(kCheckpointOnClose);
  } catch (const std::exception& e) {
    logging::app().warn("checkpoint on close failed: {}", e.what());
  }
}

std::unique_ptr<sql::Connection> SqliteDatabase::open_reader() { return std::make_unique<Connection>(path_, true); }

void SqliteDatabase::begin_write(sql::Connection& c) {
  if (log_failed_.load()) throw StorageError("an earlier flush of the write-ahead log failed; restart the node");
  c.query(kBegin).exec();
}

void SqliteDatabase::begin_read(sql::Connection& c) { c.query(kBeginRead).exec(); }

}  // namespace darwaza::storage::sqlite
