// End-to-end: the web pages' static files (content types, ETag/304, pre-compressed gzip, no way
// out of the folder), the security headers on pages, the browser login's cookie and the CSRF
// rule (a cookie request that changes state without the token is refused; bearer calls are
// not affected), and the QR link sending browsers to the verify page.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "support/fixtures.hpp"

using namespace darwaza::test;
using nlohmann::json;

namespace {

ServerProcess* g_server = nullptr;
std::string g_web_dir;

void write_file(const std::filesystem::path& p, const std::string& body) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << body;
}

class Web : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    g_web_dir = make_temp_dir("darwaza-web");
    namespace fs = std::filesystem;
    write_file(fs::path(g_web_dir) / "index.html", "<!doctype html><title>shell</title>");
    write_file(fs::path(g_web_dir) / "app.js", "export const x = 1;");
    write_file(fs::path(g_web_dir) / "app.js.gz", "GZIPPED-BYTES");  // the server does not look inside
    write_file(fs::path(g_web_dir) / "i18n" / "en.json", R"({"hello":"Hello"})");
    write_file(fs::path(g_web_dir) / "vendor" / "font.woff2", "wOF2");
    write_file(fs::path(g_web_dir) / "style.css", "body{}");
    g_server = new ServerProcess({"--web-dir", g_web_dir});
    g_server->start();
  }
  static void TearDownTestSuite() {
    delete g_server;
    g_server = nullptr;
    std::filesystem::remove_all(g_web_dir);
  }
  HttpClient c = g_server->client();

  static void expect_problem(const HttpResponse& r, unsigned status, const std::string& type) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.json().value("type", ""), "/problems/" + type) << r.body;
  }

  // Signs up a person and logs in the browser's way; returns the cookie header and CSRF token.
  struct Browser {
    Person person;
    std::string cookie, csrf;
  };
  Browser browser_login() {
    Person p = new_person("Web Citizen");
    auto s = c.post_json("/v1/auth/signup", {{"cnic", p.cnic}, {"name", p.name}, {"email", p.email},
                                             {"mobile", p.mobile}, {"password", p.password}});
    EXPECT_EQ(s.status, 201u) << s.body;
    auto r = c.post_json("/v1/auth/web-login", {{"login", p.email}, {"password", p.password}});
    EXPECT_EQ(r.status, 200u) << r.body;
    std::string set_cookie = r.header("set-cookie");
    Browser b{p, set_cookie.substr(0, set_cookie.find(';')), r.json().value("csrf_token", "")};
    return b;
  }
};

TEST_F(Web, ShellServedWithSecurityHeadersAndEtag) {
  auto r = c.get("/");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(r.body, "<!doctype html><title>shell</title>");
  std::string csp = r.header("content-security-policy");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(r.header("cache-control"), "no-cache");
  std::string etag = r.header("etag");
  ASSERT_FALSE(etag.empty());
  auto again = c.get("/", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304u);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(c.get("/", {{"If-None-Match", "W/\"other\""}}).status, 200u);
}

TEST_F(Web, AssetsCarryTheirContentTypes) {
  EXPECT_EQ(c.get("/assets/app.js").header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(c.get("/assets/style.css").header("content-type"), "text/css; charset=utf-8");
  EXPECT_EQ(c.get("/assets/i18n/en.json").header("content-type"), "application/json; charset=utf-8");
  auto font = c.get("/assets/vendor/font.woff2");
  EXPECT_EQ(font.header("content-type"), "font/woff2");
  EXPECT_EQ(font.header("cache-control"), "no-cache");  // unversioned names: revalidate
}

TEST_F(Web, PrecompressedOnlyWhenAccepted) {
  auto plain = c.get("/assets/app.js");
  EXPECT_EQ(plain.body, "export const x = 1;");
  EXPECT_TRUE(plain.header("content-encoding").empty());
  EXPECT_EQ(plain.header("vary"), "Accept-Encoding");
  auto gz = c.get("/assets/app.js", {{"Accept-Encoding", "gzip, deflate, br"}});
  EXPECT_EQ(gz.body, "GZIPPED-BYTES");
  EXPECT_EQ(gz.header("content-encoding"), "gzip");
  // A .gz is a variant, not a file of its own.
  EXPECT_EQ(c.get("/assets/app.js.gz").status, 404u);
}

TEST_F(Web, NothingOutsideTheLoadedFiles) {
  expect_problem(c.get("/assets/missing.js"), 404, "not-found");
  // Both match /assets/{dir}/{file}, so the decoded "../.." names reach StaticFiles (whose own
  // test, web_security_test, puts a real file beside the folder).
  expect_problem(c.get("/assets/%2e%2e/passwd"), 404, "not-found");
  expect_problem(c.get("/assets/..%2F..%2Fetc/passwd"), 404, "not-found");
  expect_problem(c.get("/assets/index.html"), 404, "not-found");
}

TEST_F(Web, BrowserLoginSetsHardenedCookieAndNoToken) {
  Browser b = browser_login();
  EXPECT_TRUE(b.cookie.starts_with("darwaza_session="));
  EXPECT_FALSE(b.csrf.empty());
  auto r = c.post_json("/v1/auth/web-login", {{"login", b.person.email}, {"password", b.person.password}});
  std::string set_cookie = r.header("set-cookie");
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos);
  // Scoped to the API: the shell and asset requests do not carry (and authenticate) it.
  EXPECT_NE(set_cookie.find("; Path=/v1;"), std::string::npos) << set_cookie;
  EXPECT_FALSE(r.json().contains("token"));
  auto me = c.get("/v1/me", {{"Cookie", b.cookie}});
  EXPECT_EQ(me.status, 200u) << me.body;
  auto session = c.get("/v1/auth/session", {{"Cookie", b.cookie}});
  ASSERT_EQ(session.status, 200u) << session.body;
  EXPECT_EQ(session.json()["csrf_token"], b.csrf);
  EXPECT_EQ(session.json()["user"]["email"], b.person.email);
}

TEST_F(Web, CookieRequestThatChangesStateNeedsCsrfToken) {
  Browser b = browser_login();
  json patch = {{"name", "Renamed By Page"}};
  expect_problem(c.patch_json("/v1/me", patch, {{"Cookie", b.cookie}}), 403, "csrf");
  expect_problem(c.patch_json("/v1/me", patch, {{"Cookie", b.cookie}, {"X-CSRF-Token", b.csrf + "x"}}), 403, "csrf");
  // Another session's token does not fit this session.
  Browser other = browser_login();
  expect_problem(c.patch_json("/v1/me", patch, {{"Cookie", b.cookie}, {"X-CSRF-Token", other.csrf}}), 403, "csrf");
  EXPECT_EQ(c.get("/v1/me", {{"Cookie", b.cookie}}).json()["name"], b.person.name);  // nothing changed
  auto ok = c.patch_json("/v1/me", patch, {{"Cookie", b.cookie}, {"X-CSRF-Token", b.csrf}});
  ASSERT_EQ(ok.status, 200u) << ok.body;
  EXPECT_EQ(ok.json()["name"], "Renamed By Page");
  // Logging out is a change too.
  expect_problem(c.request("POST", "/v1/auth/logout", "", {{"Cookie", b.cookie}}), 403, "csrf");
  auto out = c.request("POST", "/v1/auth/logout", "", {{"Cookie", b.cookie}, {"X-CSRF-Token", b.csrf}});
  EXPECT_EQ(out.status, 204u);
  // The browser drops the cookie only when the clearing one names the same path.
  std::string cleared = out.header("set-cookie");
  EXPECT_TRUE(cleared.starts_with("darwaza_session=;")) << cleared;
  EXPECT_NE(cleared.find("; Path=/v1;"), std::string::npos) << cleared;
  EXPECT_NE(cleared.find("Max-Age=0"), std::string::npos) << cleared;
  EXPECT_EQ(c.get("/v1/me", {{"Cookie", b.cookie}}).status, 401u);
}

TEST_F(Web, BearerCallsNeedNoCsrfToken) {
  Person p = new_person();
  ASSERT_EQ(c.post_json("/v1/auth/signup", {{"cnic", p.cnic}, {"name", p.name}, {"email", p.email},
                                            {"mobile", p.mobile}, {"password", p.password}}).status, 201u);
  auto r = c.post_json("/v1/auth/login", {{"login", p.email}, {"password", p.password}});
  ASSERT_EQ(r.status, 200u);
  std::string token = r.json()["token"];
  // A change with the bearer token alone (no cookie sent back) needs no CSRF token.
  EXPECT_EQ(c.patch_json("/v1/me", {{"name", "Bearer Renamed"}}, bearer(token)).status, 200u);
  EXPECT_TRUE(c.get("/v1/auth/session", bearer(token)).json()["csrf_token"].is_null());
}

TEST_F(Web, SessionNeedsASession) {
  expect_problem(c.get("/v1/auth/session"), 401, "unauthenticated");
  expect_problem(c.get("/v1/auth/session", {{"Cookie", "darwaza_session=not-a-session"}}), 401, "invalid-token");
}

TEST_F(Web, PublicRouteIgnoresCookieWithoutToken) {
  Browser b = browser_login();
  // Signing in again from the login page while an old cookie is still there works.
  auto r = c.post_json("/v1/auth/web-login", {{"login", b.person.email}, {"password", b.person.password}},
                       {{"Cookie", b.cookie}});
  EXPECT_EQ(r.status, 200u) << r.body;
}

TEST_F(Web, QrLinkSendsBrowsersToTheVerifyPage) {
  auto page = c.get("/v1/certificates/cert_0123abc/verify", {{"Accept", "text/html,application/xhtml+xml,*/*;q=0.8"}});
  EXPECT_EQ(page.status, 303u);
  EXPECT_EQ(page.header("location"), "/#/verify/cert_0123abc");
  expect_problem(c.get("/v1/certificates/cert_0123abc/verify", {{"Accept", "application/json"}}), 404,
                 "certificate-not-found");
}

// The CSRF key is derived from the platform signing key, not drawn per process: a restarted
// server (like another node holding the same key file) accepts the tokens it gave out before;
// a server with another key refuses them.
TEST(WebCsrfKey, SameSigningKeyAcceptsEarlierTokensAnotherKeyDoesNot) {
  ServerProcess s;
  s.start();
  Person p = new_person("Restart Citizen");
  HttpClient c = s.client();
  ASSERT_EQ(c.post_json("/v1/auth/signup", {{"cnic", p.cnic}, {"name", p.name}, {"email", p.email},
                                            {"mobile", p.mobile}, {"password", p.password}}).status, 201u);
  auto login = c.post_json("/v1/auth/web-login", {{"login", p.email}, {"password", p.password}});
  ASSERT_EQ(login.status, 200u) << login.body;
  std::string set_cookie = login.header("set-cookie");
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  const std::string csrf = login.json().value("csrf_token", "");

  ASSERT_EQ(s.stop(), 0);
  s.start();
  HttpClient after_restart = s.client();
  EXPECT_EQ(after_restart.get("/v1/auth/session", {{"Cookie", cookie}}).json().value("csrf_token", ""), csrf);
  auto renamed = after_restart.patch_json("/v1/me", {{"name", "Renamed After Restart"}}, {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(renamed.status, 200u) << renamed.body;

  // Another signing key (a fresh one is made when the file is missing): same session, new token.
  ASSERT_EQ(s.stop(), 0);
  std::filesystem::remove_all(s.data_dir() + "/d/keys");
  s.start();
  HttpClient other_key = s.client();
  auto refused = other_key.patch_json("/v1/me", {{"name", "Renamed Again"}}, {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(refused.status, 403u) << refused.body;
  EXPECT_EQ(refused.json().value("type", ""), "/problems/csrf");
  auto session = other_key.get("/v1/auth/session", {{"Cookie", cookie}});
  ASSERT_EQ(session.status, 200u) << session.body;
  EXPECT_NE(session.json().value("csrf_token", ""), csrf);
  EXPECT_EQ(session.json()["user"]["name"], "Renamed After Restart");
}

TEST(WebWithoutFolder, NoPagesServed) {
  ServerProcess s;
  s.start();
  HttpClient c = s.client();
  EXPECT_EQ(c.get("/").status, 404u);
  EXPECT_EQ(c.get("/v1/certificates/x/verify", {{"Accept", "text/html"}}).status, 404u);
}

}  // namespace
