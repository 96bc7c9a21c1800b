// SQLite engine: WAL, foreign keys, synchronous=FULL, one writer thread with durable group
// commit (sql::GroupCommitDatabase), a pool of read-only connections, a checkpointer thread
// (the writer never copies the WAL back itself), migrations compiled into the binary.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "storage/sql/group_commit_database.hpp"
#include "storage/sqlite/sqlite_connection.hpp"

namespace darwaza::storage::sqlite {

// The write-ahead log: at kCheckpointFrames pages (4 MiB) the checkpointer thread copies it into
// the database file; at kWalLimitFrames (16 MiB), when steady writing has kept it from catching
// up, the writer checkpoints itself right after its commit, so the next write starts the log
// over. The file is cut back to kWalFileLimitBytes after that.
constexpr int kCheckpointFrames = 1000;
constexpr int kWalLimitFrames = 4000;
constexpr long long kWalFileLimitBytes = 32LL * 1024 * 1024;

class SqliteDatabase final : public sql::GroupCommitDatabase {
 public:
  SqliteDatabase(std::string path, const DatabaseOptions& options);
  ~SqliteDatabase() override;

  std::string engine() const override { return "sqlite"; }
  const std::string& path() const { return path_; }

 protected:
  std::unique_ptr<sql::Connection> open_reader() override;
  void begin_write(sql::Connection& c) override;
  void begin_read(sql::Connection& c) override;

 private:
  // The checkpointer: copies the WAL into the database file on its own connection, when the
  // writer's commit hook says the WAL has grown past kCheckpointFrames, and once a second. Past
  // kWalLimitFrames the hook checkpoints on the writer itself.
  void checkpoint_loop();
  static int on_commit(void* self, sqlite3* db, const char* name, int wal_frames);

  std::string path_;
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_due_ = false;
  bool stopping_ = false;
  std::thread checkpointer_;
};

}  // namespace darwaza::storage::sqlite
