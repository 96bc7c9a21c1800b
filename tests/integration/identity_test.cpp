// End-to-end: sign-up, login, profile, logout, throttling, agencies, staff, API clients and
// organisations against the real binary.
#include <gtest/gtest.h>

#include "support/fixtures.hpp"

using namespace darwaza::test;
using nlohmann::json;

namespace {

ServerProcess* g_server = nullptr;

class Identity : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    g_server = new ServerProcess({"--login-threshold", "3", "--max-body-bytes", "4096"});
    g_server->start();
  }
  static void TearDownTestSuite() {
    delete g_server;
    g_server = nullptr;
  }
  HttpClient c = g_server->client();

  static void expect_problem(const HttpResponse& r, unsigned status, const std::string& type) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json; charset=utf-8");
    auto j = r.json();
    ASSERT_TRUE(j.is_object()) << r.body;
    EXPECT_EQ(j.value("type", ""), "/problems/" + type) << r.body;
    EXPECT_EQ(j.value("status", 0u), status);
    EXPECT_FALSE(j.value("request_id", "").empty());
    EXPECT_EQ(j.value("request_id", ""), r.header("x-request-id"));
  }

  json signup_body(const Person& p) {
    return {{"cnic", p.cnic}, {"name", p.name}, {"email", p.email}, {"mobile", p.mobile}, {"password", p.password}};
  }
};

TEST_F(Identity, SignupReturnsProfileWithoutSecrets) {
  Person p = new_person("Amna Siddiqui");
  auto r = c.post_json("/v1/auth/signup", signup_body(p));
  ASSERT_EQ(r.status, 201u) << r.body;
  auto j = r.json();
  EXPECT_EQ(j["cnic"], p.cnic);
  EXPECT_EQ(j["email"], p.email);
  EXPECT_TRUE(j["id"].get<std::string>().starts_with("usr_"));
  EXPECT_FALSE(j.contains("password"));
  EXPECT_FALSE(j.contains("password_hash"));
  EXPECT_EQ(r.body.find("argon2"), std::string::npos);
}

TEST_F(Identity, DuplicateCnicAndEmailAreConflicts) {
  Person p = new_person();
  ASSERT_EQ(c.post_json("/v1/auth/signup", signup_body(p)).status, 201u);
  Person q = new_person();
  q.cnic = p.cnic;
  expect_problem(c.post_json("/v1/auth/signup", signup_body(q)), 409, "duplicate-cnic");
  Person e = new_person();
  e.email = p.email;
  expect_problem(c.post_json("/v1/auth/signup", signup_body(e)), 409, "duplicate-email");
}

TEST_F(Identity, ValidationReportsEveryFieldInOneProblem) {
  auto r = c.post_json("/v1/auth/signup",
                       {{"cnic", "3520212345671"}, {"name", ""}, {"email", "not-an-email"}, {"mobile", "12345"}, {"password", "short"}});
  expect_problem(r, 422, "validation");
  auto rj = r.json();
  auto errs = rj["errors"];
  std::set<std::string> paths;
  for (auto& e : errs) paths.insert(e["path"].get<std::string>());
  EXPECT_EQ(paths, (std::set<std::string>{"/cnic", "/name", "/email", "/mobile", "/password"}));
}

TEST_F(Identity, MissingFieldsAndWrongTypes) {
  auto r = c.post_json("/v1/auth/signup", json::object());
  expect_problem(r, 422, "validation");
  EXPECT_EQ(r.json()["errors"].size(), 5u);
  auto t = c.post_json("/v1/auth/signup", {{"cnic", 12345}, {"name", true}});
  expect_problem(t, 422, "validation");
  EXPECT_EQ(t.json()["errors"][0]["rule"], "type");
  auto u = c.post_json("/v1/auth/signup", {{"cnic", "x"}, {"is_admin", true}});
  expect_problem(u, 422, "validation");
  bool unknown = false;
  auto uj = u.json();
  for (auto& e : uj["errors"]) unknown |= e["path"] == "/is_admin" && e["rule"] == "unknown_field";
  EXPECT_TRUE(unknown) << u.body;
}

TEST_F(Identity, ValidationMessagesInUrdu) {
  auto r = c.post_json("/v1/auth/signup?lang=ur", {{"cnic", "bad"}});
  expect_problem(r, 422, "validation");
  std::string msg;
  auto rj = r.json();
  for (auto& e : rj["errors"])
    if (e["path"] == "/cnic") msg = e["message"];
  EXPECT_NE(msg.find("شناختی کارڈ"), std::string::npos) << msg;
}

TEST_F(Identity, MalformedJsonAndWrongMediaType) {
  expect_problem(c.request("POST", "/v1/auth/signup", "{\"cnic\": ", {{"Content-Type", "application/json"}}), 400,
                 "malformed-json");
  expect_problem(c.request("POST", "/v1/auth/signup", "[1,2]", {{"Content-Type", "application/json"}}), 400,
                 "malformed-json");
  expect_problem(c.request("POST", "/v1/auth/signup", "cnic=1", {{"Content-Type", "application/x-www-form-urlencoded"}}),
                 415, "unsupported-media-type");
}

TEST_F(Identity, OversizeBodyIs413) {
  std::string big(8192, 'a');
  auto r = c.request("POST", "/v1/auth/signup", "{\"name\":\"" + big + "\"}", {{"Content-Type", "application/json"}});
  expect_problem(r, 413, "payload-too-large");
}

TEST_F(Identity, OversizeHeaderIs431) {
  auto r = c.get("/healthz", {{"X-Filler", std::string(20000, 'x')}});
  expect_problem(r, 431, "headers-too-large");
}

TEST_F(Identity, UnknownRouteAndWrongMethod) {
  expect_problem(c.get("/v1/no-such-thing"), 404, "not-found");
  auto r = c.request("DELETE", "/v1/me");
  expect_problem(r, 405, "method-not-allowed");
  EXPECT_NE(r.header("allow").find("GET"), std::string::npos);
}

TEST_F(Identity, LoginMeLogoutAndTokenReuse) {
  Person p = signed_in(c);
  ASSERT_FALSE(p.token.empty());
  auto me = c.get("/v1/me", bearer(p.token));
  ASSERT_EQ(me.status, 200u) << me.body;
  EXPECT_EQ(me.json()["cnic"], p.cnic);
  EXPECT_TRUE(me.json()["roles"].empty());
  EXPECT_EQ(c.request("POST", "/v1/auth/logout", "", bearer(p.token)).status, 204u);
  expect_problem(c.get("/v1/me", bearer(p.token)), 401, "invalid-token");
}

// The contract: POST /v1/auth/login returns a token and sets the cookie. A change made with the
// cookie needs the CSRF token the login gave (browsers use /v1/auth/web-login; web_test.cpp).
TEST_F(Identity, LoginReturnsTokenAndSetsCookie) {
  Person p = new_person();
  ASSERT_EQ(c.post_json("/v1/auth/signup", signup_body(p)).status, 201u);
  auto r = c.post_json("/v1/auth/login", {{"login", p.email}, {"password", p.password}});
  ASSERT_EQ(r.status, 200u) << r.body;
  const std::string token = r.json()["token"];
  const std::string csrf = r.json().value("csrf_token", "");
  EXPECT_FALSE(csrf.empty()) << r.body;
  const std::string cookie = r.header("set-cookie");
  EXPECT_TRUE(cookie.starts_with("darwaza_session=" + token + ";")) << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
  const std::map<std::string, std::string> jar = {{"Cookie", "darwaza_session=" + token}};
  EXPECT_EQ(c.get("/v1/me", jar).status, 200u);
  EXPECT_EQ(problem_type(c.patch_json("/v1/me", {{"name", "Cookie Changed"}}, jar)), "/problems/csrf");
  auto with_csrf = jar;
  with_csrf["X-CSRF-Token"] = csrf;
  EXPECT_EQ(c.patch_json("/v1/me", {{"name", "Cookie Changed"}}, with_csrf).status, 200u);
}

TEST_F(Identity, WrongPasswordThenThrottled) {
  Person p = new_person();
  ASSERT_EQ(c.post_json("/v1/auth/signup", signup_body(p)).status, 201u);
  for (int i = 0; i < 3; ++i) {
    expect_problem(c.post_json("/v1/auth/login", {{"login", p.cnic}, {"password", "wrong password!"}}), 401,
                   "bad-credentials");
  }
  auto r = c.post_json("/v1/auth/login", {{"login", p.cnic}, {"password", p.password}});
  expect_problem(r, 429, "login-throttled");
  EXPECT_GE(std::stoi(r.header("retry-after")), 1);
}

TEST_F(Identity, UnknownAccountLooksLikeWrongPassword) {
  expect_problem(c.post_json("/v1/auth/login", {{"login", "99999-9999999-9"}, {"password", "whatever it is"}}), 401,
                 "bad-credentials");
}

TEST_F(Identity, AnonymousIsRefusedWith401) {
  auto r = c.get("/v1/me");
  expect_problem(r, 401, "unauthenticated");
  EXPECT_EQ(r.header("www-authenticate"), "Bearer");
  expect_problem(c.get("/v1/me", bearer("not-a-real-token")), 401, "invalid-token");
}

TEST_F(Identity, PatchProfile) {
  Person p = signed_in(c);
  auto r = c.patch_json("/v1/me", {{"name", "Renamed Person"}, {"preferred_lang", "ur"}}, bearer(p.token));
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json()["name"], "Renamed Person");
  EXPECT_EQ(r.json()["preferred_lang"], "ur");
  expect_problem(c.patch_json("/v1/me", {{"mobile", "0300"}}, bearer(p.token)), 422, "validation");
  expect_problem(c.patch_json("/v1/me", {{"new_password", "another long password"}, {"current_password", "nope nope nope"}},
                              bearer(p.token)),
                 403, "wrong-password");
}

TEST_F(Identity, PasswordChangeEndsSessions) {
  Person p = signed_in(c);
  auto r = c.patch_json("/v1/me", {{"new_password", "a brand new passphrase"}, {"current_password", p.password}},
                        bearer(p.token));
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(c.get("/v1/me", bearer(p.token)).status, 401u);
  p.password = "a brand new passphrase";
  EXPECT_FALSE(login(c, p).empty());
}

TEST_F(Identity, AgenciesAreSeededAndPublic) {
  auto r = c.get("/v1/agencies");
  ASSERT_EQ(r.status, 200u);
  std::set<std::string> ids;
  auto rj = r.json();
  for (auto& a : rj["items"]) ids.insert(a["id"]);
  for (const char* id : {"stza", "pseb", "pta", "moitt", "erozgaar", "stp"}) EXPECT_TRUE(ids.count(id)) << id;
  EXPECT_EQ(c.get("/v1/agencies/stza").json()["name_en"], "Special Technology Zones Authority");
  expect_problem(c.get("/v1/agencies/nope"), 404, "agency-not-found");
}

TEST_F(Identity, OfficerOfOneAgencyIsRefusedOnAnothersAdminRoutes) {
  Person officer = cli_user(*g_server, "officer", "stza");
  officer.token = login(c, officer);
  Person pta_admin = cli_user(*g_server, "agency_admin", "pta");
  pta_admin.token = login(c, pta_admin);
  Person citizen = signed_in(c);

  // Officer of STZA: may read STZA staff, not manage STZA (not admin), nothing at PTA.
  EXPECT_EQ(c.get("/v1/agencies/stza/staff", bearer(officer.token)).status, 200u);
  expect_problem(c.get("/v1/agencies/pta/staff", bearer(officer.token)), 403, "forbidden");
  expect_problem(c.post_json("/v1/agencies/pta/clients", {{"name", "x"}}, bearer(officer.token)), 403, "forbidden");
  expect_problem(c.post_json("/v1/agencies/stza/staff", {{"person", citizen.cnic}, {"role", "officer"}},
                             bearer(officer.token)),
                 403, "forbidden");
  // PTA admin manages PTA, not STZA.
  auto added = c.post_json("/v1/agencies/pta/staff", {{"person", citizen.cnic}, {"role", "officer"}}, bearer(pta_admin.token));
  EXPECT_EQ(added.status, 201u) << added.body;
  expect_problem(c.post_json("/v1/agencies/stza/staff", {{"person", citizen.cnic}, {"role", "officer"}},
                             bearer(pta_admin.token)),
                 403, "forbidden");
  // The citizen is now a PTA officer.
  auto me = c.get("/v1/me", bearer(citizen.token));
  ASSERT_EQ(me.json()["roles"].size(), 1u) << me.body;
  EXPECT_EQ(me.json()["roles"][0]["agency"], "pta");
  // A plain citizen has no access to any agency route.
  Person other = signed_in(c);
  expect_problem(c.get("/v1/agencies/pta/staff", bearer(other.token)), 403, "forbidden");
}

TEST_F(Identity, PlatformAdminGrantsRoles) {
  Person admin = cli_user(*g_server, "platform_admin");
  admin.token = login(c, admin);
  Person p = signed_in(c);
  auto r = c.post_json("/v1/admin/roles", {{"person", p.email}, {"role", "auditor"}}, bearer(admin.token));
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json()["roles"][0]["role"], "auditor");
  expect_problem(c.post_json("/v1/admin/roles", {{"person", p.email}, {"role", "officer"}}, bearer(admin.token)), 422,
                 "validation");
  expect_problem(c.post_json("/v1/admin/roles", {{"person", admin.email}, {"role", "auditor"}}, bearer(p.token)), 403,
                 "forbidden");
  EXPECT_EQ(c.request("DELETE", "/v1/admin/users/" + p.id + "/roles/auditor", "", bearer(admin.token)).status, 204u);
  EXPECT_TRUE(c.get("/v1/me", bearer(p.token)).json()["roles"].empty());
}

TEST_F(Identity, ApiClientCredentialsFlow) {
  Person admin = cli_user(*g_server, "agency_admin", "pseb");
  admin.token = login(c, admin);
  auto created = c.post_json("/v1/agencies/pseb/clients", {{"name", "PSEB registry sync"}}, bearer(admin.token));
  ASSERT_EQ(created.status, 201u) << created.body;
  std::string id = created.json()["client_id"], secret = created.json()["client_secret"];
  // The secret is shown once: listing never reveals it.
  auto list = c.get("/v1/agencies/pseb/clients", bearer(admin.token));
  EXPECT_EQ(list.body.find(secret), std::string::npos);

  auto tok = c.request("POST", "/v1/oauth/token", "grant_type=client_credentials&client_id=" + id + "&client_secret=" + secret,
                       {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_EQ(tok.status, 200u) << tok.body;
  EXPECT_EQ(tok.json()["token_type"], "Bearer");
  EXPECT_EQ(tok.json()["expires_in"], 900);
  std::string access = tok.json()["access_token"];
  // A machine token is not a person: citizen routes refuse it.
  expect_problem(c.get("/v1/me", bearer(access)), 403, "forbidden");

  expect_problem(c.request("POST", "/v1/oauth/token", "grant_type=client_credentials&client_id=" + id + "&client_secret=wrong",
                           {{"Content-Type", "application/x-www-form-urlencoded"}}),
                 401, "invalid-client");
  expect_problem(c.post_json("/v1/oauth/token", {{"grant_type", "password"}, {"client_id", id}, {"client_secret", secret}}),
                 400, "unsupported-grant-type");
  // Revoking the client kills its tokens.
  EXPECT_EQ(c.request("DELETE", "/v1/agencies/pseb/clients/" + id, "", bearer(admin.token)).status, 204u);
  expect_problem(c.get("/v1/me", bearer(access)), 401, "invalid-token");
  expect_problem(c.post_json("/v1/oauth/token", {{"grant_type", "client_credentials"}, {"client_id", id}, {"client_secret", secret}}),
                 401, "invalid-client");
}

TEST_F(Identity, OrganisationsOwnersAndMembers) {
  Person owner = signed_in(c, "Firm Owner");
  Person member = signed_in(c, "Firm Member");
  Person outsider = signed_in(c, "Outsider");
  std::string ntn = "12" + owner.cnic.substr(0, 5) + "-4";
  auto r = c.post_json("/v1/organisations", {{"name", "Indus Software (Pvt) Ltd"}, {"ntn", ntn}}, bearer(owner.token));
  ASSERT_EQ(r.status, 201u) << r.body;
  std::string org = r.json()["id"];
  expect_problem(c.post_json("/v1/organisations", {{"name", "Copycat"}, {"ntn", ntn}}, bearer(outsider.token)), 409,
                 "duplicate-ntn");
  expect_problem(c.post_json("/v1/organisations", {{"name", "No ids"}}, bearer(outsider.token)), 422, "validation");

  auto add = c.post_json("/v1/organisations/" + org + "/members", {{"person", member.cnic}}, bearer(owner.token));
  ASSERT_EQ(add.status, 201u) << add.body;
  EXPECT_EQ(add.json()["role"], "member");
  EXPECT_EQ(c.get("/v1/organisations/" + org + "/members", bearer(member.token)).json()["items"].size(), 2u);
  // Members cannot add; outsiders cannot even see it.
  expect_problem(c.post_json("/v1/organisations/" + org + "/members", {{"person", outsider.cnic}}, bearer(member.token)),
                 403, "not-organisation-owner");
  expect_problem(c.get("/v1/organisations/" + org, bearer(outsider.token)), 404, "organisation-not-found");
  // The last owner cannot leave.
  expect_problem(c.request("DELETE", "/v1/organisations/" + org + "/members/" + owner.id, "", bearer(owner.token)), 409,
                 "last-owner");
  EXPECT_EQ(c.get("/v1/organisations", bearer(member.token)).json()["items"][0]["id"], org);
}

// A person belongs to at most 100 organisations (their own list of applications reads each one's):
// the 101st, created or joined, is refused with 409 too-many-organisations; leaving one makes room.
TEST_F(Identity, APersonBelongsToAtMostAHundredOrganisations) {
  Person busy = signed_in(c, "Many Firms Consultant");
  Person other = signed_in(c, "Other Owner");
  auto ntn = [](const Person& p, int i) {  // unique per i for one person
    std::string n = std::to_string(i);
    return p.cnic.substr(0, 4) + std::string(3 - n.size(), '0') + n + "-" + std::to_string(i % 10);
  };
  std::string first_org;
  for (int i = 0; i < 100; ++i) {
    auto r = c.post_json("/v1/organisations", {{"name", "Firm " + std::to_string(i)}, {"ntn", ntn(busy, i)}},
                         bearer(busy.token));
    ASSERT_EQ(r.status, 201u) << i << " " << r.body;
    if (i == 0) first_org = r.json()["id"];
  }
  expect_problem(c.post_json("/v1/organisations", {{"name", "Firm 100"}, {"ntn", ntn(busy, 100)}}, bearer(busy.token)),
                 409, "too-many-organisations");
  auto theirs = c.post_json("/v1/organisations", {{"name", "Other Firm"}, {"ntn", ntn(busy, 999)}}, bearer(other.token));
  ASSERT_EQ(theirs.status, 201u) << theirs.body;
  const std::string org = theirs.json()["id"];
  expect_problem(c.post_json("/v1/organisations/" + org + "/members", {{"person", busy.cnic}}, bearer(other.token)), 409,
                 "too-many-organisations");
  // Leaving one (as its last owner cannot, another owner is added first) makes room for one.
  auto co_owner = c.post_json("/v1/organisations/" + first_org + "/members", {{"person", other.cnic}, {"role", "owner"}},
                              bearer(busy.token));
  ASSERT_EQ(co_owner.status, 201u) << co_owner.body;
  ASSERT_EQ(c.request("DELETE", "/v1/organisations/" + first_org + "/members/" + busy.id, "", bearer(busy.token)).status,
            204u);
  auto joined = c.post_json("/v1/organisations/" + org + "/members", {{"person", busy.cnic}}, bearer(other.token));
  EXPECT_EQ(joined.status, 201u) << joined.body;
  EXPECT_EQ(c.get("/v1/organisations", bearer(busy.token)).json()["items"].size(), 100u);
}

TEST_F(Identity, SecurityHeadersOnEveryResponse) {
  for (auto r : {c.get("/healthz"), c.get("/v1/nothing"), c.get("/v1/me")}) {
    EXPECT_NE(r.header("content-security-policy").find("frame-ancestors 'none'"), std::string::npos);
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(r.header("referrer-policy"), "no-referrer");
    EXPECT_FALSE(r.header("x-request-id").empty());
  }
}

TEST_F(Identity, MetricsExposeRoutesAndCommits) {
  c.get("/healthz");
  auto r = c.get("/metrics");
  ASSERT_EQ(r.status, 200u);
  EXPECT_NE(r.body.find("darwaza_http_requests_total{route=\"GET /healthz\",status=\"200\"}"), std::string::npos);
  EXPECT_NE(r.body.find("darwaza_http_request_duration_seconds_bucket"), std::string::npos);
  EXPECT_NE(r.body.find("darwaza_db_commit_duration_seconds_count"), std::string::npos);
  EXPECT_NE(r.body.find("darwaza_http_open_connections"), std::string::npos);
  EXPECT_NE(r.body.find("darwaza_rate_limit_fail_open_total 0\n"), std::string::npos);
}

}  // namespace
