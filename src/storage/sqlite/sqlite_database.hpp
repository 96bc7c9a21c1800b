// SQLite engine: WAL, foreign keys, synchronous=FULL, one writer thread with durable group
// commit, a pool of read-only connections, migrations compiled into the binary.
#pragma once

#include <condition_variable>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "storage/database.hpp"
#include "storage/sqlite/connection.hpp"

namespace darwaza::storage::sqlite {

class SqliteDatabase final : public Database {
 public:
  // Largest number of writes committed together; bounds one transaction's size and latency.
  static constexpr std::size_t kMaxBatch = 512;

  SqliteDatabase(std::string path, DatabaseOptions options);
  ~SqliteDatabase() override;

  Status read(const TxFn& fn) override;
  Status write(const TxFn& fn) override;
  bool ready() override;
  std::string engine() const override { return "sqlite"; }
  int schema_version() override;

  const std::string& path() const { return path_; }

 private:
  struct Job {
    const TxFn* fn;
    std::promise<Status> done;
  };
  struct Reader;

  void writer_loop();
  void run_batch(std::vector<Job*>& batch);
  std::unique_ptr<Reader> acquire_reader();
  void release_reader(std::unique_ptr<Reader> r);

  std::string path_;
  DatabaseOptions options_;
  std::unique_ptr<Connection> writer_conn_;

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Job*> queue_;
  bool stopping_ = false;
  std::thread writer_;

  std::mutex readers_mu_;
  std::condition_variable readers_cv_;
  std::vector<std::unique_ptr<Reader>> idle_readers_;
  int readers_open_ = 0;
};

// Applies pending migrations on `conn` (the write connection); returns the schema version.
int migrate(Connection& conn);

}  // namespace darwaza::storage::sqlite
