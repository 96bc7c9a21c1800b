#include "http/rate_limit.hpp"

#include <algorithm>
#include <cmath>

namespace darwaza::http {

MemoryRateLimiter::MemoryRateLimiter(const Clock& clock, double per_minute, double burst)
    : clock_(clock), per_ms_(per_minute / 60000.0), burst_(std::max(1.0, burst)) {}

int MemoryRateLimiter::acquire(const std::string& client) {
  if (per_ms_ <= 0) return 0;
  UnixMs now = clock_.now_ms();
  std::lock_guard lock(mu_);
  auto it = buckets_.find(client);
  if (it == buckets_.end()) {
    if (buckets_.size() >= kMaxClients) {
      for (auto i = buckets_.begin(); i != buckets_.end();) {
        double refilled = i->second.tokens + (now - i->second.updated) * per_ms_;
        i = refilled >= burst_ ? buckets_.erase(i) : std::next(i);
      }
      if (buckets_.size() >= kMaxClients) buckets_.clear();
    }
    it = buckets_.emplace(client, Bucket{burst_, now}).first;
  }
  Bucket& b = it->second;
  b.tokens = std::min(burst_, b.tokens + (now - b.updated) * per_ms_);
  b.updated = now;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  double wait_ms = (1.0 - b.tokens) / per_ms_;
  return std::max(1, static_cast<int>(std::ceil(wait_ms / 1000.0)));
}

}  // namespace darwaza::http
