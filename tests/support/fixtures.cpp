#include "support/fixtures.hpp"
#include "support/test_database.hpp"

#include <algorithm>
#include <atomic>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

namespace darwaza::test {

Person new_person(const std::string& name) {
  static std::atomic<int> counter{0};
  int n = ++counter;
  int pid = static_cast<int>(getpid()) % 100000;
  Person p;
  p.cnic = fmt::format("{:05}-{:07}-{}", pid, n, n % 10);
  p.name = name;
  p.email = fmt::format("person{}.{}@example.pk", pid, n);
  p.mobile = fmt::format("+9230{:08}", (pid * 1000 + n) % 100000000);
  p.password = "correct horse battery " + std::to_string(n);
  return p;
}

std::string login(HttpClient& c, const Person& p) {
  auto r = c.post_json("/v1/auth/login", {{"login", p.cnic}, {"password", p.password}});
  EXPECT_EQ(r.status, 200u) << r.body;
  return r.json().value("token", "");
}

Person signed_in(HttpClient& c, const std::string& name) {
  Person p = new_person(name);
  auto r = c.post_json("/v1/auth/signup",
                       {{"cnic", p.cnic}, {"name", p.name}, {"email", p.email}, {"mobile", p.mobile}, {"password", p.password}});
  EXPECT_EQ(r.status, 201u) << r.body;
  p.id = r.json().value("id", "");
  p.token = login(c, p);
  return p;
}

Person cli_user(const ServerProcess& s, const std::string& role, const std::string& agency) {
  Person p = new_person(role + " " + agency);
  std::vector<std::string> args = {"user", "create", "--data", s.data_dir() + "/d", "--cnic", p.cnic, "--name",
                                   p.name, "--email", p.email, "--mobile", p.mobile, "--password-stdin"};
  if (!role.empty()) args.insert(args.end(), {"--role", role});
  if (!agency.empty()) args.insert(args.end(), {"--agency", agency});
  if (std::string db = s.db_url(); !db.empty()) args.insert(args.end(), {"--db", db});
  std::string out;
  int rc = run_darwaza(args, out, p.password + "\n");
  EXPECT_EQ(rc, 0) << out;
  auto pos = out.find("usr_");
  if (pos != std::string::npos) p.id = out.substr(pos, out.find_first_of(" \n", pos) - pos);
  return p;
}


HttpResponse apply_transition(HttpClient& c, const Person& p, const std::string& id, const std::string& transition,
                              const std::string& comment, std::optional<nlohmann::json> data) {
  nlohmann::json body = {{"transition", transition}};
  if (!comment.empty()) body["comment"] = comment;
  if (data) body["data"] = *data;
  return c.post_json("/v1/applications/" + id + "/transitions", body, bearer(p.token));
}

HttpResponse approve_application(HttpClient& c, const Person& officer, const std::string& id) {
  using nlohmann::json;
  EXPECT_EQ(c.post_json("/v1/applications/" + id + "/claim", json::object(), bearer(officer.token)).status, 200u);
  auto act = [&](const std::string& transition) {
    return c.post_json("/v1/applications/" + id + "/transitions", {{"transition", transition}}, bearer(officer.token));
  };
  for (const char* step : {"start_review", "accept"}) {
    auto a = c.get("/v1/applications/" + id, bearer(officer.token)).json();
    auto allowed = a["allowed_transitions"];
    if (std::find(allowed.begin(), allowed.end(), step) != allowed.end()) {
      auto r = act(step);
      EXPECT_EQ(r.status, 200u) << r.body;
    }
  }
  auto a = c.get("/v1/applications/" + id, bearer(officer.token)).json();
  if (a.value("fee_pkr", "0.00") != "0.00" && a.value("paid_pkr", "") != a.value("fee_pkr", "")) {
    auto paid = c.post_json("/v1/applications/" + id + "/payments",
                            {{"amount_pkr", a["fee_pkr"]}, {"reference", "PSID-" + id}}, bearer(officer.token));
    EXPECT_EQ(paid.status, 201u) << paid.body;
  }
  return act("approve");
}

std::string agency_client_token(HttpClient& c, const Person& admin, const std::string& agency) {
  auto created = c.post_json("/v1/agencies/" + agency + "/clients", {{"name", "exchange client"}}, bearer(admin.token));
  EXPECT_EQ(created.status, 201u) << created.body;
  auto tok = c.request("POST", "/v1/oauth/token",
                       "grant_type=client_credentials&client_id=" + created.json()["client_id"].get<std::string>() +
                           "&client_secret=" + created.json()["client_secret"].get<std::string>(),
                       {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(tok.status, 200u) << tok.body;
  return tok.json().value("access_token", "");
}

std::string govstack_member(HttpClient& c, const ServerProcess& s, const std::string& agency, Person* admin) {
  Person a = cli_user(s, "agency_admin", agency);
  a.token = login(c, a);
  auto created = c.post_json("/v1/agencies/" + agency + "/clients", {{"name", "govstack " + agency}}, bearer(a.token));
  EXPECT_EQ(created.status, 201u) << created.body;
  if (admin) *admin = a;
  return "eGovStack/GOV/" + agency + "/" + created.json().value("client_id", "");
}

std::string problem_type(const HttpResponse& r) {
  const nlohmann::json body = r.json();
  return body.is_object() ? body.value("type", "") : std::string();
}

ServerProcess* ShippedDataSuite::server_ = nullptr;

void ShippedDataSuite::SetUpTestSuite() { start({"--web-dir", DARWAZA_SOURCE_DIR "/web"}); }

void ShippedDataSuite::start(std::vector<std::string> extra, const std::function<void(const ServerProcess&)>& before) {
  std::vector<std::string> args = {"--catalog-dir", DARWAZA_SOURCE_DIR "/data/services", "--registry-dir",
                                   DARWAZA_SOURCE_DIR "/data/registries"};
  args.insert(args.end(), extra.begin(), extra.end());
  server_ = new ServerProcess(args);
  if (before) before(*server_);
  server_->start();
}

void ShippedDataSuite::TearDownTestSuite() {
  delete server_;
  server_ = nullptr;
}

void GovStackSuite::start_govstack(const std::vector<std::string>& adapters, unsigned fixtures) {
  std::vector<std::string> extra;
  for (const auto& a : adapters) extra.insert(extra.end(), {"--govstack-" + a, "127.0.0.1:0"});
  start(extra, [fixtures](const ServerProcess& s) {
    auto load = [&](const char* tool, const std::string& dir) {
      std::string out;
      EXPECT_EQ(run_darwaza({tool, "load", dir, "--data", s.data_dir() + "/d"}, out), 0) << out;
    };
    if (fixtures & kTestServices) load("catalog", DARWAZA_TEST_FIXTURES "/services");
    if (fixtures & kTestRegistries) load("registry", DARWAZA_TEST_FIXTURES "/govstack/registries");
  });
  for (const auto& a : adapters) EXPECT_NE(server().listener_port("govstack-" + a), 0) << a;
}

Person ShippedDataSuite::staff(const std::string& agency, const std::string& role) {
  Person p = cli_user(*server_, role, agency);
  p.token = login(c, p);
  return p;
}

std::string ShippedDataSuite::document(const Person& p) {
  auto r = c.request("POST", "/v1/documents", "%PDF-1.7\nregistration papers\n",
                     {{"Content-Type", "application/pdf"}, {"Authorization", "Bearer " + p.token}});
  EXPECT_EQ(r.status, 201u) << r.body;
  return r.json().value("id", "");
}

std::string run_sql_on(const ServerProcess& s, const std::string& sql) { return run_sql_in(s.data_dir() + "/d", sql); }

}  // namespace darwaza::test
