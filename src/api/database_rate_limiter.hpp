// The HTTP layer's rate limiter over the database's shared request-rate cells
// (storage/rate_limit_store.hpp): `serve` uses it on PostgreSQL, so a client spread over several
// nodes has one budget, not one per node. It decides exactly as http::MemoryRateLimiter does for
// the same rate and burst (GCRA is a token bucket kept as one timestamp), in whole milliseconds.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "http/rate_limit.hpp"
#include "storage/rate_limit_store.hpp"

namespace darwaza::api {

class DatabaseRateLimiter final : public http::RateLimiter {
 public:
  // Connections of one node's rate-limit store, beside the database's writer and readers: a
  // check is one short statement, so a few serve the whole handler pool.
  static constexpr int kConnections = 4;
  // After the database fails to answer, requests are admitted without asking it for this long,
  // so that a database that is down costs one failed attempt per node per pause, not one per request.
  static constexpr UnixMs kFailOpenPauseMs = 1000;
  // purge_expired() deletes at most kMaxPurgeBatches × kPurgeBatchRows cells per call; `serve`
  // calls it every kPurgeIntervalMs.
  static constexpr int kPurgeBatchRows = 5000;
  static constexpr int kMaxPurgeBatches = 10;
  static constexpr int kPurgeIntervalMs = 10000;

  // `per_minute` requests per minute with bursts up to `burst` (at least 1), as for
  // MemoryRateLimiter; per_minute <= 0 disables. Each request admitted because the database did not
  // answer is counted in `fail_open_count` (the metric darwaza_rate_limit_fail_open_total).
  DatabaseRateLimiter(storage::RateLimitStore& store, const Clock& clock, double per_minute, double burst,
                      std::atomic<std::uint64_t>& fail_open_count);

  // Fails open: when the database does not answer, the request is admitted (logged once per
  // outage, counted always). Throttling is a protection, not a rule: refusing every expensive request
  // while the database is away would turn an outage of the limiter into one of sign-in, and the
  // server's in-flight cap still bounds the load.
  int acquire(const std::string& client) override;

  // Deletes expired cells (bounded, see above); returns how many went.
  Result<int> purge_expired();

  std::int64_t interval_ms() const { return interval_ms_; }
  std::int64_t limit_ms() const { return limit_ms_; }

 private:
  storage::RateLimitStore& store_;
  const Clock& clock_;
  std::int64_t interval_ms_ = 0;  // 0: disabled
  std::int64_t limit_ms_ = 0;
  std::atomic<std::uint64_t>& fail_open_count_;
  std::atomic<UnixMs> paused_until_{0};
  std::atomic<bool> failing_{false};
};

}  // namespace darwaza::api
