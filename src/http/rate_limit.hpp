// The per-client request-rate limit of expensive routes, as the pipeline asks for it: an
// interface with two implementations. MemoryRateLimiter (here) keeps token buckets in this
// process, for one node that owns its database (SQLite); api::DatabaseRateLimiter keeps them in
// the database, so that nodes sharing one PostgreSQL database share one budget per client.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/clock.hpp"

namespace darwaza::http {

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // One request by `client`: 0 when allowed (and counted), otherwise the seconds to wait
  // (Retry-After, at least 1). Called on the handler pool; may block briefly.
  virtual int acquire(const std::string& client) = 0;
};

// Token buckets in memory. Bounded memory: at most kMaxClients keys; when full, idle buckets are
// evicted first and, failing that, the table is cleared (fail open rather than grow without
// bound; the in-flight cap still protects the server).
class MemoryRateLimiter final : public RateLimiter {
 public:
  static constexpr std::size_t kMaxClients = 100000;

  // `per_minute` requests per minute with bursts up to `burst`. per_minute == 0 disables.
  MemoryRateLimiter(const Clock& clock, double per_minute, double burst);

  int acquire(const std::string& client) override;

 private:
  struct Bucket {
    double tokens;
    UnixMs updated;
  };
  const Clock& clock_;
  double per_ms_;
  double burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace darwaza::http
