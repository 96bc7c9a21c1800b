#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "http/client_address.hpp"

using namespace darwaza;
using http::client_address;
using http::TrustedProxies;

namespace {

TrustedProxies proxies(std::vector<std::string> entries) {
  auto p = TrustedProxies::parse(entries);
  EXPECT_TRUE(p.ok());
  return p.ok() ? *p : TrustedProxies{};
}

std::string client(std::string_view peer, std::vector<std::string_view> xff, const TrustedProxies& p) {
  return client_address(peer, xff, p);
}

}  // namespace

TEST(TrustedProxies, ParsesAddressesAndBlocksAndRefusesWhatIsNotOne) {
  auto p = TrustedProxies::parse({"10.0.0.0/8", " 192.0.2.1 ", "2001:db8::/32"});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->ranges().size(), 3u);
  EXPECT_TRUE(p->contains(*parse_ip("10.200.3.4")));
  EXPECT_TRUE(p->contains(*parse_ip("192.0.2.1")));
  EXPECT_FALSE(p->contains(*parse_ip("192.0.2.2")));
  EXPECT_TRUE(p->contains(*parse_ip("2001:db8:ffff::1")));
  EXPECT_FALSE(p->contains(*parse_ip("2001:db9::1")));
  EXPECT_FALSE(p->contains(*parse_ip("::ffff:10.0.0.1")));  // an IPv6 address, not 10.0.0.1

  for (std::string bad : {"10.0.0.0/33", "lb.example", "", "10.0.0.1/08"}) {
    auto r = TrustedProxies::parse({bad});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().type, "bad-trusted-proxy");
  }
  auto everyone = TrustedProxies::parse({"0.0.0.0/0"});
  ASSERT_FALSE(everyone.ok());
  EXPECT_NE(everyone.error().detail.find("every address"), std::string::npos);
  EXPECT_FALSE(TrustedProxies::parse({"::/0"}).ok());
  EXPECT_FALSE(TrustedProxies::parse(std::vector<std::string>(http::kMaxTrustedProxies + 1, "10.0.0.1")).ok());
}

TEST(ClientAddress, WithoutTrustedProxiesThePeerIsTheClientWhateverTheHeaderSays) {
  EXPECT_EQ(client("127.0.0.1", {"203.0.113.9"}, {}), "127.0.0.1");
  auto p = proxies({"10.0.0.1"});
  // A peer that is not a trusted proxy: its X-Forwarded-For is its own claim.
  EXPECT_EQ(client("198.51.100.4", {"203.0.113.9"}, p), "198.51.100.4");
}

TEST(ClientAddress, ATrustedProxysRightmostEntryIsTheClient) {
  auto p = proxies({"10.0.0.0/24"});
  EXPECT_EQ(client("10.0.0.1", {"203.0.113.9"}, p), "203.0.113.9");
  // The client sent its own header; the proxy appended what it saw: only that counts.
  EXPECT_EQ(client("10.0.0.1", {"1.2.3.4, 203.0.113.9"}, p), "203.0.113.9");
  // haproxy adds a header line of its own rather than appending: the lines read in order.
  EXPECT_EQ(client("10.0.0.1", {"1.2.3.4", "203.0.113.9"}, p), "203.0.113.9");
  // Two trusted proxies in a row (a TLS terminator, then the balancer): skipped from the right.
  EXPECT_EQ(client("10.0.0.1", {"198.51.100.7, 10.0.0.5"}, p), "198.51.100.7");
  EXPECT_EQ(client("10.0.0.1", {"5.6.7.8,198.51.100.7", "10.0.0.5"}, p), "198.51.100.7");
  // Every entry a trusted proxy: the leftmost is the client.
  EXPECT_EQ(client("10.0.0.1", {"10.0.0.7, 10.0.0.5"}, p), "10.0.0.7");
}

TEST(ClientAddress, EntriesAreCanonicalWithPortsAndBracketsDropped) {
  auto p = proxies({"10.0.0.1", "2001:db8::/64"});
  EXPECT_EQ(client("10.0.0.1", {"203.0.113.9:51234"}, p), "203.0.113.9");
  EXPECT_EQ(client("10.0.0.1", {"[2001:DB8:1::0001]:443"}, p), "2001:db8:1::1");
  EXPECT_EQ(client("10.0.0.1", {"[2001:db8:1::1]"}, p), "2001:db8:1::1");
  EXPECT_EQ(client("10.0.0.1", {"2001:0db8:0001:0000::1"}, p), "2001:db8:1::1");
  EXPECT_EQ(client("2001:db8::9", {" 203.0.113.9\t"}, p), "203.0.113.9");
  // A dual-stack socket's IPv4-mapped peer matches an IPv4 proxy range.
  EXPECT_EQ(client("::ffff:10.0.0.1", {"203.0.113.9"}, p), "203.0.113.9");
  EXPECT_EQ(client("::ffff:198.51.100.1", {"203.0.113.9"}, p), "198.51.100.1");
}

TEST(ClientAddress, WhatNoTrustedProxyVouchesForIsNotBelieved) {
  auto p = proxies({"10.0.0.0/24"});
  // No header: the proxy itself (misconfigured, or its own health check).
  EXPECT_EQ(client("10.0.0.1", {}, p), "10.0.0.1");
  EXPECT_EQ(client("10.0.0.1", {""}, p), "10.0.0.1");
  // Garbage where the proxy's entry should be: the last trusted hop.
  for (std::string_view bad : {"unknown", "_hidden", "203.0.113.9:", "203.0.113.9:x", "[2001:db8::1", "[203.0.113.9]",
                               "2001:db8::1]:80", "203.0.113.256", "1.2.3.4.5", "300.1.1.1:80"})
    EXPECT_EQ(client("10.0.0.1", {bad}, p), "10.0.0.1") << bad;
  // Garbage to the left of a real client is never reached.
  EXPECT_EQ(client("10.0.0.1", {"unknown, 203.0.113.9"}, p), "203.0.113.9");
  // Garbage after a trusted hop: that hop.
  EXPECT_EQ(client("10.0.0.1", {"203.0.113.9, junk, 10.0.0.5"}, p), "10.0.0.5");
  // A chain longer than anyone runs stops at the bound, on a trusted hop.
  std::string chain = "203.0.113.9";
  for (std::size_t i = 0; i < http::kMaxForwardedHops; ++i) chain += ", 10.0.0.5";
  EXPECT_EQ(client("10.0.0.1", {chain}, p), "10.0.0.5");
  chain = "203.0.113.9";
  for (std::size_t i = 0; i + 1 < http::kMaxForwardedHops; ++i) chain += ", 10.0.0.5";
  EXPECT_EQ(client("10.0.0.1", {chain}, p), "203.0.113.9");
}

TEST(ClientAddress, AnIpv4MappedEntryIsItsIpv4Address) {
  auto p = proxies({"10.0.0.0/24"});
  // A dual-stack proxy writing its hop as ::ffff:10.0.0.5 is still a trusted hop.
  EXPECT_EQ(client("10.0.0.1", {"203.0.113.9, ::ffff:10.0.0.5"}, p), "203.0.113.9");
  EXPECT_EQ(client("10.0.0.1", {"::ffff:203.0.113.9"}, p), "203.0.113.9");
}

TEST(ClientKey, AnIpv6ClientIsCountedByItsSlash64AndAnIpv4ClientByItsAddress) {
  using http::client_key;
  EXPECT_EQ(client_key("203.0.113.9"), "203.0.113.9");
  EXPECT_EQ(client_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  EXPECT_EQ(client_key("2001:db8:1:2::1"), client_key("2001:db8:1:2:ffff::9"));
  EXPECT_NE(client_key("2001:db8:1:2::1"), client_key("2001:db8:1:3::1"));
  EXPECT_EQ(client_key("::ffff:198.51.100.4"), "198.51.100.4");
  EXPECT_EQ(client_key("unknown"), "unknown");
}
