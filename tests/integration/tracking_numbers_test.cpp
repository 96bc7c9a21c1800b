// Tracking numbers: the time prefix orders them, and a clash with a taken one (two drawn in the
// same 4 ms with the same random part) makes the submission draw again, its receipt and
// idempotency record written with the number kept. In process, over the test database (SQLite,
// or PostgreSQL in the PostgreSQL pass).
#include <deque>
#include <set>
#include <filesystem>
#include <regex>

#include <gtest/gtest.h>

#include "api/app.hpp"
#include "catalog/definition.hpp"
#include "certificates/certificate.hpp"
#include "identity/agencies.hpp"
#include "identity/synth.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

using namespace darwaza;
using namespace darwaza::test;
using nlohmann::json;

TEST(TrackingNumbers, LaterOnesSortAfterEarlierOnesAndTheRandomPartVaries) {
  const std::regex format("DZ(-[2-9A-HJ-NP-Z]{4}){4}");
  const UnixMs t = 1'796'000'000'000;  // December 2026
  std::string before = applications::new_tracking_number(t);
  EXPECT_TRUE(std::regex_match(before, format)) << before;
  for (UnixMs later : std::initializer_list<UnixMs>{t + 4, t + 1000, t + 86'400'000, t + UnixMs{100} * 365 * 86'400'000}) {
    std::string after = applications::new_tracking_number(later);
    EXPECT_TRUE(std::regex_match(after, format)) << after;
    EXPECT_LT(before, after) << later;
    EXPECT_LT(before.substr(0, 12), after.substr(0, 12)) << "the time part alone orders them";
  }
  // The same 4 ms: the same time part, the random part (8 symbols, 40 bits) differs.
  std::set<std::string> same_step;
  for (int i = 0; i < 200; ++i) {
    std::string n = applications::new_tracking_number(t);
    EXPECT_EQ(n.substr(0, 12), before.substr(0, 12)) << n;
    same_step.insert(n.substr(12));
  }
  EXPECT_EQ(same_step.size(), 200u);
  // Before the epoch (a clock set wrong): the lowest time part, still a valid number.
  EXPECT_EQ(applications::new_tracking_number(0).substr(0, 12), "DZ-2222-2222");
}

TEST(TrackingNumbers, AClashDrawsAgainAndTheReceiptAndReplayCarryTheNumberKept) {
  const std::string dir = make_temp_dir("dz-tracking");
  auto db = open_test_database(dir, 2);
  SystemClock clock;
  auto agencies = identity::load_agencies_file(DARWAZA_SOURCE_DIR "/data/agencies.json");
  ASSERT_TRUE(agencies.ok());
  ASSERT_TRUE(identity::Agencies(*db, clock).seed(*agencies).ok());
  std::vector<catalog::ServiceDefinition> defs;
  ASSERT_TRUE(catalog::check_directory(DARWAZA_TEST_FIXTURES "/services", &defs).empty());

  std::deque<std::string> script;  // numbers to hand out before drawing real ones
  int draws = 0;
  api::AppOptions ao;
  ao.password = crypto::PasswordParams{1, 8 * 1024};
  ao.documents_dir = dir + "/documents";
  ao.tracking_numbers = [&](UnixMs at) {
    ++draws;
    if (script.empty()) return applications::new_tracking_number(at);
    std::string n = script.front();
    script.pop_front();
    return n;
  };
  auto key = certificates::SigningKey::generate();
  const std::string public_key = key.public_key_b64();
  api::App app(*db, clock, ao, std::move(key));
  ASSERT_TRUE(app.catalog.load(defs).ok());
  identity::User u = identity::synth_citizen(7, 1, "argon2id-hash-placeholder", clock.now_ms());
  ASSERT_TRUE(db->write([&](storage::Tx& tx) {
                  tx.users().insert(u);
                  return ok_status();
                }).ok());
  Principal who;
  who.kind = Principal::Kind::user;
  who.user_id = u.id;
  applications::SubmitInput in;
  in.service_id = "test-permit";
  in.data = {{"purpose", "Tracking number clash"}, {"endpoints", {"8.8.8.0/24"}}};

  auto first = app.applications.submit(who, in, "en");
  ASSERT_TRUE(first.ok()) << first.error().detail;
  const std::string taken = first->application.tracking_number;

  // The next submission draws the taken number twice, then a free one.
  script = {taken, taken};
  draws = 0;
  in.idempotency_key = "clash-1";
  auto second = app.applications.submit(who, in, "en");
  ASSERT_TRUE(second.ok()) << second.error().detail;
  EXPECT_EQ(draws, 3);
  const std::string kept = second->application.tracking_number;
  EXPECT_NE(kept, taken);
  json receipt = json::parse(second->receipt);
  EXPECT_EQ(receipt["receipt"]["tracking_number"], kept) << "the receipt is written with the number kept";
  EXPECT_TRUE(certificates::verify_receipt(receipt, public_key).ok());
  auto read = app.applications.get(who, kept);
  ASSERT_TRUE(read.ok()) << read.error().detail;
  EXPECT_EQ(read->application.id, second->application.id);
  // A retry with the key answers with the same application and a receipt of the same number.
  auto replay = app.applications.submit(who, in, "en");
  ASSERT_TRUE(replay.ok()) << replay.error().detail;
  EXPECT_TRUE(replay->replayed);
  EXPECT_EQ(replay->application.tracking_number, kept);
  EXPECT_EQ(json::parse(replay->receipt)["receipt"]["tracking_number"], kept);

  // Nothing but taken numbers: the submission fails and writes nothing.
  script.assign(applications::kTrackingNumberDraws, taken);
  in.idempotency_key = "clash-2";
  auto refused = app.applications.submit(who, in, "en");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::internal);
  std::int64_t filed = 0;
  ASSERT_TRUE(db->read([&](storage::Tx& tx) {
                  filed = tx.applications().count();
                  return ok_status();
                }).ok());
  EXPECT_EQ(filed, 2);
  app.applications.stop_signing();
  db.reset();
  std::filesystem::remove_all(dir);
}
