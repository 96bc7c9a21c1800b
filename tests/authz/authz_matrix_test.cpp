// The authorisation matrix: every route of the route table (`darwaza routes --json`) × every role
// is called on a real server with real resources, and the outcome (allowed / denied) is compared
// with the declared policy in tests/authz/policy.json. A route without a policy line fails.
//
// Outcome: denied = 401, 403 or 404 (the domain hides what a stranger may not see); allowed =
// any other status below 500 (a 409 or 422 still means the caller got past the access checks).
// A 5xx from any cell fails the test. The path parameters are real resources owned by the
// "owning agency" (PTA) and the citizen; destructive routes get a fresh resource per call.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "support/fixtures.hpp"
#include "support/test_database.hpp"

using namespace darwaza::test;
using nlohmann::json;

namespace {

const std::string kPolicyFile = DARWAZA_SOURCE_DIR "/tests/authz/policy.json";
constexpr const char* kOwning = "pta";
constexpr const char* kOther = "pseb";
constexpr const char* kRegistry = "pta-vpn-endpoints";

// The roles of the matrix, in the order of the report. Groups usable in policy.json: see below.
const std::vector<std::string> kRoles = {"anonymous",      "citizen",      "other_org_member", "officer_owning",
                                         "officer_other",  "agency_admin", "auditor",          "platform_admin",
                                         "client_owning",  "client_other"};
const std::map<std::string, std::vector<std::string>> kGroups = {
    {"everyone", kRoles},
    {"users", {"citizen", "other_org_member", "officer_owning", "officer_other", "agency_admin", "auditor",
               "platform_admin"}},
    {"staff_owning", {"officer_owning", "agency_admin"}},
    {"staff", {"officer_owning", "officer_other", "agency_admin"}},
    {"clients", {"client_owning", "client_other"}},
};

struct Route {
  std::string method, path, access;
  bool replica = false;  // served by read-only nodes too
  std::string key() const { return method + " " + path; }
};

std::vector<Route> route_table() {
  std::string out;
  EXPECT_EQ(run_darwaza({"routes", "--json"}, out), 0) << out;
  std::vector<Route> routes;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    auto j = json::parse(line);
    routes.push_back({j["method"], j["path"], j["access"], j.value("replica", false)});
  }
  return routes;
}

json load_policy() {
  std::ifstream f(kPolicyFile);
  EXPECT_TRUE(f) << "cannot read " << kPolicyFile;
  return json::parse(f, nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/true);
}

// The roles a policy entry allows: a list of role and group names.
// Empty `error` on success.
std::set<std::string> allowed_roles(const std::string& key, const json& entry, std::string& error) {
  std::set<std::string> out;
  if (!entry.is_array()) {
    error = "the entry for " + key + " must be a list of roles or groups";
    return out;
  }
  for (const auto& item : entry) {
    std::string name = item.is_string() ? item.get<std::string>() : "";
    if (auto g = kGroups.find(name); g != kGroups.end()) {
      out.insert(g->second.begin(), g->second.end());
    } else if (std::find(kRoles.begin(), kRoles.end(), name) != kRoles.end()) {
      out.insert(name);
    } else {
      error = "the entry for " + key + " names " + item.dump() +
              ", which is neither a role nor a group (see kRoles/kGroups in authz_matrix_test.cpp)";
    }
  }
  return out;
}

std::string next_year_end() {
  auto days = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return std::to_string(static_cast<int>(std::chrono::year_month_day(days).year()) + 1) + "-12-31";
}

// Every route has a policy and every policy line names a route: fast, no server needed.
TEST(AuthzPolicy, EveryRouteHasADeclaredPolicy) {
  json policy = load_policy();
  ASSERT_TRUE(policy.contains("routes")) << kPolicyFile << " has no \"routes\" object";
  auto routes = route_table();
  ASSERT_FALSE(routes.empty());
  std::set<std::string> known;
  for (const auto& r : routes) {
    known.insert(r.key());
    if (!policy["routes"].contains(r.key())) {
      ADD_FAILURE() << "route \"" << r.key() << "\" (access: " << r.access << ") has no policy in " << kPolicyFile
                    << ".\nAdd one line to \"routes\", e.g.\n  \"" << r.key()
                    << "\": [\"users\"],\nlisting the roles or groups that may call it (everyone else must be "
                       "refused). Roles: anonymous citizen other_org_member officer_owning officer_other "
                       "agency_admin auditor platform_admin client_owning client_other; groups: everyone users "
                       "staff_owning staff clients.";
      continue;
    }
    std::string error;
    allowed_roles(r.key(), policy["routes"][r.key()], error);
    EXPECT_TRUE(error.empty()) << error;
  }
  for (const auto& [key, _] : policy["routes"].items())
    EXPECT_TRUE(known.count(key)) << kPolicyFile << " has a policy for \"" << key << "\", which is not a route any more";
}

// ---- The live matrix ------------------------------------------------------------------------

class AuthzMatrix : public ShippedDataSuite {
 protected:
  struct Actor {
    Person person;        // for people
    std::string client_id, client_secret;  // for API clients
    std::string token;
  };

  // A token for the role; `fresh` gives a new session (for routes that end the one they use).
  std::string token(const std::string& role, bool fresh = false) {
    if (role == "anonymous") return {};
    Actor& a = actors_.at(role);
    if (!fresh) return a.token;
    if (!a.client_id.empty()) return client_token(a.client_id, a.client_secret);
    return login(c, a.person);
  }

  std::string client_token(const std::string& id, const std::string& secret) {
    auto tok = c.request("POST", "/v1/oauth/token",
                         "grant_type=client_credentials&client_id=" + id + "&client_secret=" + secret,
                         {{"Content-Type", "application/x-www-form-urlencoded"}});
    EXPECT_EQ(tok.status, 200u) << tok.body;
    return tok.json().value("access_token", "");
  }

  Actor client_of(const std::string& agency) {
    Person admin = staff(agency, "agency_admin");
    auto created = c.post_json("/v1/agencies/" + agency + "/clients", {{"name", "matrix client"}}, bearer(admin.token));
    EXPECT_EQ(created.status, 201u) << created.body;
    Actor a;
    a.client_id = created.json().value("client_id", "");
    a.client_secret = created.json().value("client_secret", "");
    a.token = client_token(a.client_id, a.client_secret);
    return a;
  }

  Actor person(Person p) { return Actor{p, {}, {}, p.token}; }

  std::string vpn_application(const Person& p) {
    static int n = 0;
    ++n;
    json data = {{"registrant_name", p.name}, {"cnic", p.cnic}, {"email", p.email}, {"mobile", p.mobile},
                 {"vpn_type", "wireguard"}, {"endpoints", {fmt::format("41.{}.{}.0/24", 10 + n / 250, n % 250)}},
                 {"purpose", "Remote development for a client's office network"}, {"isp", "PTCL"}};
    auto r = c.post_json("/v1/applications", {{"service_id", "pta-vpn-registration"}, {"data", data}}, bearer(p.token));
    EXPECT_EQ(r.status, 201u) << r.body;
    return r.json().value("id", "");
  }

  std::string draft(const Person& p) {
    auto r = c.post_json("/v1/applications",
                         {{"service_id", "pta-vpn-registration"}, {"draft", true}, {"data", {{"purpose", "Half done, finishing this draft later"}}}},
                         bearer(p.token));
    EXPECT_EQ(r.status, 201u) << r.body;
    return r.json().value("id", "");
  }

  std::string organisation(const Person& owner, const std::string& name) {
    std::string ntn = owner.cnic.substr(6, 7) + "-5";
    auto r = c.post_json("/v1/organisations", {{"name", name}, {"ntn", ntn}}, bearer(owner.token));
    EXPECT_EQ(r.status, 201u) << r.body;
    return r.json().value("id", "");
  }

  std::string consent(const Person& p) {
    auto r = c.post_json("/v1/me/consents",
                         {{"agency", "stza"}, {"registry", "pseb-freelancers"}, {"fields", {"full_name"}},
                          {"purpose", "Checking freelancer standing for a payment gateway account"},
                          {"valid_until", next_year_end()}},
                         bearer(p.token));
    EXPECT_EQ(r.status, 201u) << r.body;
    return r.json().value("id", "");
  }

  void SetUp() override {
    if (!actors_.empty()) return;
    Person citizen = signed_in(c, "Matrix Citizen");
    Person stranger = signed_in(c, "Matrix Stranger");
    actors_["citizen"] = person(citizen);
    actors_["other_org_member"] = person(stranger);
    actors_["officer_owning"] = person(staff(kOwning));
    actors_["officer_other"] = person(staff(kOther));
    actors_["agency_admin"] = person(staff(kOwning, "agency_admin"));
    actors_["auditor"] = person(staff("", "auditor"));
    actors_["platform_admin"] = person(staff("", "platform_admin"));
    actors_["client_owning"] = client_of(kOwning);
    actors_["client_other"] = client_of(kOther);

    org_ = organisation(citizen, "Matrix Labs");
    organisation(stranger, "Stranger Works");
    document_ = document(citizen);
    application_ = vpn_application(citizen);
    auto approved = approve_application(c, actors_["officer_owning"].person, application_);
    ASSERT_EQ(approved.status, 200u) << approved.body;
    auto certs = c.get("/v1/me/certificates", bearer(citizen.token)).json();
    ASSERT_FALSE(certs["items"].empty()) << certs.dump();
    certificate_ = certs["items"][0].value("id", "");
    const json records = c.get("/v1/me/records", bearer(citizen.token)).json();
    for (const auto& rec : records["items"])
      if (rec["registry"] == kRegistry) record_ = rec.value("number", "");
    ASSERT_FALSE(record_.empty()) << records.dump();
    auto engagements = c.get("/v1/engagements").json();
    ASSERT_FALSE(engagements["items"].empty());
    engagement_ = engagements["items"][0].value("id", "");
    auto detail = c.get("/v1/engagements/" + engagement_).json();
    ASSERT_FALSE(detail["commitments"].empty()) << detail.dump();
    commitment_ = detail["commitments"][0].value("id", "");
    auto series = c.get("/v1/indicators").json();
    ASSERT_FALSE(series["items"].empty());
    series_ = series["items"][0].value("id", "");
  }

  // The value of {param} in `route`; fresh resources for the routes that destroy theirs.
  std::string param(const Route& route, const std::string& name) {
    const std::string& p = route.path;
    const Person& citizen = actors_["citizen"].person;
    if (name == "agency") return kOwning;
    if (name == "org") return org_;
    if (name == "name") return kRegistry;
    if (name == "series") return series_;
    if (name == "commitment") return commitment_;
    if (name == "role") return "auditor";
    if (name == "client") return client_of(kOwning).client_id;
    if (name == "user" && p.starts_with("/v1/agencies/")) {
      Person s = staff(kOwning);
      return s.id;
    }
    if (name == "user" && p.starts_with("/v1/admin/users/")) return staff("", "auditor").id;
    if (name == "user" && p.starts_with("/v1/organisations/")) {
      Person m = signed_in(c, "Matrix Member");
      auto added = c.post_json("/v1/organisations/" + org_ + "/members", {{"person", m.email}}, bearer(citizen.token));
      EXPECT_EQ(added.status, 201u) << added.body;
      return m.id;
    }
    if (name == "id" && (route.key() == "PATCH /v1/applications/{id}" || route.key() == "POST /v1/applications/{id}/submit"))
      return draft(citizen);
    if (name == "id" && p.starts_with("/v1/applications/"))
      return route.method == "GET" ? application_ : vpn_application(citizen);
    if (name == "id" && p.starts_with("/v1/services/")) return "pta-vpn-registration";
    if (name == "id" && p.starts_with("/v1/documents/")) return document_;
    if (name == "id" && p.starts_with("/v1/certificates/")) return certificate_;
    if (name == "id" && p.starts_with("/v1/registries/")) return record_;
    if (name == "id" && p.starts_with("/v1/me/consents/")) return consent(citizen);
    if (name == "id" && p.starts_with("/v1/engagements/")) return engagement_;
    if (name == "id" && p.starts_with("/v1/me/notifications/")) {
      const json inbox = c.get("/v1/me/notifications", bearer(citizen.token)).json();
      if (!inbox["items"].empty()) return inbox["items"][0].value("id", "");
    }
    if (name == "dir" && p.starts_with("/assets/")) return "i18n";
    if (name == "file" && p == "/assets/{dir}/{file}") return "en.json";
    if (name == "file" && p.starts_with("/assets/")) return "app.js";
    ADD_FAILURE() << "no fixture for {" << name << "} in " << route.key()
                  << ": add one to AuthzMatrix::param in tests/authz/authz_matrix_test.cpp";
    return "none";
  }

  // A body that gets an allowed caller past input validation to the domain's own checks.
  json body(const Route& route) {
    const Person& citizen = actors_["citizen"].person;
    const std::string k = route.key();
    if (k == "POST /v1/auth/login") return {{"login", citizen.cnic}, {"password", citizen.password}};
    if (k == "POST /v1/applications/{id}/transitions") return {{"transition", "start_review"}};
    if (k == "POST /v1/applications/{id}/payments") return {{"amount_pkr", "1.00"}, {"reference", "PSID-matrix"}};
    // Reinstating an active record changes nothing: allowed callers get 409, others a refusal.
    if (k == "POST /v1/registries/{name}/records/{id}/status") return {{"action", "reinstate"}, {"reason", "matrix"}};
    if (k == "PATCH /v1/registries/{name}/records/{id}") return {{"fields", {{"isp", "Matrix ISP"}}}, {"reason", "matrix"}};
    if (k == "PATCH /v1/applications/{id}") return {{"data", {{"purpose", "Edited draft purpose, still not done"}}}};
    if (k == "POST /v1/organisations/{org}/members") return {{"person", signed_in(c, "Matrix Joiner").email}};
    if (k == "POST /v1/exchange/registries/{name}/query")
      return {{"record", record_}, {"fields", {"registrant_name"}},
              {"purpose", "Checking freelancer standing for a payment gateway account"}};
    return json::object();
  }

  // Calls `route` as `role` on the shared server, or through `via` (the resources it names are
  // made on the shared server all the same).
  HttpResponse call(const Route& route, const std::string& role, HttpClient* via = nullptr) {
    std::string target;
    std::size_t pos = 0;
    while (pos < route.path.size()) {
      auto open = route.path.find('{', pos);
      if (open == std::string::npos) {
        target += route.path.substr(pos);
        break;
      }
      auto close = route.path.find('}', open);
      target += route.path.substr(pos, open - pos) + param(route, route.path.substr(open + 1, close - open - 1));
      pos = close + 1;
    }
    if (route.key() == "GET /v1/registries/{name}/ip-lookup") target += "?address=41.10.1.7";
    std::map<std::string, std::string> headers;
    std::string tok = token(role, route.key() == "POST /v1/auth/logout");
    if (!tok.empty()) headers["Authorization"] = "Bearer " + tok;
    std::string payload;
    if (route.method != "GET" && route.method != "DELETE") {
      if (route.key() == "POST /v1/documents") {
        headers["Content-Type"] = "application/pdf";
        payload = "%PDF-1.7\nmatrix\n";
      } else {
        headers["Content-Type"] = "application/json";
        payload = body(route).dump();
      }
    }
    return (via ? *via : c).request(route.method, target, payload, headers);
  }

  static std::map<std::string, Actor> actors_;
  static std::string org_, document_, application_, certificate_, record_, engagement_, commitment_, series_;
};

std::map<std::string, AuthzMatrix::Actor> AuthzMatrix::actors_;
std::string AuthzMatrix::org_, AuthzMatrix::document_, AuthzMatrix::application_, AuthzMatrix::certificate_,
    AuthzMatrix::record_, AuthzMatrix::engagement_, AuthzMatrix::commitment_, AuthzMatrix::series_;

TEST_F(AuthzMatrix, EveryRouteAndRoleMatchesThePolicy) {
  json policy = load_policy();
  auto routes = route_table();
  int checked = 0, mismatches = 0;
  std::string observed;  // the matrix as seen, in policy.json's syntax: written out for review
  for (const auto& route : routes) {
    if (!policy["routes"].contains(route.key())) continue;  // reported by EveryRouteHasADeclaredPolicy
    std::string error;
    auto allowed = allowed_roles(route.key(), policy["routes"][route.key()], error);
    if (!error.empty()) continue;
    std::vector<std::string> seen_allowed;
    for (const auto& role : kRoles) {
      auto r = call(route, role);
      ++checked;
      EXPECT_LT(r.status, 500u) << route.key() << " as " << role << ": " << r.body;
      bool denied = r.status == 401 || r.status == 403 || r.status == 404;
      if (!denied) seen_allowed.push_back(role);
      bool expect_allowed = allowed.count(role) > 0;
      if (expect_allowed == denied) {
        ++mismatches;
        ADD_FAILURE() << route.key() << " as " << role << ": policy says " << (expect_allowed ? "allow" : "deny")
                      << ", server answered " << r.status << " " << r.body.substr(0, 300);
      }
    }
    observed += "    \"" + route.key() + "\": " + json(seen_allowed).dump() + ",\n";
  }
  std::string out = ::testing::TempDir() + "authz_observed.json";
  std::ofstream(out) << observed;
  std::cout << "authz matrix: " << routes.size() << " routes x " << kRoles.size() << " roles = " << checked
            << " calls checked, " << mismatches << " mismatches (observed matrix in " << out << ")\n";
}

// A read-only node (serve --read-only) over the shared server's database, which stands in for a
// replica with no lag: every route it serves answers every role as the read-write node answers
// an anonymous caller (it looks up no session), and every other route answers every role 503
// read-only-node.
TEST_F(AuthzMatrix, AReadOnlyNodeServesItsPublicReadsToAllAndNothingElse) {
  if (!testing_postgresql()) GTEST_SKIP() << "read-only nodes run on PostgreSQL";
  const std::string dir = make_temp_dir("darwaza-authz-read-only");
  std::filesystem::create_directories(dir + "/d");
  std::filesystem::copy(server().data_dir() + "/d/keys", dir + "/d/keys", std::filesystem::copy_options::recursive);
  {
    ServerProcess node({"--read-only", "--db", server().db_url(), "--web-dir", DARWAZA_SOURCE_DIR "/web"}, dir);
    node.start();
    HttpClient via = node.client();
    int served = 0, refused = 0;
    for (const auto& route : route_table()) {
      const unsigned anonymous = route.replica ? call(route, "anonymous").status : 503u;
      for (const auto& role : kRoles) {
        auto r = call(route, role, &via);
        EXPECT_EQ(r.status, anonymous) << route.key() << " as " << role << " on the read-only node: " << r.body;
        if (!route.replica) EXPECT_EQ(problem_type(r), "/problems/read-only-node") << route.key() << " as " << role;
      }
      ++(route.replica ? served : refused);
    }
    std::cout << "read-only node: " << served << " routes served, " << refused << " refused, x " << kRoles.size()
              << " roles\n";
    EXPECT_GT(served, 0);
    EXPECT_GT(refused, 0);
    EXPECT_EQ(node.stop(), 0);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
