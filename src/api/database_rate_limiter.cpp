#include "api/database_rate_limiter.hpp"

#include <algorithm>
#include <cmath>

#include "core/log.hpp"

namespace darwaza::api {
namespace {

std::string log_detail(const Error& e) {
  auto it = e.extensions.find("_log");
  return it != e.extensions.end() ? it->get<std::string>() : e.detail;
}

}  // namespace

DatabaseRateLimiter::DatabaseRateLimiter(storage::RateLimitStore& store, const Clock& clock, double per_minute,
                                         double burst, std::atomic<std::uint64_t>& fail_open_count)
    : store_(store), clock_(clock), fail_open_count_(fail_open_count) {
  if (per_minute <= 0) return;
  // Whole milliseconds: rates above 60,000 a minute count as 60,000.
  interval_ms_ = std::max<std::int64_t>(1, std::llround(60000.0 / per_minute));
  limit_ms_ = std::max<std::int64_t>(interval_ms_, std::llround(std::max(1.0, burst) * interval_ms_));
}

int DatabaseRateLimiter::acquire(const std::string& client) {
  if (interval_ms_ == 0) return 0;
  const UnixMs now = clock_.now_ms();
  if (now < paused_until_.load(std::memory_order_relaxed)) {
    fail_open_count_.fetch_add(1, std::memory_order_relaxed);
    return 0;
  }
  auto wait_ms = store_.take(client, now, interval_ms_, limit_ms_);
  if (!wait_ms.ok()) {
    fail_open_count_.fetch_add(1, std::memory_order_relaxed);
    paused_until_.store(now + kFailOpenPauseMs, std::memory_order_relaxed);
    if (!failing_.exchange(true))
      logging::app().error("rate limiter: the database did not answer ({}); expensive requests go through "
                           "unlimited until it does", log_detail(wait_ms.error()));
    return 0;
  }
  if (failing_.exchange(false)) logging::app().info("rate limiter: the database answers again");
  if (*wait_ms == 0) return 0;
  return std::max(1, static_cast<int>(std::ceil(static_cast<double>(*wait_ms) / 1000.0)));
}

Result<int> DatabaseRateLimiter::purge_expired() {
  int total = 0;
  for (int i = 0; i < kMaxPurgeBatches; ++i) {
    auto n = store_.purge_expired(clock_.now_ms(), kPurgeBatchRows);
    if (!n.ok()) return n.take_error();
    total += *n;
    if (*n < kPurgeBatchRows) break;
  }
  return total;
}

}  // namespace darwaza::api
