// PostgreSQL engine for several stateless `darwaza serve` nodes over one database.
// It reuses the group-committing writer of sql::GroupCommitDatabase: each node commits its queued
// writes in batches on one connection, and every write batch first takes a cluster-wide
// transaction-scoped advisory lock, so writes from all nodes apply one batch at a time in a
// single order. That keeps SQLite's concurrency rules true across nodes without retry loops
// (a TxFn runs exactly once, but for a submission's: storage::Rerun): one transition per application at a time, park capacity never over
// its total, one idempotency record per key, and an audit chain whose head cannot fork. Reads run
// on a bounded pool of connections in REPEATABLE READ, READ ONLY snapshots.
#pragma once

#include <string>

#include "storage/sql/group_commit_database.hpp"

namespace darwaza::storage::postgres {

class PgDatabase final : public sql::GroupCommitDatabase {
 public:
  // Upper bound on one node's reader connections (PostgreSQL's default max_connections is 100).
  static constexpr int kMaxReaderConnections = 16;
  // Writes per batch: each runs under its own savepoint (or shares one), and a transaction with
  // more than 64 subtransactions overflows PostgreSQL's per-backend cache, slowing every other snapshot.
  static constexpr std::size_t kMaxWritesPerBatch = 64;

  PgDatabase(std::string url, const DatabaseOptions& options);
  ~PgDatabase() override;

  std::string engine() const override { return "postgresql"; }
  // No BEGIN, no COMMIT: each statement is its own transaction (one round trip, and less work
  // for the server than three commands); reader connections refuse writes by their settings.
  Status read_statements(const TxFn& fn) override { return read_without_transaction(fn); }
  std::optional<double> replica_lag_s() override;
  std::optional<ServerClockReading> read_server_clock(const Clock& clock) override;
  bool has_server_clock() const override { return true; }

 protected:
  std::unique_ptr<sql::Connection> open_reader() override;
  void begin_write(sql::Connection& c) override;
  void begin_read(sql::Connection& c) override;
  void end_read(sql::Connection& c) override;
  void abort_read(sql::Connection& c) override;

 private:
  std::string url_;
};

}  // namespace darwaza::storage::postgres
