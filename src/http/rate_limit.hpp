// Per-client token buckets for expensive routes. Bounded memory: at most kMaxClients keys;
// when full, idle buckets are evicted first and, failing that, the table is cleared (fail open
// rather than grow without bound; the in-flight cap still protects the server).
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/clock.hpp"

namespace darwaza::http {

class RateLimiter {
 public:
  static constexpr std::size_t kMaxClients = 100000;

  // `per_minute` requests per minute with bursts up to `burst`. per_minute == 0 disables.
  RateLimiter(const Clock& clock, double per_minute, double burst);

  // Returns 0 when allowed, otherwise the seconds to wait (Retry-After).
  int acquire(const std::string& client);

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
