// One seeded schedule of requests from a few clients at driven times, run against a reference
// rate limiter and a tested one on the same clock: every decision (admitted, or the Retry-After)
// must be the same. Used by the unit tests (SQLite) and the PostgreSQL run of the e2e suite.
#pragma once

#include <algorithm>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "core/clock.hpp"
#include "http/rate_limit.hpp"

namespace darwaza::test {

struct ScheduleCounts {
  int admitted = 0;
  int refused = 0;
};

// `interval_ms`: the limiters' emission interval; half the gaps are whole quarters of it, so
// requests land exactly on the moments a token comes back, the other half anywhere in between.
// The first client asks faster than the rate, so it spends a burst of several and is refused.
inline ScheduleCounts expect_same_decisions(http::RateLimiter& reference, http::RateLimiter& tested, ManualClock& clock,
                                            int interval_ms, int steps, unsigned seed) {
  const std::string clients[] = {"198.51.100.1", "198.51.100.2", "2001:db8::7"};
  std::mt19937 rng(seed);
  ScheduleCounts counts;
  for (int i = 0; i < steps; ++i) {
    const int gap = rng() % 2 ? static_cast<int>(rng() % 4) * interval_ms / 4
                              : static_cast<int>(rng() % static_cast<unsigned>(interval_ms));
    clock.advance_ms(gap);
    const std::string& client = clients[std::max(0, static_cast<int>(rng() % 4) - 1)];  // the first, twice as often
    const int want = reference.acquire(client);
    const int got = tested.acquire(client);
    EXPECT_EQ(got, want) << "step " << i << ", client " << client << ", t=" << clock.now_ms();
    ++(want == 0 ? counts.admitted : counts.refused);
  }
  return counts;
}

}  // namespace darwaza::test
