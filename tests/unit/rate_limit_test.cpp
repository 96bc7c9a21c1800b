#include <gtest/gtest.h>

#include "http/rate_limit.hpp"

using namespace darwaza;

TEST(RateLimiter, BurstThenRefillPerClient) {
  ManualClock clock(1'000'000);
  http::MemoryRateLimiter rl(clock, 60, 3);  // one per second, bursts of 3
  EXPECT_EQ(rl.acquire("a"), 0);
  EXPECT_EQ(rl.acquire("a"), 0);
  EXPECT_EQ(rl.acquire("a"), 0);
  EXPECT_EQ(rl.acquire("a"), 1);  // wait one second
  EXPECT_EQ(rl.acquire("b"), 0);  // other clients unaffected
  clock.advance_ms(1000);
  EXPECT_EQ(rl.acquire("a"), 0);
  EXPECT_GT(rl.acquire("a"), 0);
}

TEST(RateLimiter, ZeroDisables) {
  ManualClock clock(0);
  http::MemoryRateLimiter rl(clock, 0, 1);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(rl.acquire("a"), 0);
}
