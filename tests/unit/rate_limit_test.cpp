#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "api/database_rate_limiter.hpp"
#include "http/rate_limit.hpp"
#include "storage/rate_limit_store.hpp"
#include "support/rate_limit_schedule.hpp"
#include "temp_db.hpp"

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

namespace {

std::unique_ptr<storage::RateLimitStore> sqlite_cells(const testing_support::TempDb& t, int connections = 2) {
  return storage::open_rate_limit_store("sqlite:" + (t.dir / "t.db").string(), connections);
}

// A store that answers, or fails as a database that is away does, and counts the calls.
class FlakyStore final : public storage::RateLimitStore {
 public:
  Result<std::int64_t> take(std::string_view, UnixMs, std::int64_t, std::int64_t) override {
    ++takes;
    if (down) return internal_error("connection refused");
    return std::int64_t{0};
  }
  Result<int> purge_expired(UnixMs, int) override { return 0; }
  bool down = false;
  int takes = 0;
};

}  // namespace

// GCRA over the database table decides as the in-memory token bucket does, request by request,
// Retry-After included. The intervals are powers of two milliseconds, so that the token bucket's
// floating-point arithmetic is exact and equality can be asked for at every boundary.
TEST(DatabaseRateLimiter, DecidesAsTheMemoryLimiterOnSqlite) {
  struct Case {
    int interval_ms;
    double burst;
  };
  for (const Case c : {Case{1024, 3}, Case{256, 1}, Case{512, 2.5}, Case{2048, 8}}) {
    SCOPED_TRACE(testing::Message() << "interval " << c.interval_ms << " ms, burst " << c.burst);
    testing_support::TempDb t;
    auto cells = sqlite_cells(t);
    ManualClock clock(1'700'000'000'000);
    std::atomic<std::uint64_t> fail_open{0};
    const double per_minute = 60000.0 / c.interval_ms;
    http::MemoryRateLimiter memory(clock, per_minute, c.burst);
    api::DatabaseRateLimiter shared(*cells, clock, per_minute, c.burst, fail_open);
    ASSERT_EQ(shared.interval_ms(), c.interval_ms);
    auto counts = test::expect_same_decisions(memory, shared, clock, c.interval_ms, 400, 7);
    EXPECT_GT(counts.admitted, 0);
    EXPECT_GT(counts.refused, 0);
    EXPECT_EQ(fail_open.load(), 0u);
  }
}

TEST(DatabaseRateLimiter, BurstThenRetryAfterThenRefill) {
  testing_support::TempDb t;
  auto cells = sqlite_cells(t);
  ManualClock clock(1'000'000);
  std::atomic<std::uint64_t> fail_open{0};
  api::DatabaseRateLimiter rl(*cells, clock, 30, 2, fail_open);  // one per two seconds, bursts of 2
  EXPECT_EQ(rl.acquire("a"), 0);
  EXPECT_EQ(rl.acquire("a"), 0);
  EXPECT_EQ(rl.acquire("a"), 2);
  EXPECT_EQ(rl.acquire("b"), 0);  // other clients unaffected
  clock.advance_ms(1500);
  EXPECT_EQ(rl.acquire("a"), 1);  // half a second left, rounded up
  clock.advance_ms(500);
  EXPECT_EQ(rl.acquire("a"), 0);
  EXPECT_EQ(rl.acquire("a"), 2);
  api::DatabaseRateLimiter off(*cells, clock, 0, 2, fail_open);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(off.acquire("a"), 0);
}

// Requests from one client on many connections at one moment: exactly the burst is admitted.
TEST(DatabaseRateLimiter, ConcurrentRequestsShareOneBurst) {
  testing_support::TempDb t;
  auto cells = sqlite_cells(t, 4);
  ManualClock clock(1'000'000);  // frozen: nothing refills
  std::atomic<std::uint64_t> fail_open{0};
  api::DatabaseRateLimiter rl(*cells, clock, 1, 5, fail_open);
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      for (int j = 0; j < 5; ++j) admitted += rl.acquire("a") == 0;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(admitted.load(), 5);
  EXPECT_EQ(fail_open.load(), 0u);
}

TEST(DatabaseRateLimiter, PurgeDeletesOnlyExpiredCellsBoundedPerCall) {
  testing_support::TempDb t;
  auto cells = sqlite_cells(t);
  const UnixMs now = 1'000'000;
  // Five clients with one request each (their cells expire after one interval), one that used its
  // whole burst (expires after the burst window).
  for (int i = 0; i < 5; ++i) ASSERT_EQ(*cells->take("c" + std::to_string(i), now, 1000, 4000), 0);
  for (int i = 0; i < 4; ++i) ASSERT_EQ(*cells->take("busy", now, 1000, 4000), 0);
  EXPECT_EQ(*cells->purge_expired(now + 1000, 10), 0);  // not before their time
  EXPECT_EQ(*cells->purge_expired(now + 1001, 2), 2);
  EXPECT_EQ(*cells->purge_expired(now + 1001, 2), 2);
  EXPECT_EQ(*cells->purge_expired(now + 1001, 2), 1);
  EXPECT_EQ(*cells->purge_expired(now + 1001, 2), 0);
  // The busy client's cell was kept: one token back, not a fresh burst.
  EXPECT_EQ(*cells->take("busy", now + 1001, 1000, 4000), 0);
  EXPECT_EQ(*cells->take("busy", now + 1001, 1000, 4000), 999);
  EXPECT_EQ(*cells->purge_expired(now + 5001, 10), 1);

  ManualClock clock(now + 10'000);
  std::atomic<std::uint64_t> fail_open{0};
  api::DatabaseRateLimiter rl(*cells, clock, 60, 3, fail_open);
  ASSERT_EQ(rl.acquire("x"), 0);
  clock.advance_ms(1001);
  EXPECT_EQ(*rl.purge_expired(), 1);
}

// A database that does not answer lets requests through: counted every time, logged once, and
// not asked again until the pause has passed.
TEST(DatabaseRateLimiter, FailsOpenAndPausesWhileTheDatabaseIsAway) {
  FlakyStore store;
  ManualClock clock(1'000'000);
  std::atomic<std::uint64_t> fail_open{0};
  api::DatabaseRateLimiter rl(store, clock, 60, 1, fail_open);
  store.down = true;
  EXPECT_EQ(rl.acquire("a"), 0);
  EXPECT_EQ(rl.acquire("a"), 0);
  EXPECT_EQ(store.takes, 1);  // the second did not ask
  EXPECT_EQ(fail_open.load(), 2u);
  clock.advance_ms(api::DatabaseRateLimiter::kFailOpenPauseMs);
  store.down = false;
  EXPECT_EQ(rl.acquire("a"), 0);
  EXPECT_EQ(store.takes, 2);
  EXPECT_EQ(fail_open.load(), 2u);
}

// A database file that cannot be opened is the same as one that is away.
TEST(DatabaseRateLimiter, FailsOpenWhenTheStoreCannotConnect) {
  auto cells = storage::open_rate_limit_store("sqlite:/nonexistent-dir-dz/none.db", 1);
  ManualClock clock(1'000'000);
  std::atomic<std::uint64_t> fail_open{0};
  api::DatabaseRateLimiter rl(*cells, clock, 60, 1, fail_open);
  EXPECT_EQ(rl.acquire("a"), 0);
  EXPECT_EQ(fail_open.load(), 1u);
  EXPECT_FALSE(cells->take("a", 1'000'000, 1000, 1000).ok());
}
