#include <gtest/gtest.h>

#include "http/problem.hpp"
#include "http/router.hpp"

using namespace darwaza;
using namespace darwaza::http;

namespace {
HandlerResult ok(Request&) { return Reply::no_content(); }
}  // namespace

TEST(Router, MatchesParamsAndPrefersLiterals) {
  Router r;
  r.add(bhttp::verb::get, "/v1/agencies/{agency}", kPublic, ok);
  r.add(bhttp::verb::get, "/v1/agencies/{agency}/staff", kAgencyOfficer, ok);
  r.add(bhttp::verb::get, "/v1/agencies/special", kPublic, ok);
  std::unordered_map<std::string, std::string> params;
  auto m = r.match(bhttp::verb::get, "/v1/agencies/stza/staff", params);
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/v1/agencies/{agency}/staff");
  EXPECT_EQ(params["agency"], "stza");
  m = r.match(bhttp::verb::get, "/v1/agencies/special", params);
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/v1/agencies/special");
  m = r.match(bhttp::verb::get, "/v1/agencies/a%20b", params);
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(params["agency"], "a b");
}

TEST(Router, DistinguishesUnknownPathFromWrongMethod) {
  Router r;
  r.add(bhttp::verb::get, "/v1/me", kCitizen, ok);
  r.add(bhttp::verb::patch, "/v1/me", kCitizen, ok);
  std::unordered_map<std::string, std::string> params;
  auto m = r.match(bhttp::verb::delete_, "/v1/me", params);
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.path_known);
  EXPECT_EQ(m.allowed_methods.size(), 2u);
  m = r.match(bhttp::verb::get, "/v1/you", params);
  EXPECT_FALSE(m.path_known);
  m = r.match(bhttp::verb::get, "/v1//me", params);
  EXPECT_EQ(m.route, nullptr);
  m = r.match(bhttp::verb::get, "/v1/%zz", params);
  EXPECT_EQ(m.route, nullptr);
}

TEST(Router, RefusesRoutesWithoutPolicyAndDuplicates) {
  Router r;
  EXPECT_THROW(r.add(bhttp::verb::get, "/x", 0, ok), std::invalid_argument);
  r.add(bhttp::verb::get, "/x", kPublic, ok);
  EXPECT_THROW(r.add(bhttp::verb::get, "/x", kPublic, ok), std::invalid_argument);
}

// A read-only node answers its replica routes to anonymous callers and cannot write: only a
// public GET may be one.
TEST(Router, AReplicaRouteMustBeAPublicGet) {
  Router r;
  RouteOptions replica;
  replica.replica = true;
  EXPECT_THROW(r.add(bhttp::verb::post, "/p", kPublic, ok, replica), std::invalid_argument);
  EXPECT_THROW(r.add(bhttp::verb::get, "/c", kCitizen, ok, replica), std::invalid_argument);
  r.add(bhttp::verb::get, "/g", kPublic | kCitizen, ok, replica);
  EXPECT_EQ(r.routes().size(), 1u);
}

TEST(Router, QueryParsing) {
  std::unordered_map<std::string, std::string> q;
  parse_query("q=tech+park&lang=ur&q=second&empty=&%zz=bad", q);
  EXPECT_EQ(q["q"], "tech park");
  EXPECT_EQ(q["lang"], "ur");
  EXPECT_EQ(q["empty"], "");
  EXPECT_EQ(q.count("%zz"), 0u);
}

TEST(Router, UrlEncodeKeepsOnlyUnreservedCharactersAndRoundTrips) {
  EXPECT_EQ(url_encode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(url_encode("a b&c=d?e#f/g+h%"), "a%20b%26c%3Dd%3Fe%23f%2Fg%2Bh%25");
  EXPECT_EQ(url_encode("\xD8\xA7"), "%D8%A7");  // UTF-8 bytes one by one (Urdu alef)
  EXPECT_EQ(url_encode(std::string("x\0y", 3)), "x%00y");
  EXPECT_EQ(url_encode(""), "");
  for (std::string text : {"Islamabad & Rawalpindi", "50%+1", "\xD8\xA7\xD8\xB3\xD9\x84\xD8\xA7\xD9\x85", "a=b&c"}) {
    std::string back;
    ASSERT_TRUE(url_decode(url_encode(text), back, true)) << text;
    EXPECT_EQ(back, text);
  }
  // As a query: the encoded pair parses back to the same key and value.
  std::unordered_map<std::string, std::string> q;
  parse_query(url_encode("query.city") + "=" + url_encode("A&B=C") + "&page=2", q);
  EXPECT_EQ(q["query.city"], "A&B=C");
  EXPECT_EQ(q["page"], "2");
}

TEST(Problem, MapsKindsToStatusesAndHidesInternals) {
  EXPECT_EQ(status_for(ErrorKind::validation), 422u);
  EXPECT_EQ(status_for(ErrorKind::conflict), 409u);
  EXPECT_EQ(status_for(ErrorKind::rate_limited), 429u);
  EXPECT_EQ(status_for(ErrorKind::headers_too_large), 431u);
  Error e = internal_error("SELECT secret FROM users failed at /var/lib/x");
  Reply r = problem_reply(e, "/v1/me", "rid123456");
  EXPECT_EQ(r.status, 500u);
  EXPECT_EQ(r.content_type, "application/problem+json");
  EXPECT_EQ(r.body.find("SELECT"), std::string::npos);
  EXPECT_EQ(r.body.find("/var/lib"), std::string::npos);
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["type"], "/problems/internal");
  EXPECT_EQ(j["request_id"], "rid123456");
}

TEST(Problem, RetryAfterAndFieldErrors) {
  Error e = make_error(ErrorKind::rate_limited, "rate-limited", "Too many");
  e.retry_after_s = 7;
  e.fields.push_back({"/x", "required", "This field is required."});
  Reply r = problem_reply(e, "/a", "rid");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].second, "7");
  EXPECT_EQ(nlohmann::json::parse(r.body)["errors"][0]["path"], "/x");
}
