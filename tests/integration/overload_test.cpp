// End-to-end: overload protection answers a fast 503 while health checks keep working, and a
// SIGTERM lets an in-flight request finish before the process exits 0.
#include <gtest/gtest.h>

#include <future>
#include <regex>

#include "support/fixtures.hpp"

using namespace darwaza::test;

namespace {

// Expensive argon2id for new hashes makes a sign-up take long enough to be "in flight".
const std::vector<std::string> kSlowSignup = {"--argon2-mem-kib", "262144", "--argon2-ops", "3"};

nlohmann::json signup_json(const Person& p) {
  return {{"cnic", p.cnic}, {"name", p.name}, {"email", p.email}, {"mobile", p.mobile}, {"password", p.password}};
}

// Polls /metrics until the in-flight gauge reaches n.
void wait_in_flight(HttpClient& c, int n) {
  std::regex re("darwaza_http_requests_in_flight ([0-9]+)");
  for (int i = 0; i < 20000; ++i) {
    auto body = c.get("/metrics").body;
    std::smatch m;
    if (std::regex_search(body, m, re) && std::stoi(m[1]) >= n) return;
  }
  FAIL() << "request never became in-flight";
}

// Starts a slow sign-up on its own connection and returns once the server counts it in flight.
std::future<HttpResponse> slow_signup_in_flight(const ServerProcess& s) {
  auto first = std::async(std::launch::async, [&s] {
    auto c = s.client();
    return c.post_json("/v1/auth/signup", signup_json(new_person()));
  });
  auto c = s.client();
  wait_in_flight(c, 1);
  return first;
}

}  // namespace

TEST(Overload, BeyondMaxInFlightIsFast503WhileHealthzServes) {
  std::vector<std::string> args = kSlowSignup;
  args.insert(args.end(), {"--max-in-flight", "1"});
  ServerProcess s(args);
  s.start();
  auto first = slow_signup_in_flight(s);
  auto c = s.client();
  auto r = c.post_json("/v1/auth/signup", signup_json(new_person()));
  EXPECT_EQ(r.status, 503u) << r.body;
  EXPECT_EQ(r.json()["type"], "/problems/overloaded");
  EXPECT_EQ(r.header("retry-after"), "1");
  // The request was whole: its connection stays open for the next (no reconnection under load).
  EXPECT_NE(r.header("connection"), "close");
  EXPECT_EQ(c.get("/healthz").status, 200u);
  // So does a request for no route.
  auto none = c.get("/v1/no-such-route");
  EXPECT_EQ(none.status, 404u) << none.body;
  EXPECT_NE(none.header("connection"), "close");
  EXPECT_EQ(first.get().status, 201u);  // the accepted request still completes
}

TEST(Overload, SigtermFinishesInFlightRequest) {
  ServerProcess s(kSlowSignup);
  s.start();
  auto first = slow_signup_in_flight(s);
  s.terminate();
  auto r = first.get();
  EXPECT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(s.wait(), 0);
}
