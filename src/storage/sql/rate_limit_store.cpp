// Each take() is ONE statement in its own (autocommit) transaction on a pooled connection, not a
// Database::write(): a rate-limit check must not wait for a group commit's flush, nor, on
// PostgreSQL, for the cluster-wide write lock every write batch takes. The upsert is atomic on
// both engines (PostgreSQL locks the row for ON CONFLICT DO UPDATE and re-checks its WHERE on
// the row's latest version), so concurrent requests from one client on any number of nodes are
// admitted one after another, never both on the same token. On PostgreSQL the table is UNLOGGED
// (migration 11), so these commits write no WAL and wait for no flush.
#include "storage/sql/rate_limit_store.hpp"

#include <algorithm>

#include "storage/database.hpp"

namespace darwaza::storage::sql {
namespace {

// ?1 client, ?2 now (ms), ?3 interval (ms), ?4 limit (ms). A new client's first request is always
// admitted (limit >= interval). No row back: refused, the stored TAT unchanged.
constexpr const char* kTakeCellSqlite =
    "INSERT INTO rate_limits (client, tat_ms) VALUES (?1, ?2 + ?3) "
    "ON CONFLICT (client) DO UPDATE SET tat_ms = max(tat_ms, ?2) + ?3 "
    "WHERE max(tat_ms, ?2) + ?3 - ?4 <= ?2 RETURNING tat_ms";
constexpr const char* kTakeCellPostgresql =
    "INSERT INTO rate_limits AS r (client, tat_ms) VALUES (?1, ?2 + ?3) "
    "ON CONFLICT (client) DO UPDATE SET tat_ms = GREATEST(r.tat_ms, ?2) + ?3 "
    "WHERE GREATEST(r.tat_ms, ?2) + ?3 - ?4 <= ?2 RETURNING tat_ms";
// Read only after a refusal, to say how long to wait.
constexpr const char* kCellTat = "SELECT tat_ms FROM rate_limits WHERE client = ?";
// Bounded per call. No index on tat_ms: one would be rewritten by every take() (and would stop
// PostgreSQL's in-place HOT updates), while this scan runs once a minute over a table holding only
// the clients seen within about one burst window. On PostgreSQL, nodes purging at the same
// moment skip each other's rows instead of waiting; the outer tat_ms test is re-checked on a row
// that a take() has just moved forward, which is then kept.
constexpr const char* kPurgeCellsSqlite =
    "DELETE FROM rate_limits WHERE client IN (SELECT client FROM rate_limits WHERE tat_ms < ?1 LIMIT ?2)";
constexpr const char* kPurgeCellsPostgresql =
    "DELETE FROM rate_limits WHERE client IN "
    "(SELECT client FROM rate_limits WHERE tat_ms < ?1 LIMIT ?2 FOR UPDATE SKIP LOCKED) AND tat_ms < ?1";

}  // namespace

SqlRateLimitStore::SqlRateLimitStore(Opener open, int connections)
    : open_(std::move(open)), max_connections_(std::max(1, connections)) {}

SqlRateLimitStore::~SqlRateLimitStore() = default;

std::unique_ptr<Connection> SqlRateLimitStore::borrow() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return !idle_.empty() || open_count_ < max_connections_; });
  if (!idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return c;
  }
  ++open_count_;
  lock.unlock();
  try {
    return open_();
  } catch (...) {
    give_back(nullptr);
    throw;
  }
}

void SqlRateLimitStore::give_back(std::unique_ptr<Connection> c) {
  {
    std::lock_guard lock(mu_);
    if (c) idle_.push_back(std::move(c));
    else --open_count_;
  }
  cv_.notify_one();
}

template <class T, class F>
Result<T> SqlRateLimitStore::with_connection(F&& fn) {
  std::unique_ptr<Connection> c;
  try {
    c = borrow();  // a failed connect gives its slot back itself
  } catch (const std::exception& e) {
    return internal_error(std::string("rate limit store: ") + e.what());
  }
  try {
    T out = fn(*c);
    give_back(std::move(c));
    return out;
  } catch (const std::exception& e) {
    c.reset();
    give_back(nullptr);
    return internal_error(std::string("rate limit store: ") + e.what());
  }
}

Result<std::int64_t> SqlRateLimitStore::take(std::string_view client, UnixMs now_ms, std::int64_t interval_ms,
                                             std::int64_t limit_ms) {
  return with_connection<std::int64_t>([&](Connection& c) -> std::int64_t {
    {
      auto q = c.query(c.pick(kTakeCellSqlite, kTakeCellPostgresql));
      q.bind_all(client, now_ms, interval_ms, limit_ms);
      int rows = 0;
      while (q.step()) ++rows;  // to the end: SQLite commits the statement when it is done
      if (rows > 0) return 0;
    }
    // Refused: admitted again once max(TAT, now) + interval - limit reaches now. A cell purged
    // in between admits at once; the next request finds out.
    auto q = c.query(kCellTat);
    q.bind(1, client);
    if (!q.step()) return 1;
    return std::max<std::int64_t>(1, q.integer(0) + interval_ms - limit_ms - now_ms);
  });
}

Result<int> SqlRateLimitStore::purge_expired(UnixMs now_ms, int max_rows) {
  return with_connection<int>([&](Connection& c) {
    return c.query(c.pick(kPurgeCellsSqlite, kPurgeCellsPostgresql)).bind_all(now_ms, max_rows).exec();
  });
}

}  // namespace darwaza::storage::sql
