#include <gtest/gtest.h>

#include <random>
#include <string>

#include "core/countries.hpp"
#include "core/ip.hpp"

using namespace darwaza;

namespace {

std::string canon(std::string_view text) {
  auto r = parse_ip_or_cidr(text);
  return r ? r->canonical() : "<invalid>";
}

bool public_range(std::string_view text) {
  auto r = parse_ip_or_cidr(text);
  EXPECT_TRUE(r) << text;
  return r && is_public(*r);
}

}  // namespace

TEST(IpParse, Ipv4Accepted) {
  auto r = parse_ip("203.0.113.7");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->family, 4);
  EXPECT_EQ(r->prefix, 32);
  EXPECT_EQ(r->first[0], 203);
  EXPECT_EQ(r->first[3], 7);
  EXPECT_EQ(r->first[4], 0);  // IPv4 lives in bytes 0..3, the rest stay zero
  EXPECT_EQ(r->first, r->last);
  EXPECT_TRUE(r->is_host());
  EXPECT_EQ(canon("0.0.0.0"), "0.0.0.0");
  EXPECT_EQ(canon("255.255.255.255"), "255.255.255.255");
  EXPECT_EQ(canon("1.2.3.4/32"), "1.2.3.4");
}

TEST(IpParse, Ipv4Refused) {
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.256", "010.0.0.1", "1.2.3.04", "00.1.2.3",
                          "1..2.3", ".1.2.3", "1.2.3.", "1.2.3.4 ", " 1.2.3.4", "0x7f.0.0.1", "1.2.3.-4", "+1.2.3.4",
                          "1.2.3.4a", "1000.1.1.1", "1,2,3,4", "١.٢.٣.٤", "4294967295", "127.1"}) {
    EXPECT_FALSE(parse_ip(bad)) << bad;
    EXPECT_FALSE(parse_ip_or_cidr(bad)) << bad;
  }
}

TEST(IpParse, Ipv6CompressionForms) {
  EXPECT_EQ(canon("::"), "::");
  EXPECT_EQ(canon("::1"), "::1");
  EXPECT_EQ(canon("1::"), "1::");
  EXPECT_EQ(canon("0:0:0:0:0:0:0:0"), "::");
  EXPECT_EQ(canon("0:0:0:0:0:0:0:1"), "::1");
  EXPECT_EQ(canon("2001:0DB8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");
  EXPECT_EQ(canon("2001:db8::0:1"), "2001:db8::1");
  // A single zero group is not compressed (RFC 5952 4.2.2).
  EXPECT_EQ(canon("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");
  EXPECT_EQ(canon("2001:db8::1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");
  // Longest run wins; on a tie the first one (4.2.3).
  EXPECT_EQ(canon("2001:0:0:1:0:0:0:1"), "2001:0:0:1::1");
  EXPECT_EQ(canon("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");
  EXPECT_EQ(canon("fe80:0000::0001:0:0"), "fe80::1:0:0");
  EXPECT_EQ(canon("1:2:3:4:5:6:7::"), "1:2:3:4:5:6:7:0");
  EXPECT_EQ(canon("::2:3:4:5:6:7:8"), "0:2:3:4:5:6:7:8");
  EXPECT_EQ(canon("ABCD:EF01:2345:6789:ABCD:EF01:2345:6789"), "abcd:ef01:2345:6789:abcd:ef01:2345:6789");
  EXPECT_EQ(canon("2001:db8::/32"), "2001:db8::/32");
  EXPECT_EQ(canon("2001:db8::1/128"), "2001:db8::1");
  auto r = parse_ip("2001:db8::1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->family, 6);
  EXPECT_EQ(r->prefix, 128);
  EXPECT_EQ(r->first[0], 0x20);
  EXPECT_EQ(r->first[1], 0x01);
  EXPECT_EQ(r->first[15], 0x01);
}

TEST(IpParse, Ipv6EmbeddedIpv4) {
  auto r = parse_ip("::ffff:1.2.3.4");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->family, 6);  // stays IPv6, not folded into 1.2.3.4
  EXPECT_EQ(r->first[10], 0xff);
  EXPECT_EQ(r->first[12], 1);
  EXPECT_EQ(r->canonical(), "::ffff:1.2.3.4");
  EXPECT_EQ(canon("::FFFF:0102:0304"), "::ffff:1.2.3.4");
  EXPECT_EQ(canon("0:0:0:0:0:ffff:1.2.3.4"), "::ffff:1.2.3.4");
  EXPECT_EQ(canon("::ffff:0.0.0.0/96"), "::ffff:0.0.0.0/96");
  EXPECT_EQ(canon("64:ff9b::192.0.2.33"), "64:ff9b::c000:221");
  EXPECT_EQ(canon("::1.2.3.4"), "::102:304");
  EXPECT_EQ(canon("1:2:3:4:5:6:1.2.3.4"), "1:2:3:4:5:6:102:304");
  for (const char* bad : {"::ffff:1.2.3", "::ffff:1.2.3.4.5", "::ffff:01.2.3.4", "::ffff:256.2.3.4", "1.2.3.4::",
                          "1.2.3.4::1", "::1.2.3.4:1", "1:2:3:4:5:6:7:1.2.3.4", "::ffff:1.2.3.4/129"})
    EXPECT_FALSE(parse_ip_or_cidr(bad)) << bad;
}

TEST(IpParse, Ipv6Refused) {
  for (const char* bad : {":", ":::", "1:::2", "::1::", "1::2::3", ":1::2", "1::2:", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9",
                          "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "12345::", "g::1", "fe80::1%eth0", "[::1]", " ::1",
                          "::1 ", "2001:db8:::1", "1:2:3:4:5:6:7:", ":1:2:3:4:5:6:7", "-1::", "0x1::"}) {
    EXPECT_FALSE(parse_ip(bad)) << bad;
    EXPECT_FALSE(parse_ip_or_cidr(bad)) << bad;
  }
  // Seven explicit groups plus "::" standing for the eighth is valid RFC 4291 text.
  EXPECT_EQ(canon("1:2:3::5:6:7:8"), "1:2:3:0:5:6:7:8");
}

TEST(IpParse, CidrPrefixes) {
  auto r = parse_ip_or_cidr("198.51.100.0/24");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->prefix, 24);
  EXPECT_EQ(r->last[3], 255);
  EXPECT_EQ(r->last[2], 100);
  EXPECT_EQ(r->canonical(), "198.51.100.0/24");
  EXPECT_EQ(canon("0.0.0.0/0"), "0.0.0.0/0");
  EXPECT_EQ(canon("::/0"), "::/0");
  EXPECT_EQ(canon("10.1.2.3/0"), "0.0.0.0/0");
  auto all = parse_ip_or_cidr("::/0");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->last[15], 0xff);
  EXPECT_EQ(all->last[0], 0xff);
  for (const char* bad : {"1.2.3.4/33", "1.2.3.4/-1", "1.2.3.4/", "1.2.3.4/024", "1.2.3.4/00", "1.2.3.4/1000",
                          "1.2.3.4/4294967328", "1.2.3.4/24/24", "/24", "::/129", "::/999", "2001:db8::/0128",
                          "1.2.3.4/ 24", "1.2.3.4/24 ", "1.2.3.4/2a", "1.2.3.4/+8"})
    EXPECT_FALSE(parse_ip_or_cidr(bad)) << bad;
  EXPECT_FALSE(parse_ip("10.0.0.0/8"));  // parse_ip takes single addresses only
}

TEST(IpParse, HostBitsAreClearedAndReported) {
  // Documented choice: accepted as the network, and canonical() shows the network.
  EXPECT_EQ(canon("10.0.0.1/24"), "10.0.0.0/24");
  EXPECT_EQ(canon("192.168.255.255/17"), "192.168.128.0/17");
  EXPECT_EQ(canon("203.0.113.77/31"), "203.0.113.76/31");
  EXPECT_EQ(canon("2001:db8::1/64"), "2001:db8::/64");
  EXPECT_EQ(canon("2001:db8:ffff:ffff::/33"), "2001:db8:8000::/33");
  auto r = parse_ip_or_cidr("10.0.0.1/24");
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, *parse_ip_or_cidr("10.0.0.0/24"));
  auto v4 = parse_ip_or_cidr("10.0.0.1/9");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->last[1], 0x7f);
  EXPECT_EQ(v4->last[4], 0);  // bytes past IPv4 stay zero
}

TEST(IpParse, LengthBoundAndFuzzSafety) {
  EXPECT_TRUE(parse_ip_or_cidr("0000:0000:0000:0000:0000:0000:255.255.255.255/128"));  // exactly 49
  EXPECT_FALSE(parse_ip_or_cidr(" 0000:0000:0000:0000:0000:0000:255.255.255.255/128"));
  EXPECT_FALSE(parse_ip_or_cidr(std::string(10'000, ':')));
  EXPECT_FALSE(parse_ip_or_cidr(std::string(10'000, '1')));
  EXPECT_FALSE(parse_ip_or_cidr(std::string("1.2.3.4\0", 8)));
  // Random junk over the parser's alphabet must never crash, and whatever parses must
  // round-trip through its canonical text.
  std::mt19937 rng(12345);
  const std::string alphabet = "0123456789abcdefABCDEF:./%x ";
  for (int i = 0; i < 50'000; ++i) {
    std::string s;
    std::size_t len = rng() % 24;
    for (std::size_t k = 0; k < len; ++k) s += alphabet[rng() % alphabet.size()];
    auto r = parse_ip_or_cidr(s);
    if (!r) continue;
    auto again = parse_ip_or_cidr(r->canonical());
    ASSERT_TRUE(again) << s;
    EXPECT_EQ(*again, *r) << s;
    EXPECT_EQ(again->canonical(), r->canonical()) << s;
  }
}

TEST(IpPublic, Ipv4) {
  EXPECT_TRUE(public_range("8.8.8.8"));
  EXPECT_TRUE(public_range("1.1.1.1"));
  EXPECT_TRUE(public_range("39.32.0.0/11"));  // a Pakistani ISP block
  EXPECT_TRUE(public_range("8.0.0.0/7"));
  EXPECT_TRUE(public_range("100.63.255.255"));
  EXPECT_TRUE(public_range("100.128.0.0"));
  EXPECT_TRUE(public_range("172.15.255.255"));
  EXPECT_TRUE(public_range("172.32.0.0"));
  EXPECT_TRUE(public_range("223.255.255.255"));
  for (const char* bad : {"0.0.0.0", "0.1.2.3", "10.0.0.1", "10.255.255.255", "100.64.0.1", "100.127.255.255",
                          "127.0.0.1", "169.254.1.1", "172.16.0.1", "172.31.255.255", "192.0.0.8", "192.0.2.1",
                          "192.88.99.1", "192.168.1.1", "198.18.0.1", "198.19.255.255", "198.51.100.1", "203.0.113.9",
                          "224.0.0.1", "239.255.255.255", "240.0.0.1", "255.255.255.255"})
    EXPECT_FALSE(public_range(bad)) << bad;
  // A range is public only if all of it is.
  EXPECT_FALSE(public_range("0.0.0.0/0"));
  EXPECT_FALSE(public_range("10.0.0.0/7"));     // 10/8 inside
  EXPECT_FALSE(public_range("100.0.0.0/8"));    // contains CGNAT
  EXPECT_FALSE(public_range("192.0.0.0/16"));   // contains 192.0.0.0/24 and 192.0.2.0/24
  EXPECT_FALSE(public_range("172.0.0.0/8"));
  EXPECT_FALSE(public_range("128.0.0.0/1"));
}

TEST(IpPublic, Ipv6) {
  EXPECT_TRUE(public_range("2400:cb00::1"));
  EXPECT_TRUE(public_range("2a00:1450:4001::/48"));
  EXPECT_TRUE(public_range("2001:4860:4860::8888"));
  EXPECT_TRUE(public_range("3ffe::1"));
  for (const char* bad : {"::", "::1", "::ffff:8.8.8.8", "::ffff:10.0.0.1", "64:ff9b::808:808", "64:ff9b:1::1",
                          "100::1", "fc00::1", "fd12:3456::1", "fe80::1", "fec0::1", "ff02::1", "ff0e::1",
                          "2001:db8::1", "2001:db8::/32", "2001::1", "2001:2::1", "2001:10::1", "2002:c000:0204::1",
                          "3fff::1", "3fff:fff::1", "4000::1", "::/0", "2000::/3", "2001::/16", "8000::/1"})
    EXPECT_FALSE(public_range(bad)) << bad;
}

TEST(Countries, OfficialList) {
  EXPECT_EQ(all_countries().size(), 249u);
  EXPECT_TRUE(valid_country("PK"));
  EXPECT_TRUE(valid_country("AX"));
  EXPECT_TRUE(valid_country("ZW"));
  EXPECT_TRUE(valid_country("SS"));
  EXPECT_TRUE(valid_country("BQ"));
  EXPECT_EQ(country_name("PK"), "Pakistan");
  EXPECT_EQ(country_name("GB"), "United Kingdom");
  EXPECT_EQ(country_name("AE"), "United Arab Emirates");
  for (const char* bad : {"", "P", "PAK", "pk", "Pk", "XK", "UK", "EU", "ZZ", "AA", "AN", "YU", "CS"}) {
    EXPECT_FALSE(valid_country(bad)) << bad;
    EXPECT_EQ(country_name(bad), "") << bad;
  }
  for (std::size_t i = 1; i < all_countries().size(); ++i)
    EXPECT_LT(all_countries()[i - 1].code, all_countries()[i].code);
}
