// End-to-end: `darwaza synth` at a small size. The counts are right, the CNICs valid and unique,
// a synthetic citizen logs in and sees their applications, the tracking-number look-up (the
// exchange query of the handling agency) finds one, the audit chain verifies, and a database
// that already has people in it is refused.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "identity/synth.hpp"
#include "identity/validate.hpp"
#include "storage/database.hpp"
#include "support/fixtures.hpp"
#include "support/test_database.hpp"

using namespace darwaza;
using namespace darwaza::test;
using nlohmann::json;

namespace {

constexpr int kCitizens = 500;
constexpr int kApplications = 2000;
constexpr int kServices = 50;
constexpr std::uint64_t kSeed = 7;

struct SampleRow {
  std::string cnic, user_id, application_id, tracking, agency, state;
};

std::vector<SampleRow> read_sample(const std::string& path) {
  std::vector<SampleRow> rows;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream f(line);
    SampleRow r;
    std::getline(f, r.cnic, '\t');
    std::getline(f, r.user_id, '\t');
    std::getline(f, r.application_id, '\t');
    std::getline(f, r.tracking, '\t');
    std::getline(f, r.agency, '\t');
    std::getline(f, r.state, '\t');
    rows.push_back(r);
  }
  return rows;
}

std::string after(const std::string& out, const std::string& marker) {
  auto at = out.find(marker);
  if (at == std::string::npos) return {};
  at += marker.size();
  return out.substr(at, out.find('\n', at) - at);
}

std::unique_ptr<storage::Database> open_data(const std::string& data) { return open_test_database(data, 2); }

}  // namespace

TEST(Synth, SmallDatabaseServesItsSyntheticPeople) {
  const std::string dir = make_temp_dir("darwaza-synth");
  const std::string data = dir + "/d";  // the folder ServerProcess(…, dir) serves
  const std::string sample_path = dir + "/sample.tsv";
  std::string out;
  ASSERT_EQ(run_darwaza({"synth", "--data", data, "--citizens", std::to_string(kCitizens), "--applications",
                         std::to_string(kApplications), "--services", std::to_string(kServices), "--seed",
                         std::to_string(kSeed), "--sample-out", sample_path, "--sample-rows", "200"},
                        out),
            0)
      << out;
  const std::string password = after(out, "password of every synthetic account: ");
  ASSERT_FALSE(password.empty()) << out;

  // Counts, read from the database itself; every generated CNIC is there, valid and distinct.
  {
    auto db = open_data(data);
    Status s = db->read([&](storage::Tx& tx) -> Status {
      EXPECT_EQ(tx.users().count(), kCitizens);
      EXPECT_EQ(tx.applications().count(), kApplications);
      std::set<std::string> cnics;
      for (int i = 0; i < kCitizens; ++i) {
        const std::string cnic = identity::synth_cnic(kSeed, i);
        EXPECT_TRUE(identity::valid_cnic(cnic)) << cnic;
        cnics.insert(cnic);
        auto u = tx.users().by_cnic(cnic);
        EXPECT_TRUE(u && u->id == identity::synth_user_id(kSeed, i)) << cnic;
      }
      EXPECT_EQ(cnics.size(), static_cast<std::size_t>(kCitizens));
      return ok_status();
    });
    ASSERT_TRUE(s.ok());
  }

  auto sample = read_sample(sample_path);
  ASSERT_EQ(sample.size(), 200u);
  std::set<std::string> states;
  for (const auto& r : sample) states.insert(r.state);
  EXPECT_GE(states.size(), 4u) << "applications should be spread over several states";
  const SampleRow* row = nullptr;
  for (const auto& r : sample)
    if (r.state != "draft") row = &r;
  ASSERT_NE(row, nullptr);

  {
    ServerProcess s({}, dir);
    s.start();
    HttpClient c = s.client();
    // The synthetic citizen logs in with the printed password and sees their applications.
    Person citizen;
    citizen.cnic = row->cnic;
    citizen.password = password;
    const std::string token = login(c, citizen);
    ASSERT_FALSE(token.empty());
    auto me = c.get("/v1/me", bearer(token));
    ASSERT_EQ(me.status, 200u) << me.body;
    EXPECT_EQ(me.json()["cnic"], row->cnic);
    auto mine = c.get("/v1/applications?page_size=100", bearer(token));
    ASSERT_EQ(mine.status, 200u) << mine.body;
    bool listed = false;
    const nlohmann::json page = mine.json();  // the loop must not range over a temporary's member
    for (const auto& a : page["items"]) listed = listed || a.value("id", "") == row->application_id;
    EXPECT_TRUE(listed) << mine.body;
    auto one = c.get("/v1/applications/" + row->application_id, bearer(token));
    ASSERT_EQ(one.status, 200u) << one.body;
    EXPECT_EQ(one.json()["tracking_number"], row->tracking);
    EXPECT_EQ(one.json()["state"], row->state);
    EXPECT_FALSE(one.json()["timeline"].empty()) << one.body;

    // The tracking-number look-up: the handling agency's officer asks the exchange.
    Person officer = cli_user(s, "officer", row->agency);
    officer.token = login(c, officer);
    auto found = c.post_json("/v1/exchange/registries/applications/query",
                             {{"record", row->tracking}, {"fields", {"tracking_number", "state"}},
                              {"purpose", "Scale test of the tracking-number look-up"}},
                             bearer(officer.token));
    ASSERT_EQ(found.status, 200u) << found.body;
    ASSERT_EQ(found.json()["items"].size(), 1u) << found.body;
    EXPECT_EQ(found.json()["items"][0]["fields"]["tracking_number"], row->tracking) << found.body;
    auto unknown = c.post_json("/v1/exchange/registries/applications/query",
                               {{"record", "DZ-2222-2222-2222-2222"}, {"fields", {"state"}},
                                {"purpose", "Scale test of the tracking-number look-up"}},
                               bearer(officer.token));
    EXPECT_EQ(unknown.status, 404u) << unknown.body;
    ASSERT_EQ(s.stop(), 0);
  }

  ASSERT_EQ(run_darwaza({"audit", "verify", "--data", data}, out), 0) << out;
  EXPECT_NE(out.find("OK: "), std::string::npos) << out;

  // A database with people in it is refused, and nothing is added.
  EXPECT_EQ(run_darwaza({"synth", "--data", data, "--citizens", "10", "--services", "5"}, out), 2) << out;
  EXPECT_NE(out.find("refusing"), std::string::npos) << out;
  auto db = open_data(data);
  auto people = storage::read_value<std::int64_t>(*db, [](storage::Tx& tx) -> Result<std::int64_t> {
    return tx.users().count();
  });
  ASSERT_TRUE(people.ok());
  EXPECT_EQ(*people, kCitizens + 1);  // the synthetic citizens and the officer
}

TEST(Synth, BadOptionsAreRefused) {
  const std::string dir = make_temp_dir("darwaza-synth-bad");
  std::string out;
  EXPECT_NE(run_darwaza({"synth", "--data", dir + "/d", "--citizens", "-5"}, out), 0) << out;
  EXPECT_NE(out.find("--citizens"), std::string::npos) << out;
  EXPECT_NE(run_darwaza({"synth", "--data", dir + "/d", "--services", "0"}, out), 0) << out;
  EXPECT_EQ(run_darwaza({"synth", "--data", dir + "/d", "--applications", "10"}, out), 2) << out;
  EXPECT_NE(out.find("--applications needs --citizens"), std::string::npos) << out;
  ASSERT_EQ(run_darwaza({"synth", "--help"}, out), 0) << out;
  EXPECT_NE(out.find("SYNTHETIC"), std::string::npos) << out;
}
