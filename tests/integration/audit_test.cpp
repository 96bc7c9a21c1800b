// End-to-end: the audit chain records acts and reads of personal data by others, citizens see
// who looked at their data, auditors query and export, and `darwaza audit verify` finds each
// kind of tampering done directly to the database file.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <filesystem>

#include "audit/types.hpp"
#include "support/fixtures.hpp"
#include "support/test_database.hpp"

using namespace darwaza::test;
using nlohmann::json;

namespace {

std::string type_of(const HttpResponse& r) { return r.json().value("type", ""); }

json vpn(const Person& p) {
  return {{"registrant_name", p.name}, {"cnic", p.cnic}, {"email", p.email}, {"mobile", p.mobile},
          {"vpn_type", "ipsec"}, {"endpoints", {"8.8.8.0/24"}}, {"isp", "PTCL"},
          {"purpose", "Connecting to a client's network for development work"}};
}

// Activity on a fresh server: a citizen applies, a PTA officer claims and reads the application.
struct Scenario {
  Person citizen, officer;
  std::string application;
};

Scenario activity(ServerProcess& s) {
  HttpClient c = s.client();
  Scenario sc;
  sc.citizen = signed_in(c, "Audited Citizen");
  auto r = c.post_json("/v1/applications", {{"service_id", "pta-vpn-registration"}, {"data", vpn(sc.citizen)}},
                       bearer(sc.citizen.token));
  EXPECT_EQ(r.status, 201u) << r.body;
  sc.application = r.json().value("id", "");
  sc.officer = cli_user(s, "officer", "pta");
  sc.officer.token = login(c, sc.officer);
  EXPECT_EQ(c.post_json("/v1/applications/" + sc.application + "/claim", json::object(), bearer(sc.officer.token)).status, 200u);
  EXPECT_EQ(c.get("/v1/applications/" + sc.application, bearer(sc.officer.token)).status, 200u);
  // The citizen reading their own application is not someone else's look.
  EXPECT_EQ(c.get("/v1/applications/" + sc.application, bearer(sc.citizen.token)).status, 200u);
  return sc;
}

std::vector<std::string> args(const ServerProcess& s) { return {"--data", s.data_dir() + "/d"}; }

int verify(const std::string& data, std::string& out) { return run_darwaza({"audit", "verify", "--data", data}, out); }

void sql(const std::string& db_path, const std::string& statement) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "") << " in: " << statement;
  sqlite3_free(err);
  sqlite3_close(db);
}

// A copy of a stopped server's data folder, to tamper with.
std::string copy_of(const std::string& data) {
  std::string dir = make_temp_dir("darwaza-tamper") + "/d";
  std::filesystem::copy(data, dir, std::filesystem::copy_options::recursive);
  return dir;
}

class Audit : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server = new ServerProcess({"--catalog-dir", DARWAZA_SOURCE_DIR "/data/services", "--registry-dir",
                                DARWAZA_SOURCE_DIR "/data/registries"});
    server->start();
    scenario = new Scenario(activity(*server));
    // Stopping signs the final checkpoint; the tamper tests work on copies of this folder.
    ASSERT_EQ(server->stop(), 0);
    data = server->data_dir() + "/d";
  }
  static void TearDownTestSuite() {
    delete scenario;
    delete server;
  }
  static inline ServerProcess* server = nullptr;
  static inline Scenario* scenario = nullptr;
  static inline std::string data;
};

// The tamper tests edit the SQLite file of a copied data folder directly; they stay SQLite-only
// (the chain check itself is engine-neutral: it reads through the store interface).
class AuditTamper : public Audit {
 protected:
  static void SetUpTestSuite() {
    if (!testing_postgresql()) Audit::SetUpTestSuite();
  }
  void SetUp() override {
    if (testing_postgresql()) GTEST_SKIP() << "tampers with the SQLite file directly";
  }
};

TEST_F(Audit, IntactChainVerifiesWithCheckpoints) {
  std::string out;
  EXPECT_EQ(verify(data, out), 0) << out;
  EXPECT_NE(out.find("OK: "), std::string::npos) << out;
  EXPECT_EQ(out.find(" 0 signed checkpoints"), std::string::npos) << out;
}

TEST_F(AuditTamper, EditedEntryIsFound) {
  std::string dir = copy_of(data), out;
  sql(dir + "/darwaza.db", "UPDATE audit_log SET purpose = 'nothing to see' WHERE seq = 5");
  EXPECT_EQ(verify(dir, out), 1) << out;
  EXPECT_NE(out.find("BROKEN at entry 5"), std::string::npos) << out;
  EXPECT_NE(out.find("edited"), std::string::npos) << out;
}

TEST_F(AuditTamper, DeletedEntryIsFound) {
  std::string dir = copy_of(data), out;
  sql(dir + "/darwaza.db", "DELETE FROM audit_log WHERE seq = 6");
  EXPECT_EQ(verify(dir, out), 1) << out;
  EXPECT_NE(out.find("BROKEN at entry 6"), std::string::npos) << out;
}

TEST_F(AuditTamper, ReorderedEntriesAreFound) {
  std::string dir = copy_of(data), out;
  // Swap the contents of entries 4 and 5, keeping their positions.
  sql(dir + "/darwaza.db",
      "UPDATE audit_log SET seq = -4 WHERE seq = 4; UPDATE audit_log SET seq = 4 WHERE seq = 5; "
      "UPDATE audit_log SET seq = 5 WHERE seq = -4;");
  EXPECT_EQ(verify(dir, out), 1) << out;
  EXPECT_NE(out.find("BROKEN at entry 4"), std::string::npos) << out;
}

TEST_F(AuditTamper, InsertedEntryIsFoundEvenWithAValidOwnHash) {
  std::string dir = copy_of(data), out;
  std::string db = dir + "/darwaza.db";
  // Make room at position 3 and insert a forged entry that links correctly to entry 2 and
  // carries a correctly computed hash of its own: the forger knows the scheme.
  sql(db, "UPDATE audit_log SET seq = seq + 1000000 WHERE seq >= 3; UPDATE audit_log SET seq = seq - 999999 WHERE seq >= 1000000;");
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(h, "SELECT hash, at FROM audit_log WHERE seq = 2", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  darwaza::audit::Entry forged;
  forged.seq = 3;
  forged.prev_hash = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  forged.at = sqlite3_column_int64(st, 1);
  sqlite3_finalize(st);
  sqlite3_close(h);
  forged.actor = "usr_forged";
  forged.actor_role = "officer";
  forged.action = "application.read";
  forged.outcome = "ok";
  forged.hash = darwaza::audit::compute_hash(forged);
  sql(db, "INSERT INTO audit_log (seq, at, actor, actor_role, actor_agency, action, subject_user, subject_org, "
          "object_type, object_id, purpose, outcome, request_id, prev_hash, hash) VALUES (3, " +
              std::to_string(forged.at) + ", 'usr_forged', 'officer', '', 'application.read', '', '', '', '', '', 'ok', '', '" +
              forged.prev_hash + "', '" + forged.hash + "')");
  EXPECT_EQ(verify(dir, out), 1) << out;
  EXPECT_NE(out.find("BROKEN at entry 4"), std::string::npos) << out;  // the first genuine entry after it
}

TEST_F(AuditTamper, EntriesCutFromTheEndAreFoundByTheCheckpoint) {
  std::string dir = copy_of(data), out;
  sql(dir + "/darwaza.db", "DELETE FROM audit_log WHERE seq > (SELECT max(seq) - 2 FROM audit_log)");
  EXPECT_EQ(verify(dir, out), 1) << out;
  EXPECT_NE(out.find("removed from the end"), std::string::npos) << out;
}

TEST_F(AuditTamper, ForgedCheckpointSignatureIsFound) {
  std::string dir = copy_of(data), out;
  sql(dir + "/darwaza.db", "UPDATE audit_checkpoints SET at = at + 1");
  EXPECT_EQ(verify(dir, out), 1) << out;
  EXPECT_NE(out.find("signature"), std::string::npos) << out;
}

TEST_F(Audit, WhoLookedAtMyDataAndAuditorQueries) {
  ServerProcess s({"--catalog-dir", DARWAZA_SOURCE_DIR "/data/services", "--registry-dir",
                   DARWAZA_SOURCE_DIR "/data/registries"},
                  server->data_dir());
  s.start();
  HttpClient c = s.client();
  std::string citizen_token = login(c, scenario->citizen);
  auto seen = c.get("/v1/me/data-access", bearer(citizen_token));
  ASSERT_EQ(seen.status, 200u) << seen.body;
  json items = seen.json()["items"];
  bool officer_read = false;
  for (const auto& e : items) {
    EXPECT_NE(e["role"], "citizen") << e;  // the citizen's own acts are not listed
    if (e["action"] == "application.read" && e["agency"] == "pta" && e["role"] == "officer") officer_read = true;
  }
  EXPECT_TRUE(officer_read) << items;

  EXPECT_EQ(c.get("/v1/audit/entries").status, 401u);
  auto refused = c.get("/v1/audit/entries", bearer(citizen_token));
  EXPECT_EQ(refused.status, 403u);
  EXPECT_EQ(type_of(refused), "/problems/forbidden");
  Person officer = scenario->officer;
  EXPECT_EQ(c.get("/v1/audit/entries", bearer(login(c, officer))).status, 403u);

  Person auditor = cli_user(s, "auditor");
  auditor.token = login(c, auditor);
  auto q = c.get("/v1/audit/entries?subject_user=" + scenario->citizen.id + "&action=application.", bearer(auditor.token));
  ASSERT_EQ(q.status, 200u) << q.body;
  std::set<std::string> actions;
  const json found = q.json();
  for (const auto& e : found["items"]) actions.insert(e["action"].get<std::string>());
  EXPECT_TRUE(actions.count("application.submit")) << q.body;
  EXPECT_TRUE(actions.count("application.claim")) << q.body;
  EXPECT_TRUE(actions.count("application.read")) << q.body;
  EXPECT_EQ(c.get("/v1/audit/entries?from=yesterday", bearer(auditor.token)).status, 422u);
  auto exp = c.get("/v1/audit/export?agency=pta", bearer(auditor.token));
  ASSERT_EQ(exp.status, 200u);
  EXPECT_TRUE(exp.header("content-type").starts_with("application/x-ndjson")) << exp.header("content-type");
  std::istringstream lines(exp.body);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    auto j = json::parse(line);
    EXPECT_EQ(j["actor_agency"], "pta");
    EXPECT_EQ(j["hash"].get<std::string>().size(), 64u);
    ++n;
  }
  EXPECT_GE(n, 2);
  // The auditor's own queries are on the record too.
  auto own = c.get("/v1/audit/entries?actor=" + auditor.id + "&action=audit.query", bearer(auditor.token));
  EXPECT_GE(own.json()["items"].size(), 2u) << own.body;
  EXPECT_EQ(s.stop(), 0);
  std::string out;
  EXPECT_EQ(verify(s.data_dir() + "/d", out), 0) << out;
}

}  // namespace

namespace {

// Headers of a request that names its own id (X-Request-Id), with a bearer token if given.
std::map<std::string, std::string> with_id(const std::string& request_id, const std::string& token = {}) {
  auto h = token.empty() ? std::map<std::string, std::string>{} : bearer(token);
  h["X-Request-Id"] = request_id;
  return h;
}

// Every act of a person on their own account and firms, and the failed login, is on the record
// with the id of the HTTP request that did it: an auditor can follow an entry to its access-log line.
TEST(AuditRequestIds, IdentityActsCarryTheirRequestId) {
  ServerProcess s;
  s.start();
  HttpClient c = s.client();
  Person p = new_person("Traced Citizen");
  auto up = c.post_json("/v1/auth/signup",
                        {{"cnic", p.cnic}, {"name", p.name}, {"email", p.email}, {"mobile", p.mobile}, {"password", p.password}},
                        with_id("rid-signup-0001"));
  ASSERT_EQ(up.status, 201u) << up.body;
  p.id = up.json()["id"];
  EXPECT_EQ(c.post_json("/v1/auth/login", {{"login", p.email}, {"password", "not the password"}}, with_id("rid-badlogin-01"))
                .status,
            401u);
  auto in = c.post_json("/v1/auth/login", {{"login", p.email}, {"password", p.password}}, with_id("rid-login-00001"));
  ASSERT_EQ(in.status, 200u) << in.body;
  p.token = in.json()["token"];
  EXPECT_EQ(c.patch_json("/v1/me", {{"name", "Traced Citizen Renamed"}}, with_id("rid-profile-001", p.token)).status, 200u);
  // The person is also a PSEB officer: their own firm's acts are still a citizen's, not PSEB's.
  Person admin = cli_user(s, "agency_admin", "pseb");
  admin.token = login(c, admin);
  ASSERT_EQ(c.post_json("/v1/agencies/pseb/staff", {{"person", p.email}, {"role", "officer"}}, bearer(admin.token)).status,
            201u);
  auto org = c.post_json("/v1/organisations", {{"name", "Traced Labs"}, {"ntn", p.cnic.substr(6, 7) + "-5"}},
                         with_id("rid-orgcreate01", p.token));
  ASSERT_EQ(org.status, 201u) << org.body;
  const std::string org_id = org.json()["id"];
  Person q = signed_in(c, "Traced Member");
  EXPECT_EQ(c.post_json("/v1/organisations/" + org_id + "/members", {{"person", q.email}}, with_id("rid-addmember01", p.token))
                .status,
            201u);
  EXPECT_EQ(c.request("DELETE", "/v1/organisations/" + org_id + "/members/" + q.id, {}, with_id("rid-rmmember001", p.token))
                .status,
            204u);
  // A failed login sent with someone's valid token is still nobody's known act.
  EXPECT_EQ(
      c.post_json("/v1/auth/login", {{"login", q.email}, {"password", "not the password"}}, with_id("rid-badlogin-02", q.token))
          .status,
      401u);
  auto client = c.post_json("/v1/agencies/pseb/clients", {{"name", "traced client"}}, bearer(admin.token));
  ASSERT_EQ(client.status, 201u) << client.body;
  auto form = with_id("rid-clienttok01");
  form["Content-Type"] = "application/x-www-form-urlencoded";
  EXPECT_EQ(c.request("POST", "/v1/oauth/token",
                      "grant_type=client_credentials&client_id=" + client.json()["client_id"].get<std::string>() +
                          "&client_secret=" + client.json()["client_secret"].get<std::string>(),
                      form)
                .status,
            200u);
  EXPECT_EQ(c.request("POST", "/v1/auth/logout", {}, with_id("rid-logout-0001", p.token)).status, 204u);

  Person auditor = cli_user(s, "auditor");
  auditor.token = login(c, auditor);
  std::map<std::string, json> by_request;  // request id -> its entry
  for (const std::string& query :
       std::vector<std::string>{"?subject_user=" + p.id, "?subject_user=" + q.id, "?action=session.client_token"}) {
    auto r = c.get("/v1/audit/entries" + query + "&limit=200", bearer(auditor.token));
    ASSERT_EQ(r.status, 200u) << r.body;
    const json page = r.json();
    for (const auto& e : page["items"]) by_request[e.value("request_id", "")] = e;
  }
  const std::vector<std::tuple<std::string, std::string, std::string>> expected = {
      // request id, action, actor
      {"rid-signup-0001", "account.create", p.id},
      {"rid-badlogin-01", "session.login_failed", "anonymous"},
      {"rid-badlogin-02", "session.login_failed", "anonymous"},
      {"rid-login-00001", "session.login", p.id},
      {"rid-profile-001", "profile.update", p.id},
      {"rid-orgcreate01", "organisation.create", p.id},
      {"rid-logout-0001", "session.logout", p.id},
      {"rid-clienttok01", "session.client_token", client.json()["client_id"]},
  };
  for (const auto& [rid, action, actor] : expected) {
    ASSERT_TRUE(by_request.count(rid)) << rid << " (" << action << ") is not on the record";
    EXPECT_EQ(by_request[rid]["action"], action) << rid;
    EXPECT_EQ(by_request[rid]["actor"], actor) << rid;
  }
  for (const char* own : {"rid-orgcreate01", "rid-addmember01", "rid-rmmember001", "rid-logout-0001"}) {
    EXPECT_EQ(by_request[own]["actor_role"], "citizen") << own;
    EXPECT_EQ(by_request[own]["actor_agency"], "") << own;
  }
  // The member's entries are about the member (subject), done by the owner in those requests.
  auto members = c.get("/v1/audit/entries?subject_user=" + q.id + "&action=organisation.member.", bearer(auditor.token));
  ASSERT_EQ(members.status, 200u) << members.body;
  std::map<std::string, std::string> member_acts;
  const json member_page = members.json();
  for (const auto& e : member_page["items"]) {
    member_acts[e["action"]] = e["request_id"];
    EXPECT_EQ(e["actor"], p.id) << e;
  }
  EXPECT_EQ(member_acts["organisation.member.add"], "rid-addmember01");
  EXPECT_EQ(member_acts["organisation.member.remove"], "rid-rmmember001");
  EXPECT_EQ(s.stop(), 0);
}

}  // namespace
