// End-to-end: a node behind a load balancer (haproxy with `option forwardfor`, as
// docs/deployment.md configures it) counts each client under the client's own address, not the
// balancer's; and a client talking to the node directly cannot choose its address with an
// X-Forwarded-For header. Clients are told apart by their loopback source address (127.0.0.x).
#include <gtest/gtest.h>

#include <fstream>

#include "support/balancer.hpp"
#include "support/fixtures.hpp"

using namespace darwaza::test;
using nlohmann::json;

namespace {

const json kBadLogin = {{"login", "nobody@example.pk"}, {"password", "x"}};

}  // namespace

TEST(TrustedProxy, EachClientOfABalancerHasItsOwnRateLimitAndNoClientChoosesItsAddress) {
  if (!have_haproxy()) GTEST_SKIP() << "haproxy is not installed (scripts/deps.sh installs it)";
  // A burst of 2 expensive requests per client address (login is one), then 429.
  ServerProcess node({"--trusted-proxy", "127.0.0.1", "--rate-limit-per-minute", "1", "--rate-limit-burst", "2"});
  node.start();
  Balancer lb(node.data_dir(), {node.port()}, /*forward_for=*/true);

  HttpClient first = lb.client();
  first.set_source("127.0.0.2");
  for (int i = 0; i < 2; ++i) EXPECT_EQ(first.post_json("/v1/auth/login", kBadLogin).status, 401u);
  auto r = first.post_json("/v1/auth/login", kBadLogin);
  EXPECT_EQ(r.status, 429u) << r.body;
  EXPECT_EQ(r.json()["type"], "/problems/rate-limited");
  // Another client through the same balancer has a budget of its own (before trusted proxies,
  // every client of the balancer shared the balancer's one).
  HttpClient second = lb.client();
  second.set_source("127.0.0.3");
  r = second.post_json("/v1/auth/login", kBadLogin);
  EXPECT_EQ(r.status, 401u) << r.body;
  // A client's own X-Forwarded-For, sent through the balancer, is to the left of what the
  // balancer adds: it changes nothing.
  HttpClient spoof_via_lb = lb.client();
  spoof_via_lb.set_source("127.0.0.2");
  r = spoof_via_lb.request("POST", "/v1/auth/login", kBadLogin.dump(),
                           {{"Content-Type", "application/json"}, {"X-Forwarded-For", "203.0.113.77"}});
  EXPECT_EQ(r.status, 429u) << r.body;

  // Straight to the node from an address that is not a trusted proxy: the header is ignored,
  // so a new address per request buys no new budget.
  HttpClient direct = node.client();
  direct.set_source("127.0.0.4");
  for (int i = 0; i < 3; ++i) {
    r = direct.request("POST", "/v1/auth/login", kBadLogin.dump(),
                       {{"Content-Type", "application/json"}, {"X-Forwarded-For", "203.0.113." + std::to_string(i + 1)}});
    EXPECT_EQ(r.status, i < 2 ? 401u : 429u) << i << ": " << r.body;
  }

  ASSERT_EQ(node.stop(), 0);
  // The access log names the client and the peer it came through.
  std::ifstream in(node.data_dir() + "/access.log");
  int via_lb = 0, direct_lines = 0;
  for (std::string line; std::getline(in, line);) {
    auto j = json::parse(line, nullptr, false);
    ASSERT_TRUE(j.is_object()) << line;
    if (j["ip"] == "127.0.0.3" && j["peer"] == "127.0.0.1") ++via_lb;
    if (j["ip"] == "127.0.0.4" && j["peer"] == "127.0.0.4") ++direct_lines;
  }
  EXPECT_EQ(via_lb, 1);
  EXPECT_EQ(direct_lines, 3);
}

TEST(TrustedProxy, ARangeThatIsNotOneOrTrustsEveryoneStopsTheStart) {
  std::string why = refusal_to_start({"--trusted-proxy", "lb.internal"});
  EXPECT_NE(why.find("--trusted-proxy: 'lb.internal' is not an IPv4 or IPv6 address or CIDR block"), std::string::npos)
      << why;
  why = refusal_to_start({"--trusted-proxy", "10.0.0.0/8,0.0.0.0/0"});
  EXPECT_NE(why.find("trusts every address"), std::string::npos) << why;
}
