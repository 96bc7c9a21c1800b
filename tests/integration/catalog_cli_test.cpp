// End-to-end: `darwaza catalog check|load|synth` and definition versions binding applications.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "support/fixtures.hpp"

using namespace darwaza::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

json fixture(const std::string& name) {
  std::ifstream in(std::string(DARWAZA_TEST_FIXTURES) + "/services/" + name + ".json");
  return json::parse(in);
}

void write(const fs::path& p, const json& j) { std::ofstream(p) << j.dump(2); }

}  // namespace

TEST(CatalogCli, LoadIsAllOrNothingAndVersioned) {
  fs::path dir = make_temp_dir("darwaza-catalog");
  fs::path defs = dir / "defs";
  fs::create_directories(defs);
  write(defs / "a.json", fixture("test-permit"));
  json bad = fixture("test-firm-licence");
  bad["agency"] = "no-such-agency";
  write(defs / "b.json", bad);
  std::string out;
  std::string data = (dir / "data").string();
  // Each problem as `file: path: message`.
  const std::string unknown_agency = (defs / "b.json").string() + ": /agency: no agency \"no-such-agency\"";
  EXPECT_NE(run_darwaza({"catalog", "check", defs.string()}, out), 0);
  EXPECT_NE(out.find(unknown_agency), std::string::npos) << out;
  EXPECT_EQ(run_darwaza({"catalog", "load", defs.string(), "--data", data}, out), 1) << out;
  EXPECT_NE(out.find(unknown_agency), std::string::npos) << out;
  EXPECT_NE(out.find("nothing was loaded"), std::string::npos) << out;

  fs::remove(defs / "b.json");
  ASSERT_EQ(run_darwaza({"catalog", "load", defs.string(), "--data", data}, out), 0) << out;
  EXPECT_NE(out.find("1 added"), std::string::npos) << out;  // nothing of the failed load was kept
  ASSERT_EQ(run_darwaza({"catalog", "load", defs.string(), "--data", data}, out), 0) << out;
  EXPECT_NE(out.find("1 unchanged"), std::string::npos) << out;
  json changed = fixture("test-permit");
  changed["title"]["en"] = "Test permit (revised)";
  write(defs / "a.json", changed);
  ASSERT_EQ(run_darwaza({"catalog", "load", defs.string(), "--data", data}, out), 0) << out;
  EXPECT_NE(out.find("1 updated"), std::string::npos) << out;
  fs::remove_all(dir);
}

TEST(CatalogCli, ApplicationsStayBoundToTheirVersion) {
  fs::path dir = make_temp_dir("darwaza-versions");
  fs::path defs = dir / "defs";
  fs::create_directories(defs);
  write(defs / "a.json", fixture("test-permit"));
  json data = {{"purpose", "Before the change"}, {"endpoints", {"8.8.8.8"}}};
  std::string first_id;
  Person p;
  {
    ServerProcess s({"--catalog-dir", defs.string()}, (dir / "srv").string());
    s.start();
    auto c = s.client();
    p = signed_in(c);
    auto r = c.post_json("/v1/applications", {{"service_id", "test-permit"}, {"data", data}},
                         {{"Authorization", "Bearer " + p.token}, {"Idempotency-Key", "filed-before-the-change"}});
    ASSERT_EQ(r.status, 201u) << r.body;
    first_id = r.json()["id"];
    EXPECT_EQ(r.json()["service_version"], 1);
  }
  json v2 = fixture("test-permit");
  v2["workflow"]["states"][0]["label"]["en"] = "Received";
  v2["form"][0]["max"] = 10;  // tighter rule in version 2
  write(defs / "a.json", v2);
  ServerProcess s({"--catalog-dir", defs.string()}, (dir / "srv").string());
  s.start();
  auto c = s.client();
  EXPECT_EQ(c.get("/v1/services/test-permit").json()["version"], 2);
  auto old = c.get("/v1/applications/" + first_id, bearer(p.token));
  ASSERT_EQ(old.status, 200u) << old.body;
  EXPECT_EQ(old.json()["service_version"], 1);
  EXPECT_EQ(old.json()["state_label"], "Submitted");  // version 1's label
  // A retry of the first filing (same key, same body) answers with its first result, although
  // the body no longer passes the form; without the key, the same body is a new filing and refused.
  auto retry = c.post_json("/v1/applications", {{"service_id", "test-permit"}, {"data", data}},
                           {{"Authorization", "Bearer " + p.token}, {"Idempotency-Key", "filed-before-the-change"}});
  ASSERT_EQ(retry.status, 201u) << retry.body;
  EXPECT_EQ(retry.json()["id"], first_id);
  EXPECT_EQ(retry.header("idempotent-replayed"), "true");
  auto fresh_key = c.post_json("/v1/applications", {{"service_id", "test-permit"}, {"data", data}},
                               {{"Authorization", "Bearer " + p.token}, {"Idempotency-Key", "a-new-filing"}});
  EXPECT_EQ(fresh_key.status, 422u) << fresh_key.body;
  auto r = c.post_json("/v1/applications", {{"service_id", "test-permit"}, {"data", data}}, bearer(p.token));
  EXPECT_EQ(r.status, 422u) << r.body;  // version 2's rule applies to new filings
  data["purpose"] = "Short";
  r = c.post_json("/v1/applications", {{"service_id", "test-permit"}, {"data", data}}, bearer(p.token));
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(r.json()["service_version"], 2);
  EXPECT_EQ(r.json()["state_label"], "Received");
  s.stop();
  fs::remove_all(dir);
}

// A running node files each submission under the version current in the store at that moment:
// a version another process loads (`darwaza catalog load` beside a running SQLite node, another
// node on PostgreSQL) applies to the next submission, although the node has parsed and kept the
// previous version's definition.
TEST(CatalogCli, ARunningNodeFilesUnderAVersionLoadedBesideIt) {
  fs::path dir = make_temp_dir("darwaza-catalog-live");
  fs::path defs = dir / "defs";
  fs::create_directories(defs);
  write(defs / "a.json", fixture("test-permit"));
  ServerProcess s({"--catalog-dir", defs.string()}, (dir / "srv").string());
  s.start();
  auto c = s.client();
  Person p = signed_in(c);
  json data = {{"purpose", "Before the change"}, {"endpoints", {"8.8.8.8"}}};
  auto r = c.post_json("/v1/applications", {{"service_id", "test-permit"}, {"data", data}}, bearer(p.token));
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(r.json()["service_version"], 1);
  json v2 = fixture("test-permit");
  v2["form"][0]["max"] = 10;  // tighter rule in version 2
  write(defs / "a.json", v2);
  std::string out;
  std::vector<std::string> load = {"catalog", "load", defs.string(), "--data", s.data_dir() + "/d"};
  if (!s.db_url().empty()) load.insert(load.end(), {"--db", s.db_url()});  // PostgreSQL: the node's database
  ASSERT_EQ(run_darwaza(load, out), 0) << out;
  r = c.post_json("/v1/applications", {{"service_id", "test-permit"}, {"data", data}}, bearer(p.token));
  EXPECT_EQ(r.status, 422u) << r.body;  // version 2's rule, at once
  data["purpose"] = "Short";
  r = c.post_json("/v1/applications", {{"service_id", "test-permit"}, {"data", data}}, bearer(p.token));
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(r.json()["service_version"], 2);
  s.stop();
  fs::remove_all(dir);
}

TEST(CatalogCli, SynthWritesValidDefinitions) {
  fs::path dir = make_temp_dir("darwaza-synth");
  std::string out;
  ASSERT_EQ(run_darwaza({"catalog", "synth", "--count", "40", "--out", dir.string()}, out), 0) << out;
  // 40 definitions, and the folder of the registries they name.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}), 41);
  EXPECT_EQ(run_darwaza({"registry", "check", (dir / "registries").string()}, out), 0) << out;
  EXPECT_EQ(run_darwaza({"catalog", "check", dir.string(), "--registries", (dir / "registries").string()}, out), 0)
      << out;
  EXPECT_EQ(out.find("not checked"), std::string::npos) << out;
  // Without them, the registries the definitions name are not there.
  EXPECT_EQ(run_darwaza({"catalog", "check", dir.string()}, out), 1) << out;
  EXPECT_NE(out.find("no registry"), std::string::npos) << out;
  fs::remove_all(dir);
}

// What a definition asks of the registries is checked before it is loaded: an approval could
// otherwise never write its record (each problem names the file and the definition's path).
TEST(CatalogCli, CheckNamesWhatTheRegistriesCannotGive) {
  fs::path dir = make_temp_dir("darwaza-catalog-registries");
  std::ifstream in(std::string(DARWAZA_SOURCE_DIR) + "/data/services/stp-tenancy.json");
  const json good = json::parse(in);
  struct Case {
    std::string name, path, words;
    std::function<void(json&)> edit;
  };
  const std::vector<Case> cases = {
      {"unknown registry", "/registry/registry", "no registry \"no-such-registry\"",
       [](json& j) { j["registry"]["registry"] = "no-such-registry"; }},
      {"unknown registry of a reference", "/form/2/registry", "no registry \"no-such-parks\"",
       [](json& j) { j["form"][2]["registry"] = "no-such-parks"; }},
      {"citizens applying for an organisations' registry", "/applicant", "organisations only",
       [](json& j) { j["applicant"] = "both"; }},
      {"a mapping to a field the registry lacks", "/registry/map/no_such_field", "has no field",
       [](json& j) { j["registry"]["map"] = {{"no_such_field", "form.firm_name"}}; }},
      {"a required registry field from an optional form field", "/registry", "optional",
       [](json& j) { j["form"][3]["required"] = false; }},
  };
  for (const auto& k : cases) {
    fs::path defs = dir / k.name;
    fs::create_directories(defs);
    json j = good;
    k.edit(j);
    write(defs / "stp-tenancy.json", j);
    std::string out;
    EXPECT_EQ(run_darwaza({"catalog", "check", defs.string()}, out), 1) << k.name << ": " << out;
    EXPECT_NE(out.find((defs / "stp-tenancy.json").string() + ": " + k.path + ": "), std::string::npos)
        << k.name << ": " << out;
    EXPECT_NE(out.find(k.words), std::string::npos) << k.name << ": " << out;
  }
  fs::path defs = dir / "good";
  fs::create_directories(defs);
  write(defs / "stp-tenancy.json", good);
  std::string out;
  EXPECT_EQ(run_darwaza({"catalog", "check", defs.string()}, out), 0) << out;
  fs::remove_all(dir);
}

// `catalog load` checks the same against the registries its database holds: a definition that
// does not fit a stored registry is refused by file and path, and nothing of its folder is
// loaded; one naming a registry the database does not hold yet loads with a warning (registries
// may be loaded after the catalog).
TEST(CatalogCli, LoadChecksTheRegistriesItsDatabaseHolds) {
  fs::path dir = make_temp_dir("darwaza-catalog-load-registries");
  const std::string data = (dir / "d").string();
  std::ifstream in(std::string(DARWAZA_SOURCE_DIR) + "/data/services/stp-tenancy.json");
  const json good = json::parse(in);
  std::string out;
  ASSERT_EQ(run_darwaza({"registry", "load", DARWAZA_SOURCE_DIR "/data/registries", "--data", data}, out), 0) << out;

  fs::path bad = dir / "bad";
  fs::create_directories(bad);
  json mapped = good;
  mapped["registry"]["map"] = {{"no_such_field", "form.firm_name"}};
  write(bad / "stp-tenancy.json", mapped);
  fs::copy_file(DARWAZA_TEST_FIXTURES "/services/test-permit.json", bad / "test-permit.json");
  EXPECT_EQ(run_darwaza({"catalog", "load", bad.string(), "--data", data}, out), 1) << out;
  EXPECT_NE(out.find((bad / "stp-tenancy.json").string() + ": /registry/map/no_such_field: "), std::string::npos) << out;
  EXPECT_NE(out.find("nothing was loaded"), std::string::npos) << out;

  fs::path later = dir / "later";
  fs::create_directories(later);
  json unloaded = good;
  unloaded["registry"]["registry"] = "stp-tenancies-2027";
  write(later / "stp-tenancy.json", unloaded);
  fs::copy_file(DARWAZA_TEST_FIXTURES "/services/test-permit.json", later / "test-permit.json");
  EXPECT_EQ(run_darwaza({"catalog", "load", later.string(), "--data", data}, out), 0) << out;
  EXPECT_NE(out.find("names registry stp-tenancies-2027, which is not loaded"), std::string::npos) << out;
  EXPECT_NE(out.find("2 added"), std::string::npos) << "the refused folder loaded nothing: " << out;
  fs::remove_all(dir);
}

// A catalog loaded into a running server's database by the command-line tool (or by another
// node) is found by that server's search within seconds, without a restart: the server refreshes
// its in-memory index in the background. A signed-in caller's search answers the same as anyone's.
TEST(CatalogCli, ALoadIntoARunningServersDatabaseIsSearchableThere) {
  constexpr int kFollowDeadlineMs = 15000;  // the server refreshes every second; allow plenty
  fs::path dir = make_temp_dir("darwaza-catalog-follow");
  {  // the server's log is collected (for the log scan) when it is destroyed, before the folder goes
    ServerProcess s({"--catalog-dir", DARWAZA_TEST_FIXTURES "/services"}, (dir / "srv").string());
    s.start();
    HttpClient c = s.client();
    ASSERT_EQ(c.get("/v1/services?q=quokka").json()["total"], 0);
    fs::create_directories(dir / "more");
    json extra = fixture("test-permit");
    extra["id"] = "quokka-permit";
    extra["title"]["en"] = "Quokka husbandry permit";
    write(dir / "more" / "quokka-permit.json", extra);
    std::string out;
    ASSERT_EQ(run_darwaza({"catalog", "load", (dir / "more").string(), "--data", s.data_dir() + "/d"}, out), 0) << out;
    json found;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kFollowDeadlineMs);
    while (std::chrono::steady_clock::now() < deadline) {
      found = c.get("/v1/services?q=quokka").json();
      if (found["total"] == 1) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));  // polling interval
    }
    ASSERT_EQ(found["total"], 1) << found;
    EXPECT_EQ(found["items"][0]["id"], "quokka-permit");
    Person p = signed_in(c);
    EXPECT_EQ(c.get("/v1/services?q=quokka", bearer(p.token)).json(), found);
    EXPECT_EQ(c.get("/v1/services?q=quokka", bearer("not-a-session-token")).json(), found);
    EXPECT_EQ(s.stop(), 0);
  }
  fs::remove_all(dir);
}
