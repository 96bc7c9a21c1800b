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

struct DatabaseOptions {
  std::string url;              // a file path, sqlite:PATH, or postgresql://... (libpq URI)
  int reader_connections = 72;  // upper bound on concurrent readers
  std::function<void(double)> on_commit;  // observes each commit's latency in seconds
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
};

class Database {
 public:
  virtual ~Database() = default;
  // A consistent snapshot; writes inside fail.
  virtual Status read(const TxFn& fn) = 0;
  // Durable when it returns ok: committed and synced to disk.
  virtual Status write(const TxFn& fn) = 0;
  // Cheap liveness probe for /readyz.
  virtual bool ready() = 0;
  virtual std::string engine() const = 0;
  virtual int schema_version() = 0;
};

// Opens (creating and migrating) the database named by options.url.
std::unique_ptr<Database> open_database(const DatabaseOptions& options);

// The database URL forms: postgresql:// (or postgres://) names PostgreSQL; anything else is a
// SQLite file, written as a path or sqlite:PATH.
bool is_postgresql_url(std::string_view url);
// The file of a SQLite URL (sqlite:PATH or a bare path).
std::string sqlite_path(std::string_view url);

// Helpers that carry a value out of a transaction function.
template <class T, class F>
Result<T> read_value(Database& db, F&& fn) {
  std::optional<Result<T>> out;
  Status s = db.read([&](Tx& tx) -> Status {
    out.emplace(fn(tx));
    return out->ok() ? ok_status() : Status(out->error());
  });
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
  if (!s.ok() && (!out || out->ok())) return s.take_error();
  return std::move(*out);
}

}  // namespace darwaza::storage
