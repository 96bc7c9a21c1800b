#include "storage/postgres/pg_database.hpp"

#include <algorithm>

#include "storage/postgres/migrations.hpp"
#include "storage/postgres/pg_connection.hpp"

namespace darwaza::storage::postgres {
namespace {

// Advisory lock keys ("DZWRITE", "DZMIGRT" as numbers): one serialises write batches across
// nodes, the other keeps two nodes starting together from migrating at once.
constexpr const char* kBeginWrite = "BEGIN; SELECT pg_advisory_xact_lock(4466877082847301)";
constexpr const char* kBeginRead = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";
constexpr const char* kBeginMigration = "BEGIN";
constexpr const char* kLockMigrations = "SELECT pg_advisory_lock(4466877082847302)";
constexpr const char* kUnlockMigrations = "SELECT pg_advisory_unlock(4466877082847302)";
constexpr const char* kHasSchema = "SELECT (to_regclass('schema_migrations') IS NOT NULL)::int";
// Seconds since the last transaction this server replayed, unless it has replayed all it has
// received (an idle primary sends nothing, which is no lag) or it is a primary itself. NULL when
// it is a standby receiving nothing: with no WAL receiver (the primary gone, the connection
// lost) it would replay all it has and look current while falling behind.
constexpr const char* kReplicaLag =
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0"
    " WHEN NOT EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE pid IS NOT NULL) THEN NULL"
    " WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
    " ELSE coalesce(extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 0) END";

// The server's time now (not the transaction's start), in milliseconds.
constexpr const char* kServerClockMs = "SELECT extract(epoch FROM clock_timestamp()) * 1000";

}  // namespace

PgDatabase::PgDatabase(std::string url, const DatabaseOptions& options)
    : GroupCommitDatabase(options, std::clamp(options.reader_connections, 1, kMaxReaderConnections),
                          kMaxWritesPerBatch),
      url_(std::move(url)) {
  if (options.read_only) {  // a replica: check the schema, open no writer (write() refuses)
    PgConnection check(url_, PgConnection::Use::read_only);
    auto has = check.query(kHasSchema);
    if (!has.step() || has.integer(0) == 0)
      throw StorageError("the database has no schema (no schema_migrations table): start a read-write node on its "
                         "primary first, which creates and migrates it");
    sql::check_schema(check, migrations());
    return;
  }
  auto writer = std::make_unique<PgConnection>(url_);
  writer->exec_script(kLockMigrations);
  try {
    sql::migrate(*writer, migrations(), kBeginMigration);
  } catch (...) {
    writer->exec_script(kUnlockMigrations);
    throw;
  }
  writer->exec_script(kUnlockMigrations);
  writer->set_bulk(options.bulk_load);
  start(std::move(writer));
}

PgDatabase::~PgDatabase() { stop(); }

std::optional<double> PgDatabase::replica_lag_s() { return number_on_reader(kReplicaLag); }

std::optional<ServerClockReading> PgDatabase::read_server_clock(const Clock& clock) {
  return timed_number_on_reader(kServerClockMs, clock);
}

std::unique_ptr<sql::Connection> PgDatabase::open_reader() {
  return std::make_unique<PgConnection>(url_, PgConnection::Use::read_only);
}

void PgDatabase::begin_write(sql::Connection& c) { c.exec_script(kBeginWrite); }

// Readers are PgConnections (open_reader). Their BEGIN goes out with the first statement and
// their COMMIT is not waited for: a one-statement read is one round trip.
void PgDatabase::begin_read(sql::Connection& c) { static_cast<PgConnection&>(c).defer_begin(kBeginRead); }

void PgDatabase::end_read(sql::Connection& c) { static_cast<PgConnection&>(c).commit_without_waiting(); }

void PgDatabase::abort_read(sql::Connection& c) { static_cast<PgConnection&>(c).rollback_read(); }

}  // namespace darwaza::storage::postgres
