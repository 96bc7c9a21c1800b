// Consent rules against a temporary database and a hand-set clock: a consent answers the exchange
// through its last day and not a day later; a revoked one not at all; coverage is all-or-nothing.
#include <gtest/gtest.h>

#include <set>

#include "audit/audit.hpp"
#include "consent/consents.hpp"
#include "consent/exchange.hpp"
#include "core/working_days.hpp"
#include "identity/agencies.hpp"
#include "registries/schema.hpp"
#include "temp_db.hpp"

using namespace darwaza;

namespace {

constexpr UnixMs kStart = 1'795'000'000'000;  // 2026-11-18, mid-morning in Pakistan

struct World {
  World() : clock(kStart) {
    auto agencies = identity::load_agencies_file(DARWAZA_SOURCE_DIR "/data/agencies.json");
    EXPECT_TRUE(agencies.ok());
    EXPECT_TRUE(identity::Agencies(*db, clock).seed(*agencies).ok());
    registries = std::make_unique<registries::Registries>(*db, clock, false);
    EXPECT_TRUE(registries->open().ok());
    std::vector<registries::SchemaFile> files;
    EXPECT_TRUE(registries::check_registry_directory(DARWAZA_SOURCE_DIR "/data/registries", &files).empty());
    EXPECT_TRUE(registries->load(files).ok());
    consents = std::make_unique<consent::Consents>(*db, clock, *registries);
    exchange = std::make_unique<consent::Exchange>(*db, clock, *registries, *consents);
    citizen.kind = Principal::Kind::user;
    citizen.user_id = "usr_citizen";
    agency.kind = Principal::Kind::api_client;
    agency.client_id = "cli_stza";
    agency.agency_id = "stza";
    Status s = db->write([&](storage::Tx& tx) -> Status {
      tx.users().insert({citizen.user_id, "35202-1234567-1", "Sana Tariq", "sana@example.pk", "+923001234567", "x"});
      registries::Record r;
      r.id = "rec_sana";
      r.registry = "pseb-freelancers";
      r.number = "PSEB-F-2026-000001";
      r.subject_user_id = citizen.user_id;
      r.valid_from = pkt_date(kStart);
      r.data = R"({"full_name": "Sana Tariq", "cnic": "35202-1234567-1", "skills": ["Rust"]})";
      tx.registries().insert(r, "");
      return ok_status();
    });
    EXPECT_TRUE(s.ok());
  }
  ~World() {
    exchange.reset();
    consents.reset();
    registries.reset();
  }
  consent::ConsentRequest request(std::vector<std::string> fields, std::string valid_until) {
    return {"stza", "pseb-freelancers", std::move(fields), "Checking freelancer standing for an account",
            std::move(valid_until), ""};
  }
  Result<std::vector<consent::ExchangeItem>> ask(std::vector<std::string> fields) {
    return exchange->query(agency, {"pseb-freelancers", "PSEB-F-2026-000001", "", "", std::move(fields),
                                    "Checking freelancer standing for an account", ""},
                           "en");
  }

  testing_support::TempDb tmp{"dz-consent"};  // first member: removed last
  std::unique_ptr<storage::Database>& db = tmp.db;
  ManualClock clock;
  std::unique_ptr<registries::Registries> registries;
  std::unique_ptr<consent::Consents> consents;
  std::unique_ptr<consent::Exchange> exchange;
  Principal citizen, agency;
};

}  // namespace

TEST(ConsentRules, ActiveThroughItsLastDayOnly) {
  consent::Consent c;
  c.valid_until = "2026-11-30";
  EXPECT_TRUE(consent::active(c, "2026-11-18"));
  EXPECT_TRUE(consent::active(c, "2026-11-30"));
  EXPECT_FALSE(consent::active(c, "2026-12-01"));
  c.revoked_at = 1;
  EXPECT_FALSE(consent::active(c, "2026-11-18"));
}

TEST(ConsentRules, CoverageIsAllOrNothing) {
  EXPECT_TRUE(consent::covers({"a", "b"}, {"b"}));
  EXPECT_TRUE(consent::covers({"a", "b"}, {"a", "b"}));
  EXPECT_FALSE(consent::covers({"a"}, {"a", "b"}));
  EXPECT_FALSE(consent::covers({}, {"a"}));
}

TEST(ConsentRules, ExpiredConsentStopsTheExchangeTheNextDay) {
  World w;
  const std::string today = pkt_date(w.clock.now_ms());
  auto c = w.consents->grant(w.citizen, w.request({"full_name", "skills"}, today), "en");
  ASSERT_TRUE(c.ok()) << c.error().detail;

  auto answered = w.ask({"full_name"});
  ASSERT_TRUE(answered.ok()) << answered.error().type;
  ASSERT_EQ(answered->size(), 1u);
  EXPECT_EQ((*answered)[0].basis, "consent:" + c->id);
  EXPECT_EQ((*answered)[0].fields, nlohmann::json({{"full_name", "Sana Tariq"}}));

  w.clock.advance_ms(kDayMs);
  auto expired = w.ask({"full_name"});
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().type, "exchange-no-basis");

  // The refusal is on the log: the answer's entry, then the denied one.
  storage::AuditQuery q;
  q.action = "exchange.query";
  auto entries = storage::read_value<std::vector<audit::Entry>>(*w.db, [&](storage::Tx& tx) -> Result<std::vector<audit::Entry>> {
    return tx.audit().query(q);
  });
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 2u);
  std::set<std::string> outcomes{(*entries)[0].outcome, (*entries)[1].outcome};
  EXPECT_EQ(outcomes, (std::set<std::string>{"ok", "denied"}));
}

TEST(ConsentRules, GrantRefusesPastDatesAndRevocationIsImmediate) {
  World w;
  auto past = w.consents->grant(w.citizen, w.request({"full_name"}, pkt_date(w.clock.now_ms() - kDayMs)), "en");
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.error().kind, ErrorKind::validation);
  auto too_far = w.consents->grant(
      w.citizen, w.request({"full_name"}, pkt_date_plus_days(w.clock.now_ms(), consent::kMaxValidityDays + 1)), "en");
  EXPECT_FALSE(too_far.ok());

  auto c = w.consents->grant(w.citizen, w.request({"full_name"}, pkt_date_plus_days(w.clock.now_ms(), 30)), "en");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(w.ask({"full_name"}).ok());
  auto not_covered = w.ask({"full_name", "cnic"});
  ASSERT_FALSE(not_covered.ok());
  EXPECT_EQ(not_covered.error().type, "exchange-fields-not-covered");
  ASSERT_TRUE(w.consents->revoke(w.citizen, c->id).ok());
  auto after = w.ask({"full_name"});
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().type, "exchange-no-basis");
}
