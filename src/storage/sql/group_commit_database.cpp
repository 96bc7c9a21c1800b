// Durable group commit
// --------------------
// Every write in Darwaza goes through Database::write(). The caller (a handler thread)
// queues its transaction function and waits. One writer thread owns the only read-write
// connection: it takes every job waiting (up to max_batch), opens one transaction, runs each
// job inside its own SAVEPOINT (a job that fails or throws rolls back alone), and COMMITs once.
// Jobs that may run again (Rerun::allowed: submissions) and follow one another share one
// SAVEPOINT; should one of them fail after changing rows, that savepoint is rolled back, its
// failure stands and the jobs before it run again (see run_together).
// On SQLite (WAL, synchronous=FULL) that COMMIT fsyncs the WAL, on PostgreSQL it waits for
// the WAL flush (and the synchronous replica): one flush makes the whole batch durable, and only then are the callers woken and their 2xx sent. While
// the writer waits on fsync, new jobs queue up and form the next batch, so the batch grows with
// load and the fsync cost per write falls. Writes are also serialised by construction, which is
// what the concurrency rules (one transition per application, never over-allocating a park)
// rely on. Reads use separate read-only connections and see the last committed snapshot.
#include "storage/sql/group_commit_database.hpp"

#include <chrono>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/log.hpp"
#include "core/wake_batch.hpp"
#include "storage/sql/sql_tx.hpp"

namespace darwaza::storage::sql {
namespace {

constexpr const char* kCommit = "COMMIT";
constexpr const char* kRollback = "ROLLBACK";
constexpr const char* kSavepoint = "SAVEPOINT w";
constexpr const char* kRelease = "RELEASE w";
constexpr const char* kRollbackTo = "ROLLBACK TO w";
constexpr const char* kCreateMigrations =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
    "checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)";
constexpr const char* kAppliedMigrations = "SELECT version, name, checksum FROM schema_migrations ORDER BY version";
constexpr const char* kRecordMigration =
    "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)";
constexpr const char* kPing = "SELECT 1";
constexpr const char* kSchemaVersion = "SELECT coalesce(max(version), 0) FROM schema_migrations";

Status run_guarded(const TxFn& fn, Tx& tx) {
  try {
    return fn(tx);
  } catch (const std::exception& e) {
    return internal_error(std::string("storage: ") + e.what());
  }
}

UnixMs now_ms() { return SystemClock().now_ms(); }

}  // namespace

struct GroupCommitDatabase::Reader {
  explicit Reader(std::unique_ptr<Connection> c) : conn(std::move(c)), tx(*conn) {}
  std::unique_ptr<Connection> conn;
  SqlTx tx;
};

int migrate(Connection& conn, std::span<const MigrationFile> migrations, const char* begin) {
  conn.exec_script(kCreateMigrations);
  std::map<int, std::pair<std::string, std::string>> applied;
  {
    auto q = conn.query(kAppliedMigrations);
    while (q.step()) applied[static_cast<int>(q.integer(0))] = {q.text(1), q.text(2)};
  }
  int version = applied.empty() ? 0 : applied.rbegin()->first;
  for (const auto& m : migrations) {
    std::string checksum = crypto::sha256_hex(m.sql);
    if (auto it = applied.find(m.version); it != applied.end()) {
      if (it->second.second != checksum)
        throw StorageError(fmt::format("migration {} was changed after it was applied", m.name));
      continue;
    }
    if (m.version <= version)
      throw StorageError(fmt::format("migration {} is older than the schema version {}", m.name, version));
    conn.exec_script(begin);
    try {
      conn.exec_script(m.sql);
      conn.query(kRecordMigration).bind_all(m.version, m.name, checksum, now_ms()).exec();
      conn.exec_script(kCommit);
    } catch (...) {
      conn.exec_script(kRollback);
      throw;
    }
    logging::app().info("applied migration {}", m.name);
    version = m.version;
  }
  return version;
}

void check_schema(Connection& conn, std::span<const MigrationFile> migrations) {
  if (migrations.empty()) return;
  const int expected = migrations.back().version;
  std::map<int, std::string> applied;
  {
    auto q = conn.query(kAppliedMigrations);
    while (q.step()) applied[static_cast<int>(q.integer(0))] = q.text(2);
  }
  for (const auto& m : migrations) {
    auto it = applied.find(m.version);
    if (it == applied.end())
      throw StorageError(fmt::format(
          "the database lacks migration {} (its schema is at version {}, this binary needs {}): migrate the "
          "primary (start a read-write node of this version there) and let the replica catch up",
          m.name, applied.empty() ? 0 : applied.rbegin()->first, expected));
    if (it->second != crypto::sha256_hex(m.sql))
      throw StorageError(fmt::format("migration {} in the database differs from this binary's", m.name));
  }
}

GroupCommitDatabase::GroupCommitDatabase(DatabaseOptions options, int max_readers, std::size_t max_batch)
    : options_(std::move(options)), max_batch_(max_batch), max_readers_(max_readers) {}

void GroupCommitDatabase::start(std::unique_ptr<Connection> writer) {
  writer_conn_ = std::move(writer);
  writer_ = std::thread([this] { writer_loop(); });
}

void GroupCommitDatabase::stop() {
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  std::lock_guard lock(readers_mu_);
  idle_readers_.clear();
}

GroupCommitDatabase::~GroupCommitDatabase() { stop(); }

struct GroupCommitDatabase::AsyncJob : Job {
  TxFn owned;
};

namespace {
Error closing_error() {
  return make_error(ErrorKind::unavailable, "shutting-down", "Shutting down", "The database is closing.");
}
}  // namespace

bool GroupCommitDatabase::enqueue(Job* job) {
  {
    std::lock_guard lock(queue_mu_);
    if (stopping_) return false;
    queue_.push_back(job);
  }
  queue_cv_.notify_one();
  return true;
}

namespace {
Error read_only_error() {
  return make_error(ErrorKind::unavailable, "read-only-node", "Read-only node",
                    "This node reads a database replica and cannot write.");
}
}  // namespace

Status GroupCommitDatabase::write(const TxFn& fn) {
  if (options_.read_only) return read_only_error();
  std::promise<Status> done;
  auto fut = done.get_future();
  Job job{&fn, [&done](Status s) { done.set_value(std::move(s)); }};
  if (!enqueue(&job)) return closing_error();
  return fut.get();
}

// The caller's thread does not wait: the job owns the function, and its completion (which owns
// the job) hands the result to `post`, so the writer thread only queues the caller's next step.
void GroupCommitDatabase::write_async(TxFn fn, Post post, WriteDone done, Rerun rerun) {
  if (!post || !done) throw std::invalid_argument("write_async needs a post and a done function");
  if (options_.read_only) return post([done = std::move(done)]() mutable { done(read_only_error()); });
  auto job = std::make_shared<AsyncJob>();
  job->owned = std::move(fn);
  job->fn = &job->owned;
  job->rerun = rerun;
  job->complete = [job, post = std::move(post), done = std::move(done)](Status s) mutable {
    post([done = std::move(done), s = std::move(s)]() mutable { done(std::move(s)); });
  };
  if (!enqueue(job.get())) {
    auto complete = std::move(job->complete);  // as the writer would: the job goes with it
    complete(closing_error());
  }
}

void GroupCommitDatabase::writer_loop() {
  std::vector<Job*> batch;
  batch.reserve(max_batch_);
  for (;;) {
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    run_batch(batch);
    batch.clear();
  }
}

void GroupCommitDatabase::begin_batch() {
  try {
    begin_write(*writer_conn_);
    return;
  } catch (const std::exception& e) {
    logging::app().warn("starting a write batch failed ({}); trying once more", e.what());
  }
  try {
    writer_conn_->exec_script(kRollback);  // whatever part of the start did run
  } catch (...) {
  }
  begin_write(*writer_conn_);
}

void GroupCommitDatabase::run_batch(std::vector<Job*>& batch) {
  std::vector<Status> results(batch.size());
  Status batch_error;
  SqlTx tx(*writer_conn_, options_.audit);
  try {
    begin_batch();
    for (std::size_t i = 0; i < batch.size();) {
      if (batch[i]->rerun == Rerun::never) {  // a savepoint of its own
        run_shared(batch, i, i + 1, results, tx);
        ++i;
        continue;
      }
      std::size_t last = i + 1;
      while (last < batch.size() && batch[last]->rerun == Rerun::allowed) ++last;
      run_together(batch, i, last, results, tx);
      i = last;
    }
    auto t0 = std::chrono::steady_clock::now();
    writer_conn_->query(kCommit).exec();
    if (options_.on_commit)
      options_.on_commit(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  } catch (const std::exception& e) {
    // The transaction as a whole failed (I/O error, disk full): nothing of it is on disk.
    logging::app().error("write batch of {} failed: {}", batch.size(), e.what());
    try {
      writer_conn_->exec_script(kRollback);
    } catch (...) {
    }
    batch_error = internal_error(std::string("commit failed: ") + e.what());
  }
  Completions done;
  done.reserve(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i)  // moved out: the job may be gone once it has run
    done.emplace_back(std::move(batch[i]->complete), batch_error.ok() ? std::move(results[i]) : batch_error);
  deliver(std::move(done));
}

std::size_t GroupCommitDatabase::run_shared(std::vector<Job*>& batch, std::size_t first, std::size_t last,
                                            std::vector<Status>& results, Tx& tx) {
  writer_conn_->query(kSavepoint).exec();
  for (std::size_t i = first; i < last; ++i) {
    const auto before = writer_conn_->total_changes();
    bool threw = false;
    try {
      results[i] = (*batch[i]->fn)(tx);
    } catch (const std::exception& e) {
      results[i] = internal_error(std::string("storage: ") + e.what());
      threw = true;
    }
    // The next write must not run outside the batch's transaction (an engine may have ended it).
    if (!writer_conn_->in_transaction()) throw StorageError("the batch's transaction ended inside a write");
    // A failure that changed nothing leaves nothing to undo (an engine that does not count
    // changes cannot tell: every failure counts as one that did).
    if (!results[i].ok() && (threw || !before || writer_conn_->total_changes() != before)) {
      writer_conn_->query(kRollbackTo).exec();
      writer_conn_->query(kRelease).exec();
      return i;
    }
  }
  writer_conn_->query(kRelease).exec();
  return last;
}

void GroupCommitDatabase::run_together(std::vector<Job*>& batch, std::size_t first, std::size_t last,
                                       std::vector<Status>& results, Tx& tx) {
  while (first < last) {
    const std::size_t failed = run_shared(batch, first, last, results, tx);
    if (failed == last) return;
    // The rollback undid the writes before the failed one: they run again, expecting what they
    // did the first time; should one of them fail now, each alone.
    if (run_shared(batch, first, failed, results, tx) != failed)
      for (std::size_t i = first; i < failed; ++i) run_shared(batch, i, i + 1, results, tx);
    first = failed + 1;
  }
}

void GroupCommitDatabase::deliver(Completions done) { complete_all(done, nullptr); }

void GroupCommitDatabase::complete_all(Completions& done, const Status* failure) {
  WakeBatch wakes;  // a thread that takes many of the results (the receipt signer) wakes to all of them
  for (auto& [complete, result] : done) {
    try {
      complete(failure ? *failure : std::move(result));
    } catch (const std::exception& e) {
      logging::app().error("handing over a write's result failed: {}", e.what());
    }
  }
}

std::unique_ptr<GroupCommitDatabase::Reader> GroupCommitDatabase::acquire_reader() {
  std::unique_lock lock(readers_mu_);
  for (;;) {
    if (!idle_readers_.empty()) {
      auto r = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return r;
    }
    if (readers_open_ < max_readers_) {
      ++readers_open_;
      lock.unlock();
      try {
        return std::make_unique<Reader>(open_reader());
      } catch (...) {
        std::lock_guard relock(readers_mu_);
        --readers_open_;
        throw;
      }
    }
    readers_cv_.wait(lock);
  }
}

void GroupCommitDatabase::release_reader(std::unique_ptr<Reader> r) {
  {
    std::lock_guard lock(readers_mu_);
    if (r) {
      idle_readers_.push_back(std::move(r));
    } else {
      --readers_open_;
    }
  }
  readers_cv_.notify_one();
}

void GroupCommitDatabase::end_read(Connection& c) { c.query(kCommit).exec(); }

void GroupCommitDatabase::abort_read(Connection& c) { c.exec_script(kRollback); }

Status GroupCommitDatabase::with_reader(const std::function<Status(Reader&)>& fn, bool snapshot) {
  std::unique_ptr<Reader> r;
  try {
    r = acquire_reader();
  } catch (const std::exception& e) {
    return internal_error(std::string("open reader: ") + e.what());
  }
  Status s;
  try {
    if (snapshot) begin_read(*r->conn);
    s = fn(*r);
    if (snapshot) end_read(*r->conn);
  } catch (const std::exception& e) {
    s = internal_error(std::string("read: ") + e.what());
    try {
      if (snapshot) abort_read(*r->conn);
    } catch (...) {
      r.reset();  // a connection that cannot roll back is not reused
    }
  }
  release_reader(std::move(r));
  return s;
}

Status GroupCommitDatabase::read(const TxFn& fn) {
  return with_reader([&fn](Reader& r) { return run_guarded(fn, r.tx); });
}

Status GroupCommitDatabase::read_without_transaction(const TxFn& fn) {
  return with_reader([&fn](Reader& r) { return run_guarded(fn, r.tx); }, /*snapshot=*/false);
}

bool GroupCommitDatabase::ready() {
  // A statement, not an empty transaction: an engine may defer BEGIN to the first statement.
  Status s = with_reader([](Reader& r) {
    r.conn->query(kPing).step();
    return ok_status();
  });
  return s.ok();
}

int GroupCommitDatabase::schema_version() {
  auto v = number_on_reader(kSchemaVersion);
  return v ? static_cast<int>(*v) : -1;
}

std::optional<double> GroupCommitDatabase::number_on_reader(const char* sql) {
  auto v = timed_number_on_reader(sql, SystemClock());
  return v ? std::optional<double>(v->server_ms) : std::nullopt;
}

std::optional<ServerClockReading> GroupCommitDatabase::timed_number_on_reader(const char* sql, const Clock& clock) {
  std::optional<ServerClockReading> v;
  Status s = with_reader([&](Reader& r) {
    ServerClockReading reading;
    reading.sent_ms = clock.now_ms();
    auto q = r.conn->query(sql);
    const bool answered = q.step() && !q.is_null(0);
    reading.answered_ms = clock.now_ms();
    if (answered) {
      reading.server_ms = q.real(0);
      v = reading;
    }
    return ok_status();
  });
  return s.ok() ? v : std::nullopt;
}

}  // namespace darwaza::storage::sql
