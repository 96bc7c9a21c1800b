// The transaction machinery both SQL engines share: one writer connection owned by a writer
// thread that commits queued writes in batches (each write in its own savepoint, or submissions
// in shared ones: storage::Rerun), and a bounded
// pool of reader connections. The engine supplies connections and its BEGIN statements.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "storage/database.hpp"
#include "storage/migration.hpp"
#include "storage/sql/connection.hpp"

namespace darwaza::storage::sql {

class GroupCommitDatabase : public Database {
 public:
  // Largest number of writes committed together (bounds one transaction's size and latency):
  // SQLite's default; engines may ask for fewer.
  static constexpr std::size_t kMaxBatch = 512;

  ~GroupCommitDatabase() override;

  Status read(const TxFn& fn) override;
  Status write(const TxFn& fn) override;
  void write_async(TxFn fn, Post post, WriteDone done, Rerun rerun = Rerun::never) override;
  bool ready() override;
  int schema_version() override;
  int max_concurrent_reads() const override { return max_readers_; }

 protected:
  GroupCommitDatabase(DatabaseOptions options, int max_readers, std::size_t max_batch = kMaxBatch);
  // Takes the writer connection (already migrated) and starts the writer thread.
  void start(std::unique_ptr<Connection> writer);
  // Drains the queue and joins the writer thread; engines call it first in their destructor.
  void stop();
  Connection* writer_connection() { return writer_conn_.get(); }
  // Runs `fn` on a reader with no transaction around its statements (for read_statements, on an
  // engine whose reader connections refuse writes by themselves).
  Status read_without_transaction(const TxFn& fn);
  // The first column of the first row of `sql` (constant text) on a reader, as a number; nullopt
  // when it is NULL, there is no row, or the read failed.
  std::optional<double> number_on_reader(const char* sql);
  // The same (as server_ms), with `clock` read just before the statement goes out and just after
  // its answer; number_on_reader is this without the times.
  std::optional<ServerClockReading> timed_number_on_reader(const char* sql, const Clock& clock);

  virtual std::unique_ptr<Connection> open_reader() = 0;
  // Opens the write transaction on the writer connection (and takes any engine lock).
  virtual void begin_write(Connection& c) = 0;
  // Opens a read-only snapshot on a reader connection.
  virtual void begin_read(Connection& c) = 0;
  // Ends a read that succeeded (COMMIT; an engine may finish it without waiting for the answer).
  virtual void end_read(Connection& c);
  // Ends a read that threw (ROLLBACK; an engine may have nothing to roll back).
  virtual void abort_read(Connection& c);
  // A batch's results with the functions that hand them over, once its COMMIT has returned (or
  // the batch failed). The default hands them over at once: the engine's COMMIT made the batch
  // durable. An engine whose COMMIT does not (SQLite, whose log a syncer thread flushes) hands
  // them over once the batch is durable. Called on the writer thread.
  using Completions = std::vector<std::pair<std::function<void(Status)>, Status>>;
  virtual void deliver(Completions done);
  // Hands each result over (or `failure` instead, when given); a completion that throws is
  // logged, so the writer or syncer thread never dies of one.
  static void complete_all(Completions& done, const Status* failure);

  DatabaseOptions options_;
  const std::size_t max_batch_;

 private:
  // A queued write. `complete` runs on the writer thread once the batch is durable (or failed); it
  // is moved out of the job before it runs, so it may own the job (an asynchronous write does).
  struct Job {
    const TxFn* fn = nullptr;
    std::function<void(Status)> complete;
    Rerun rerun = Rerun::never;
  };
  struct AsyncJob;
  struct Reader;

  // Queues `job`; false when the database is closing (the job was not queued).
  bool enqueue(Job* job);
  void writer_loop();
  void run_batch(std::vector<Job*>& batch);
  // Runs the writes [first, last) of `batch` (each Rerun::allowed) in shared savepoints: when one
  // fails after changing rows or with an exception, the savepoint is rolled back, that write's
  // failure stands, the writes before it run once more (together; each alone should one of them
  // fail then) and those after it go on in a new one. No write runs more than three times.
  void run_together(std::vector<Job*>& batch, std::size_t first, std::size_t last, std::vector<Status>& results, Tx& tx);
  // Runs [first, last) in one savepoint; returns the index of the write whose failure rolled it
  // back (the savepoint released), or `last` when none did (released with its changes). One write
  // alone ([i, i + 1)) is a write in a savepoint of its own: its failure undoes its changes alone.
  std::size_t run_shared(std::vector<Job*>& batch, std::size_t first, std::size_t last, std::vector<Status>& results,
                         Tx& tx);
  // begin_write, tried a second time if the first fails: nothing of the batch has run then, and
  // a connection whose server restarted or failed over learns it only here (the retry reconnects).
  void begin_batch();
  // Runs `fn` on a reader inside a read-only snapshot (begin_read, end_read; ROLLBACK on a throw),
  // or, when `snapshot` is false, with no transaction at all.
  Status with_reader(const std::function<Status(Reader&)>& fn, bool snapshot = true);
  std::unique_ptr<Reader> acquire_reader();
  void release_reader(std::unique_ptr<Reader> r);

  int max_readers_;
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

// Applies pending migrations on `conn`; returns the schema version. `begin` opens the
// transaction each step runs in.
int migrate(Connection& conn, std::span<const MigrationFile> migrations, const char* begin);
// For a node that must not migrate (a read-only node on a replica), on a database that has a
// schema_migrations table: throws StorageError, saying what to do, unless the database holds every
// one of `migrations` unchanged (a newer binary's further migrations are allowed, as a read-write
// node allows them).
void check_schema(Connection& conn, std::span<const MigrationFile> migrations);

}  // namespace darwaza::storage::sql
