// A node's clock against its database server's (api/node_clock.hpp), on both engines. On
// PostgreSQL the offset is read around one round trip: a node on this machine agrees with its
// server, a node whose clock is set seconds ahead or behind (a ManualClock here: the system
// clock cannot be moved in a test) is found out, named ahead or behind, and its /readyz would
// answer 503 clock-skewed; a real node's /readyz and /metrics report the offset. SQLite has no
// server clock: nothing to compare, nothing refused.
#include <gtest/gtest.h>

#include <cmath>
#include <chrono>
#include <filesystem>
#include <future>
#include <thread>
#include <tuple>

#include "api/app.hpp"
#include "api/identity_handlers.hpp"
#include "api/node_clock.hpp"
#include "certificates/signing.hpp"
#include "storage/database.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

using namespace darwaza;
using namespace darwaza::test;
using nlohmann::json;

TEST(NodeClock, ANodeOffItsDatabaseServersClockIsFoundAndNamed) {
  // Decided within the round trip's uncertainty only: not refused (it cannot be sure).
  EXPECT_TRUE(api::check_clock(api::ClockOffset{.offset_ms = 1'200, .uncertainty_ms = 300}, 1'000).ok());
  EXPECT_FALSE(api::check_clock(api::ClockOffset{.offset_ms = -1'400, .uncertainty_ms = 300}, 1'000).ok());
  const std::string dir = make_temp_dir("dz-clock");
  auto db = open_test_database(dir, 1);
  SystemClock system;
  auto in_step = api::measure_clock_offset(*db, system);
  if (!testing_postgresql()) {
    EXPECT_FALSE(in_step.has_value());
    EXPECT_TRUE(api::check_clock(in_step, 1).ok());
    std::filesystem::remove_all(dir);
    return;
  }
  ASSERT_TRUE(in_step.has_value());
  // The same machine's clock: within the bound.
  EXPECT_LT(std::abs(in_step->offset_ms), api::kDefaultMaxClockSkewMs) << in_step->offset_ms;
  EXPECT_GE(in_step->uncertainty_ms, 0.0);
  EXPECT_TRUE(api::check_clock(in_step, api::kDefaultMaxClockSkewMs).ok());

  for (const UnixMs shift : {5'000, -5'000}) {
    ManualClock off(system.now_ms() + shift);
    auto offset = api::measure_clock_offset(*db, off);
    ASSERT_TRUE(offset.has_value());
    EXPECT_NEAR(offset->offset_ms, -static_cast<double>(shift), 500.0) << shift;
    Status s = api::check_clock(offset, api::kDefaultMaxClockSkewMs);
    ASSERT_FALSE(s.ok()) << shift;
    Error e = s.take_error();
    EXPECT_EQ(e.kind, ErrorKind::unavailable);
    EXPECT_EQ(e.type, "clock-skewed");
    EXPECT_NE(e.detail.find(shift > 0 ? "ahead of" : "behind"), std::string::npos) << e.detail;
    EXPECT_NEAR(e.extensions.value("clock_offset_ms", 0.0), -static_cast<double>(shift), 500.0) << shift;
    // A wider bound, or none, lets the node be ready.
    EXPECT_TRUE(api::check_clock(offset, 10'000).ok());
    EXPECT_TRUE(api::check_clock(offset, 0).ok());
  }
  std::filesystem::remove_all(dir);
}

// The offset is read around the statement's round trip, not the wait for a reader connection
// before it: with the node's only reader held for 600 ms, the offset of a node on this machine
// is still near 0 and its uncertainty small (read around the wait, it leaned by half of it).
TEST(NodeClock, AWaitForAReaderDoesNotLeanTheOffset) {
  if (!testing_postgresql()) GTEST_SKIP() << "SQLite has no server clock";
  const std::string dir = make_temp_dir("dz-clock-wait");
  auto db = open_test_database(dir, 1);
  std::promise<void> holding;
  auto held = std::async(std::launch::async, [&] {
    return db->read([&](storage::Tx&) -> Status {
      holding.set_value();
      std::this_thread::sleep_for(std::chrono::milliseconds(600));
      return ok_status();
    });
  });
  holding.get_future().wait();
  SystemClock system;
  const UnixMs asked = system.now_ms();
  auto offset = api::measure_clock_offset(*db, system);
  EXPECT_GE(system.now_ms() - asked, 500) << "the read did not wait for the reader";
  ASSERT_TRUE(held.get().ok());
  ASSERT_TRUE(offset.has_value());
  EXPECT_LT(std::abs(offset->offset_ms), 150.0) << offset->offset_ms;
  EXPECT_LT(offset->uncertainty_ms, 150.0) << offset->uncertainty_ms;
  db.reset();
  std::filesystem::remove_all(dir);
}

// The readiness probe of a node whose clock is 5 s ahead of its database server's: 503
// clock-skewed with the offset on PostgreSQL (ready with --max-clock-skew-ms 0 or a wider bound);
// ready on SQLite, which has no server clock to disagree with.
TEST(NodeClock, ReadyzOfANodeOffItsDatabaseServersClockIsRefused) {
  const std::string dir = make_temp_dir("dz-clock-ready");
  auto db = open_test_database(dir, 1);
  ManualClock ahead(SystemClock().now_ms() + 5'000);
  api::AppOptions ao;
  ao.password = crypto::PasswordParams{1, 8 * 1024};
  ao.documents_dir = dir + "/documents";
  auto ready_with = [&](double max_ms) {
    ao.max_clock_skew_ms = max_ms;
    api::App app(*db, ahead, ao, certificates::SigningKey::generate());
    http::Request req;
    return api::handlers::readyz(app, req);
  };
  auto r = ready_with(api::kDefaultMaxClockSkewMs);
  if (!testing_postgresql()) {
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 200u);
    EXPECT_FALSE(json::parse(r->body).contains("clock_offset_ms")) << r->body;
  } else {
    ASSERT_FALSE(r.ok());
    Error e = r.take_error();
    EXPECT_EQ(e.kind, ErrorKind::unavailable);
    EXPECT_EQ(e.type, "clock-skewed");
    EXPECT_NEAR(e.extensions.value("clock_offset_ms", 0.0), -5'000.0, 500.0) << e.extensions.dump();
    for (double max_ms : {0.0, 10'000.0}) {
      auto wide = ready_with(max_ms);
      ASSERT_TRUE(wide.ok()) << max_ms;
      EXPECT_NEAR(json::parse(wide->body).value("clock_offset_ms", 0.0), -5'000.0, 500.0) << wide->body;
    }
  }
  std::filesystem::remove_all(dir);
}

namespace {
// The test database, with a server clock that answers (as PostgreSQL's does) or not, and a ping
// whose answer is set; counts the pings.
class ScriptedDatabase final : public storage::Database {
 public:
  explicit ScriptedDatabase(storage::Database& inner) : inner_(inner) {}
  Status read(const storage::TxFn& fn) override { return inner_.read(fn); }
  Status read_statements(const storage::TxFn& fn) override { return inner_.read_statements(fn); }
  Status write(const storage::TxFn& fn) override { return inner_.write(fn); }
  void write_async(storage::TxFn fn, storage::Post post, storage::WriteDone done,
                   storage::Rerun rerun = storage::Rerun::never) override {
    inner_.write_async(std::move(fn), std::move(post), std::move(done), rerun);
  }
  bool ready() override {
    ++pings;
    return ping_answers;
  }
  std::string engine() const override { return inner_.engine(); }
  int schema_version() override { return inner_.schema_version(); }
  std::optional<storage::ServerClockReading> read_server_clock(const Clock& clock) override {
    if (!server_clock || !clock_answers) return std::nullopt;
    const UnixMs now = clock.now_ms();
    return storage::ServerClockReading{static_cast<double>(SystemClock().now_ms()), now, now};
  }
  bool has_server_clock() const override { return server_clock; }
  bool server_clock = true, clock_answers = true, ping_answers = true;
  int pings = 0;

 private:
  storage::Database& inner_;
};
}  // namespace

// A read-write node's /readyz makes one round trip where the database server has a clock: the
// clock's answer is the database's, so no ping follows it, and no answer is 503
// database-unavailable without a second try. Without a server clock (SQLite) the ping decides.
TEST(NodeClock, ReadyzAsksTheDatabaseOnceWhenItsClockAnswers) {
  const std::string dir = make_temp_dir("dz-clock-once");
  auto inner = open_test_database(dir, 1);
  ScriptedDatabase db(*inner);
  SystemClock clock;
  api::AppOptions ao;
  ao.password = crypto::PasswordParams{1, 8 * 1024};
  ao.documents_dir = dir + "/documents";
  api::App app(db, clock, ao, certificates::SigningKey::generate());
  auto ready = [&] {
    http::Request req;
    return api::handlers::readyz(app, req);
  };
  // What /readyz answers ("" for ready, else the problem's type), whether it names an offset, and
  // how many pings it took.
  auto outcome = [&] {
    const int pings_before = db.pings;
    auto r = ready();
    const std::string answer = r.ok() ? "" : r.error().type;
    const bool offset = r.ok() && json::parse(r->body).contains("clock_offset_ms");
    return std::tuple(answer, offset, db.pings - pings_before);
  };
  EXPECT_EQ(outcome(), std::tuple(std::string(), true, 0));
  db.clock_answers = false;
  EXPECT_EQ(outcome(), std::tuple(std::string("database-unavailable"), false, 0));
  db.server_clock = false;  // as on SQLite: the ping decides
  EXPECT_EQ(outcome(), std::tuple(std::string(), false, 1));
  db.ping_answers = false;
  EXPECT_EQ(outcome(), std::tuple(std::string("database-unavailable"), false, 1));
  inner.reset();
  std::filesystem::remove_all(dir);
}

TEST(NodeClock, ReadyzAndMetricsReportTheOffsetOnPostgreSQL) {
  ServerProcess s;
  s.start();
  auto c = s.client();
  auto ready = c.get("/readyz");
  ASSERT_EQ(ready.status, 200u) << ready.body;
  const std::string metrics = c.get("/metrics").body;
  if (!testing_postgresql()) {
    EXPECT_FALSE(ready.json().contains("clock_offset_ms")) << ready.body;
    EXPECT_EQ(metrics.find("darwaza_clock_offset_ms"), std::string::npos);
    return;
  }
  ASSERT_TRUE(ready.json().contains("clock_offset_ms")) << ready.body;
  EXPECT_LT(std::abs(ready.json()["clock_offset_ms"].get<double>()), api::kDefaultMaxClockSkewMs) << ready.body;
  EXPECT_NE(metrics.find("# TYPE darwaza_clock_offset_ms gauge"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("\ndarwaza_clock_offset_ms "), std::string::npos);
}
