// PostgreSQL only: the request-rate limit of expensive routes is shared by every node of one
// database. In process, the database's GCRA cells decide as the in-memory token bucket does and
// admit exactly one burst to concurrent requests from two "nodes"; end to end, two `darwaza serve`
// nodes over one database refuse a client with 429 once the cluster-wide burst is spent, however
// its requests are spread. Bounded: a few hundred statements and a dozen requests.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>
#include <vector>

#include <libpq-fe.h>

#include "api/database_rate_limiter.hpp"
#include "storage/database.hpp"
#include "support/fixtures.hpp"
#include "support/rate_limit_schedule.hpp"
#include "support/test_database.hpp"

using namespace darwaza;
using namespace darwaza::test;

namespace {

// A fresh migrated database of the test server; its URL.
std::string migrated_database(const std::string& dir) {
  storage::DatabaseOptions o;
  o.url = test_db_url(dir + "/d");
  o.reader_connections = 2;
  storage::open_database(o);  // creates and migrates, then closes
  return o.url;
}

}  // namespace

TEST(SharedRateLimit, DatabaseCellsDecideAsTheMemoryLimiter) {
  if (!testing_postgresql()) GTEST_SKIP() << "needs PostgreSQL (the second run of scripts/test.sh)";
  const std::string dir = make_temp_dir("darwaza-rate-cells");
  const std::string url = migrated_database(dir);
  auto cells = storage::open_rate_limit_store(url, 2);
  // Powers of two milliseconds, as in the unit test: the token bucket's arithmetic is exact.
  UnixMs start = 1'700'000'000'000;
  for (const auto& [interval_ms, burst] : {std::pair{1024, 3.0}, std::pair{512, 2.5}}) {
    SCOPED_TRACE(testing::Message() << "interval " << interval_ms << " ms, burst " << burst);
    start += 1'000'000'000;  // each case after the last one's cells have expired
    ManualClock clock(start);
    std::atomic<std::uint64_t> fail_open{0};
    const double per_minute = 60000.0 / interval_ms;
    http::MemoryRateLimiter memory(clock, per_minute, burst);
    api::DatabaseRateLimiter shared(*cells, clock, per_minute, burst, fail_open);
    auto counts = expect_same_decisions(memory, shared, clock, interval_ms, 300, 11);
    EXPECT_GT(counts.admitted, 0);
    EXPECT_GT(counts.refused, 0);
    EXPECT_EQ(fail_open.load(), 0u);
  }
  // The three clients' cells, purged two at a time once expired.
  EXPECT_EQ(*cells->purge_expired(start, 2), 0);
  const UnixMs later = start + 1'000'000'000;
  EXPECT_EQ(*cells->purge_expired(later, 2), 2);
  EXPECT_EQ(*cells->purge_expired(later, 2), 1);
  EXPECT_EQ(*cells->purge_expired(later, 2), 0);
  // Throttling state: the table is UNLOGGED (relpersistence 'u').
  PGconn* pg = PQconnectdb(url.c_str());
  ASSERT_EQ(PQstatus(pg), CONNECTION_OK) << PQerrorMessage(pg);
  PGresult* r = PQexec(pg, "SELECT relpersistence FROM pg_class WHERE relname = 'rate_limits'");
  ASSERT_EQ(PQresultStatus(r), PGRES_TUPLES_OK);
  ASSERT_EQ(PQntuples(r), 1);
  EXPECT_STREQ(PQgetvalue(r, 0, 0), "u");
  PQclear(r);
  PQfinish(pg);
  std::filesystem::remove_all(dir);
}

// Two stores on one database (two nodes' worth of connections), eight threads, one client, one
// moment: exactly the burst is admitted.
TEST(SharedRateLimit, ConcurrentRequestsOnTwoNodesShareOneBurst) {
  if (!testing_postgresql()) GTEST_SKIP() << "needs PostgreSQL (the second run of scripts/test.sh)";
  constexpr int kBurst = 7;
  const std::string dir = make_temp_dir("darwaza-rate-cells");
  const std::string url = migrated_database(dir);
  auto node_a = storage::open_rate_limit_store(url, 4), node_b = storage::open_rate_limit_store(url, 4);
  ManualClock clock(1'000'000);  // frozen: nothing refills
  std::atomic<std::uint64_t> fail_open{0};
  api::DatabaseRateLimiter a(*node_a, clock, 1, kBurst, fail_open), b(*node_b, clock, 1, kBurst, fail_open);
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      for (int j = 0; j < 5; ++j) admitted += (i % 2 ? a : b).acquire("203.0.113.9") == 0;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(admitted.load(), kBurst);
  EXPECT_EQ(fail_open.load(), 0u);
  std::filesystem::remove_all(dir);
}

TEST(SharedRateLimit, TwoNodesRefuseAClientOnceTheClusterBurstIsSpent) {
  if (!testing_postgresql()) GTEST_SKIP() << "needs PostgreSQL (the second run of scripts/test.sh)";
  // One request a minute, bursts of 3: per node, six requests from one address would go through.
  const std::vector<std::string> limit = {"--rate-limit-per-minute", "1", "--rate-limit-burst", "3"};
  ServerProcess a(limit);
  a.start();
  std::string b_dir = make_temp_dir("darwaza-node-b");
  std::filesystem::create_directories(b_dir + "/d");
  std::filesystem::copy(a.data_dir() + "/d/keys", b_dir + "/d/keys", std::filesystem::copy_options::recursive);
  auto b_args = limit;
  b_args.insert(b_args.end(), {"--db", test_db_url(a.data_dir() + "/d")});
  ServerProcess b(b_args, b_dir);
  b.start();
  HttpClient nodes[] = {a.client(), b.client()};
  const nlohmann::json bad_login = {{"login", "nobody@example.pk"}, {"password", "wrong password"}};
  for (int i = 0; i < 3; ++i) {  // A, B, A: let through, then refused for the credentials
    auto r = nodes[i % 2].post_json("/v1/auth/login", bad_login);
    EXPECT_EQ(r.status, 401u) << "request " << i << ": " << r.body;
  }
  for (int i = 3; i < 6; ++i) {  // B, A, B: the cluster's burst is spent
    auto r = nodes[i % 2].post_json("/v1/auth/login", bad_login);
    EXPECT_EQ(r.status, 429u) << "request " << i << ": " << r.body;
    EXPECT_EQ(problem_type(r), "/problems/rate-limited");
    // The next token comes back a minute after the first request; a little less is left.
    const int retry_after = std::atoi(r.header("retry-after").c_str());
    EXPECT_GE(retry_after, 1);
    EXPECT_LE(retry_after, 60);
  }
  // Cheap routes are not limited; the database answered every check.
  EXPECT_EQ(nodes[1].get("/v1/agencies").status, 200u);
  for (auto& c : nodes) {
    const std::string metrics = c.get("/metrics").body;
    EXPECT_NE(metrics.find("darwaza_rate_limit_fail_open_total 0\n"), std::string::npos);
  }
  ASSERT_EQ(b.stop(), 0);
  ASSERT_EQ(a.stop(), 0);
  std::filesystem::remove_all(b_dir);
}
