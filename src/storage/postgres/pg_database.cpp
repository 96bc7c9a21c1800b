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

}  // namespace

PgDatabase::PgDatabase(std::string url, const DatabaseOptions& options)
    : GroupCommitDatabase(options, std::clamp(options.reader_connections, 1, kMaxReaderConnections),
                          kMaxWritesPerBatch),
      url_(std::move(url)) {
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
