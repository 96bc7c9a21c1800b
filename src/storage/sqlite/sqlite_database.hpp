// SQLite engine: WAL, foreign keys, one writer thread with durable group commit
// (sql::GroupCommitDatabase) whose log a syncer thread flushes while the writer goes on with the
// next batch, a pool of read-only connections, a checkpointer thread (the writer never copies
// the WAL back itself), migrations compiled into the binary.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "storage/sql/group_commit_database.hpp"
#include "storage/sqlite/sqlite_connection.hpp"

namespace darwaza::storage::sqlite {

// The write-ahead log: at DatabaseOptions::wal_checkpoint_pages pages (8,000 by default: 32 MiB)
// the checkpointer thread copies it into the database file; at kWalLimitFactor times as many
// (128 MiB), when steady writing has kept it from catching up, the writer checkpoints itself right
// after its commit, so the next write starts the log over. The file is cut back to the limit after
// that. A checkpoint copies each page once however many commits changed it, and syncs the
// database file once: at 1,000 pages it took 12 % of the server's CPU under steady submissions,
// rewriting the same tail pages of every index some 30 times a second (bench/RESULTS.md, session 26).
constexpr int kWalLimitFactor = 4;

class SqliteDatabase final : public sql::GroupCommitDatabase {
 public:
  SqliteDatabase(std::string path, const DatabaseOptions& options);
  ~SqliteDatabase() override;

  std::string engine() const override { return "sqlite"; }
  // No BEGIN, no COMMIT: each statement reads in a transaction of its own (one statement run
  // instead of three); reader connections are query_only, so they cannot write either.
  Status read_statements(const TxFn& fn) override { return read_without_transaction(fn); }
  // Not ready once a flush of the log has failed (see sync_log).
  bool ready() override;
  const std::string& path() const { return path_; }

 protected:
  std::unique_ptr<sql::Connection> open_reader() override;
  void begin_write(sql::Connection& c) override;
  void begin_read(sql::Connection& c) override;
  // Queues the batch for the syncer: its writers hear back once the log is flushed past it.
  void deliver(Completions done) override;

 private:
  // The checkpointer: copies the WAL into the database file on its own connection, when the
  // writer's commit hook says the WAL has grown past checkpoint_frames_, and once a second. Past
  // wal_limit_frames_ the hook checkpoints on the writer itself.
  void checkpoint_loop();
  static int on_commit(void* self, sqlite3* db, const char* name, int wal_frames);
  // The syncer: the writer commits without flushing the log (synchronous=NORMAL), then queues the
  // batch here; one fdatasync of the log makes every batch queued before it durable, and only
  // then are their writers answered. So the writer runs the next batch during the flush instead
  // of waiting for it. (Readers may see a batch during its flush, before its writer is answered,
  // as they would under PostgreSQL's synchronous replication.)
  void sync_loop();
  // One fdatasync of the log. A failure is for good: the kernel reports a lost write-back once,
  // so a later flush could succeed over frames that never reached the disk; from then on every
  // write is refused and /readyz says not ready, until an operator restarts the node (SQLite's
  // recovery then keeps what is on disk). PostgreSQL stops the server for the same reason.
  Status sync_log();
  void stop_syncer();

  std::string path_;
  int checkpoint_frames_;  // options.wal_checkpoint_pages
  int wal_limit_frames_;   // kWalLimitFactor times that
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_due_ = false;
  bool stopping_ = false;
  std::thread checkpointer_;

  std::mutex sync_mu_;
  std::condition_variable sync_cv_;
  Completions unsynced_;  // committed, waiting for the next flush
  bool sync_stopping_ = false;
  std::string log_path_;  // the log SQLite writes (its own name for it); empty: an in-memory database
  int log_fd_ = -1;       // log_path_, opened at the first flush
  std::atomic<bool> log_failed_{false};
  std::thread syncer_;
};

}  // namespace darwaza::storage::sqlite
