// Durable group commit
// --------------------
// Every write in Darwaza goes through SqliteDatabase::write(). The caller (a handler thread)
// queues its transaction function and waits. One writer thread owns the only read-write
// connection: it takes every job waiting (up to kMaxBatch), opens one transaction, runs each
// job inside its own SAVEPOINT (a job that fails or throws rolls back alone), and COMMITs once.
// The database runs in WAL mode with synchronous=FULL, so that COMMIT fsyncs the WAL: one fsync
// makes the whole batch durable, and only then are the callers woken and their 2xx sent. While
// the writer waits on fsync, new jobs queue up and form the next batch, so the batch grows with
// load and the fsync cost per write falls. Writes are also serialised by construction, which is
// what the concurrency rules (one transition per application, never over-allocating a park)
// rely on. Reads use separate read-only connections and see the last committed snapshot.
#include "storage/sqlite/sqlite_database.hpp"

#include <chrono>
#include <map>
#include <filesystem>
#include <sys/stat.h>

#include <fmt/format.h>

#include "core/crypto.hpp"
#include "core/log.hpp"
#include "storage/migration.hpp"
#include "storage/sqlite/application_repo.hpp"
#include "storage/sqlite/catalog_repo.hpp"
#include "storage/sqlite/consent_repo.hpp"
#include "storage/sqlite/document_repo.hpp"
#include "storage/sqlite/registry_repo.hpp"
#include "storage/sqlite/audit_repo.hpp"
#include "storage/sqlite/engagement_repo.hpp"
#include "storage/sqlite/identity_repos.hpp"
#include "storage/sqlite/indicator_repo.hpp"
#include "storage/sqlite/notification_repo.hpp"

namespace darwaza::storage::sqlite {
namespace {

constexpr const char* kPragmasWriter =
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA wal_autocheckpoint=4000;";
constexpr const char* kBegin = "BEGIN IMMEDIATE";
constexpr const char* kBeginRead = "BEGIN";
constexpr const char* kCommit = "COMMIT";
constexpr const char* kRollback = "ROLLBACK";
constexpr const char* kSavepoint = "SAVEPOINT w";
constexpr const char* kRelease = "RELEASE w";
constexpr const char* kRollbackTo = "ROLLBACK TO w";
constexpr const char* kCreateMigrations =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
    "checksum TEXT NOT NULL, applied_at INTEGER NOT NULL)";
constexpr const char* kAppliedMigrations = "SELECT version, name, checksum FROM schema_migrations ORDER BY version";
constexpr const char* kRecordMigration =
    "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)";
constexpr const char* kSchemaVersion = "SELECT coalesce(max(version), 0) FROM schema_migrations";

class SqliteTx final : public Tx {
 public:
  explicit SqliteTx(Connection& c, bool audit = true)
      : users_(c), sessions_(c), agencies_(c), orgs_(c), catalog_(c), applications_(c), documents_(c),
        registries_(c), audit_(c, audit), indicators_(c), engagements_(c), consents_(c), notifications_(c) {}
  UserRepo& users() override { return users_; }
  SessionRepo& sessions() override { return sessions_; }
  AgencyRepo& agencies() override { return agencies_; }
  OrganisationRepo& organisations() override { return orgs_; }
  CatalogRepo& catalog() override { return catalog_; }
  ApplicationRepo& applications() override { return applications_; }
  DocumentRepo& documents() override { return documents_; }
  RegistryRepo& registries() override { return registries_; }
  AuditRepo& audit() override { return audit_; }
  IndicatorRepo& indicators() override { return indicators_; }
  EngagementRepo& engagements() override { return engagements_; }
  ConsentRepo& consents() override { return consents_; }
  NotificationRepo& notifications() override { return notifications_; }

 private:
  SqliteUserRepo users_;
  SqliteSessionRepo sessions_;
  SqliteAgencyRepo agencies_;
  SqliteOrganisationRepo orgs_;
  SqliteCatalogRepo catalog_;
  SqliteApplicationRepo applications_;
  SqliteDocumentRepo documents_;
  SqliteRegistryRepo registries_;
  SqliteAuditRepo audit_;
  SqliteIndicatorRepo indicators_;
  SqliteEngagementRepo engagements_;
  SqliteConsentRepo consents_;
  SqliteNotificationRepo notifications_;
};

Status run_guarded(const TxFn& fn, Tx& tx) {
  try {
    return fn(tx);
  } catch (const std::exception& e) {
    return internal_error(std::string("storage: ") + e.what());
  }
}

UnixMs now_ms() { return SystemClock().now_ms(); }

}  // namespace

struct SqliteDatabase::Reader {
  explicit Reader(const std::string& path) : conn(path, true), tx(conn) {}
  Connection conn;
  SqliteTx tx;
};

int migrate(Connection& conn) {
  conn.exec_script(kCreateMigrations);
  std::map<int, std::pair<std::string, std::string>> applied;
  {
    auto q = conn.query(kAppliedMigrations);
    while (q.step()) applied[static_cast<int>(q.integer(0))] = {q.text(1), q.text(2)};
  }
  int version = applied.empty() ? 0 : applied.rbegin()->first;
  for (const auto& m : embedded::sqlite_migrations()) {
    std::string checksum = crypto::sha256_hex(m.sql);
    if (auto it = applied.find(m.version); it != applied.end()) {
      if (it->second.second != checksum)
        throw StorageError(fmt::format("migration {} was changed after it was applied", m.name));
      continue;
    }
    if (m.version <= version)
      throw StorageError(fmt::format("migration {} is older than the schema version {}", m.name, version));
    conn.exec_script(kBegin);
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

SqliteDatabase::SqliteDatabase(std::string path, DatabaseOptions options)
    : path_(std::move(path)), options_(std::move(options)) {
  bool fresh = !std::filesystem::exists(path_);
  {
    // The database holds personal data: owner-only from the first byte.
    mode_t old = ::umask(077);
    writer_conn_ = std::make_unique<Connection>(path_, false);
    ::umask(old);
  }
  if (fresh) ::chmod(path_.c_str(), 0600);
  writer_conn_->exec_script(kPragmasWriter);
  migrate(*writer_conn_);
  writer_ = std::thread([this] { writer_loop(); });
}

SqliteDatabase::~SqliteDatabase() {
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  idle_readers_.clear();
  try {
    writer_conn_->exec_script("PRAGMA wal_checkpoint(TRUNCATE)");
  } catch (const std::exception& e) {
    logging::app().warn("checkpoint on close failed: {}", e.what());
  }
}

Status SqliteDatabase::write(const TxFn& fn) {
  Job job{&fn, {}};
  auto fut = job.done.get_future();
  {
    std::lock_guard lock(queue_mu_);
    if (stopping_) return make_error(ErrorKind::unavailable, "shutting-down", "Shutting down", "The database is closing.");
    queue_.push_back(&job);
  }
  queue_cv_.notify_one();
  return fut.get();
}

void SqliteDatabase::writer_loop() {
  std::vector<Job*> batch;
  batch.reserve(kMaxBatch);
  for (;;) {
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      while (!queue_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    run_batch(batch);
    batch.clear();
  }
}

void SqliteDatabase::run_batch(std::vector<Job*>& batch) {
  std::vector<Status> results(batch.size());
  Status batch_error;
  SqliteTx tx(*writer_conn_, options_.audit);
  try {
    writer_conn_->query(kBegin).exec();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      writer_conn_->query(kSavepoint).exec();
      results[i] = run_guarded(*batch[i]->fn, tx);
      if (!results[i].ok()) writer_conn_->query(kRollbackTo).exec();
      writer_conn_->query(kRelease).exec();
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
  for (std::size_t i = 0; i < batch.size(); ++i) {
    batch[i]->done.set_value(batch_error.ok() ? std::move(results[i]) : batch_error);
  }
}

std::unique_ptr<SqliteDatabase::Reader> SqliteDatabase::acquire_reader() {
  std::unique_lock lock(readers_mu_);
  for (;;) {
    if (!idle_readers_.empty()) {
      auto r = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return r;
    }
    if (readers_open_ < options_.reader_connections) {
      ++readers_open_;
      lock.unlock();
      try {
        return std::make_unique<Reader>(path_);
      } catch (...) {
        std::lock_guard relock(readers_mu_);
        --readers_open_;
        throw;
      }
    }
    readers_cv_.wait(lock);
  }
}

void SqliteDatabase::release_reader(std::unique_ptr<Reader> r) {
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

Status SqliteDatabase::read(const TxFn& fn) {
  std::unique_ptr<Reader> r;
  try {
    r = acquire_reader();
  } catch (const std::exception& e) {
    return internal_error(std::string("open reader: ") + e.what());
  }
  Status s;
  try {
    r->conn.query(kBeginRead).exec();
    s = run_guarded(fn, r->tx);
    r->conn.query(kCommit).exec();
  } catch (const std::exception& e) {
    s = internal_error(std::string("read: ") + e.what());
    try {
      r->conn.exec_script(kRollback);
    } catch (...) {
      r.reset();  // a connection that cannot roll back is not reused
    }
  }
  release_reader(std::move(r));
  return s;
}

bool SqliteDatabase::ready() {
  Status s = read([](Tx&) { return ok_status(); });
  return s.ok();
}

int SqliteDatabase::schema_version() {
  int v = 0;
  Status s = write([&](Tx&) {
    auto q = writer_conn_->query(kSchemaVersion);
    q.step();
    v = static_cast<int>(q.integer(0));
    return ok_status();
  });
  return s.ok() ? v : -1;
}

}  // namespace darwaza::storage::sqlite
