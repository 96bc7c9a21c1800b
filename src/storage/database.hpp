// The storage interface every engine implements (SQLite now, PostgreSQL next).
// Domain code runs its reads and writes as functions over a Tx; the engine decides how:
// both engines funnel a node's writes through one group-committing writer thread and read on
// pooled connections; PostgreSQL also serialises write batches across nodes. A write's function returns an error to roll back just that write.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "storage/application_repo.hpp"
#include "storage/audit_repo.hpp"
#include "storage/catalog_repo.hpp"
#include "storage/consent_repo.hpp"
#include "storage/document_repo.hpp"
#include "storage/engagement_repo.hpp"
#include "storage/identity_repo.hpp"
#include "storage/registry_repo.hpp"
#include "storage/indicator_repo.hpp"
#include "storage/notification_repo.hpp"

namespace darwaza::storage {

// The database server's clock (Unix ms), with this node's clock just before its statement went out
// and just after the answer came: the wait for a free connection is outside them, so it does not
// lean the offset read from them (api/node_clock).
struct ServerClockReading {
  double server_ms = 0;
  UnixMs sent_ms = 0;
  UnixMs answered_ms = 0;
};

// Thrown by engines on failures no caller can handle (I/O error, corrupt file, ...).
class StorageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Tx {
 public:
  virtual ~Tx() = default;
  virtual UserRepo& users() = 0;
  virtual SessionRepo& sessions() = 0;
  virtual AgencyRepo& agencies() = 0;
  virtual OrganisationRepo& organisations() = 0;
  virtual CatalogRepo& catalog() = 0;
  virtual ApplicationRepo& applications() = 0;
  virtual DocumentRepo& documents() = 0;
  virtual RegistryRepo& registries() = 0;
  virtual AuditRepo& audit() = 0;
  virtual IndicatorRepo& indicators() = 0;
  virtual EngagementRepo& engagements() = 0;
  virtual ConsentRepo& consents() = 0;
  virtual NotificationRepo& notifications() = 0;
};

using TxFn = std::function<Status(Tx&)>;
// Runs a function later on the caller's own thread (its event loop): how an asynchronous write
// comes back to, say, an HTTP connection's I/O thread instead of a waiting thread.
using Post = std::function<void(std::function<void()>)>;
using WriteDone = std::function<void(Status)>;

// Whether the writer may run a write's function again (write_async). `never`: it runs once, in a
// savepoint of its own, so that its failure undoes its changes alone. `allowed`: its only effects
// are its statements and the value it hands back (nothing else it does may be seen twice, what it
// hands back is made afresh each run, and it lets the storage's exceptions through); writes of
// that kind that follow one another in a batch share one savepoint. When one of them fails after
// it has changed rows (or with an exception), the savepoint is rolled back, its failure stands,
// and the writes before it in the savepoint run again: such a write should refuse before its first
// change. A savepoint costs SQLite a copy of each page a write changes, PostgreSQL a subtransaction
// and two round trips; sharing one saves most of that.
enum class Rerun { never, allowed };

struct DatabaseOptions {
  std::string url;              // a file path, sqlite:PATH, or postgresql://... (libpq URI)
  int reader_connections = 72;  // upper bound on concurrent readers
  std::function<void(double)> on_commit;  // observes each commit's latency in seconds
  // Observes each flush of SQLite's log that made commits durable, in seconds (its syncer thread).
  std::function<void(double)> on_sync;
  // Benchmarks only (bench/audit.sh measures the audit's cost): when false, audit entries are
  // neither hashed nor stored. Never set in production; `serve` warns loudly when it is.
  bool audit = true;
  // Bulk loads only (`darwaza synth`): on PostgreSQL the writer turns plain
  // `INSERT INTO t (columns) VALUES (?, ...)` statements into rows of one COPY per table, sent when
  // the transaction runs any other statement (its next read, savepoint or commit). A bad row then
  // fails at that point, not at its INSERT, and rolls back the whole write; a write must not
  // insert a row referencing a row of a table it first wrote later in the same run of inserts.
  // SQLite ignores it (its inserts make no round trips).
  bool bulk_load = false;
  // A node on a PostgreSQL streaming replica (`serve --read-only`): nothing is migrated (the
  // schema must already hold every migration of this binary) and there is no writer: write() and
  // write_async() refuse with `read-only-node`. SQLite has no replicas and refuses the option.
  bool read_only = false;
  // SQLite only: the write-ahead log's pages at which the checkpointer copies it into the
  // database file; four times as many make the writer checkpoint itself (see sqlite_database.hpp).
  // Tests set it low to reach the limit quickly.
  int wal_checkpoint_pages = 8000;
};

class Database {
 public:
  virtual ~Database() = default;
  // A consistent snapshot; writes inside fail.
  virtual Status read(const TxFn& fn) = 0;
  // A read whose statements need not agree with one another (one statement, or separate facts
  // such as a session and then its API client): each statement sees what was committed when it
  // began, with no transaction around them: both engines run them without BEGIN and COMMIT (an
  // engine may give a snapshot all the same: the default). Writes inside fail.
  virtual Status read_statements(const TxFn& fn) { return read(fn); }
  // Durable when it returns ok: committed and synced to disk.
  virtual Status write(const TxFn& fn) = 0;
  // The same write without a waiting thread: `done` gets what write() would have returned, run
  // through `post` once the write is durable (or refused). The database keeps `fn` until then.
  virtual void write_async(TxFn fn, Post post, WriteDone done, Rerun rerun = Rerun::never) = 0;
  // Cheap liveness probe for /readyz.
  virtual bool ready() = 0;
  virtual std::string engine() const = 0;
  virtual int schema_version() = 0;
  // How far behind its primary the database this node reads is, in seconds; 0 on a primary or a
  // replica that has replayed all it received; nullopt when the engine has no replicas (SQLite),
  // the replica receives nothing from a primary, or the question cannot be answered now.
  virtual std::optional<double> replica_lag_s() { return std::nullopt; }
  // The database server's clock read once, for an engine whose server has a clock of its own
  // (PostgreSQL); nullopt on SQLite (the node's machine) or when it does not answer.
  virtual std::optional<ServerClockReading> read_server_clock(const Clock& clock) { return std::nullopt; }
  // Whether read_server_clock() asks the database server (so no answer means no database).
  virtual bool has_server_clock() const { return false; }
  // The most reads that can run at once (the reader connections); 0 when there is no such bound.
  virtual int max_concurrent_reads() const { return 0; }
};

// Opens (creating and migrating) the database named by options.url.
std::unique_ptr<Database> open_database(const DatabaseOptions& options);

// The database URL forms: postgresql:// (or postgres://) names PostgreSQL; anything else is a
// SQLite file, written as a path or sqlite:PATH.
bool is_postgresql_url(std::string_view url);
// The file of a SQLite URL (sqlite:PATH or a bare path).
std::string sqlite_path(std::string_view url);

// Helpers that carry a value out of a transaction function.
enum class ReadMode { snapshot, per_statement };  // Database::read, Database::read_statements

template <class T, class F>
Result<T> read_value(Database& db, F&& fn, ReadMode mode = ReadMode::snapshot) {
  std::optional<Result<T>> out;
  auto body = [&](Tx& tx) -> Status {
    out.emplace(fn(tx));
    return out->ok() ? ok_status() : Status(out->error());
  };
  Status s = mode == ReadMode::snapshot ? db.read(body) : db.read_statements(body);
  if (!s.ok() && (!out || out->ok())) return s.take_error();
  return std::move(*out);
}

// What a write_value gives back: the function's own result, or the write's error when the
// function's success was not committed (or it never ran).
template <class T>
Result<T> written_value(Status s, std::optional<Result<T>>& out) {
  if (!s.ok() && (!out || out->ok())) return s.take_error();
  return std::move(*out);
}

template <class T, class F>
Result<T> write_value(Database& db, F&& fn) {
  std::optional<Result<T>> out;
  Status s = db.write([&](Tx& tx) -> Status {
    out.emplace(fn(tx));
    return out->ok() ? ok_status() : Status(out->error());
  });
  return written_value(std::move(s), out);
}

// write_value through write_async: `fn` (copied into the write, so it must own what it uses) runs
// on the writer, `done` through `post` once the write is durable or refused. With Rerun::allowed,
// the value of `fn`'s last run is handed over.
template <class T, class F>
void write_value_async(Database& db, F fn, Post post, std::function<void(Result<T>)> done,
                       Rerun rerun = Rerun::never) {
  auto out = std::make_shared<std::optional<Result<T>>>();
  db.write_async(
      [out, fn = std::move(fn)](Tx& tx) -> Status {
        out->emplace(fn(tx));
        return (*out)->ok() ? ok_status() : Status((*out)->error());
      },
      std::move(post), [out, done = std::move(done)](Status s) { done(written_value(std::move(s), *out)); }, rerun);
}

}  // namespace darwaza::storage
