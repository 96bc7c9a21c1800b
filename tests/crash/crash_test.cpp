// Crash safety: citizens submit applications and an officer claims and reviews them while the
// server is killed with SIGKILL at random moments and restarted, again and again. Afterwards
// every request that was answered 2xx is present exactly once, no application is half written
// (its timeline ends in its state), and `darwaza audit verify` passes.
//
// Knobs (environment): DARWAZA_CRASH_KILLS (default 20; the longer run in docs/reliability.md
// uses 200), DARWAZA_CRASH_SEED (default: random, printed). The engine is the test suite's: SQLite
// in the test's data folder, or a fresh PostgreSQL database when DARWAZA_TEST_DB_URL_BASE is set
// (server, `user create` and `audit verify` then all use that database).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "support/fixtures.hpp"

using namespace darwaza::test;
using nlohmann::json;

namespace {

constexpr int kDefaultKills = 20;
constexpr int kCitizenThreads = 3;
constexpr int kMinRunMs = 20;   // a kill comes this long ...
constexpr int kMaxRunMs = 400;  // ... to this long after the server is ready

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

struct Ledger {
  std::mutex mu;
  std::map<std::string, std::string> submitted;  // marker → application id, answered 201
  std::set<std::string> claimed;                 // answered 200
  std::set<std::string> reviewed;                // start_review answered 200
  std::vector<std::string> claimable;            // submitted, not yet claimed by the officer
  long long attempts = 0;
};

TEST(Crash, AcknowledgedWritesSurviveSigkill) {
  const int kills = env_int("DARWAZA_CRASH_KILLS", kDefaultKills);
  const unsigned seed = static_cast<unsigned>(env_int("DARWAZA_CRASH_SEED", static_cast<int>(std::random_device{}())));
  std::mt19937 rng(seed);
  std::cout << "crash test: " << kills << " kills, seed " << seed << "\n";

  ServerProcess s({"--catalog-dir", DARWAZA_TEST_FIXTURES "/services"});
  s.start();
  Person officer = cli_user(s, "officer", "pta");
  std::vector<Person> citizens;
  {
    // Sessions are stored, so one login each serves every round: the kill windows go to writes,
    // not to password hashing.
    HttpClient c = s.client();
    for (int i = 0; i < kCitizenThreads; ++i) citizens.push_back(signed_in(c, "Crash Citizen"));
    officer.token = login(c, officer);
  }

  Ledger ledger;
  int survived = 0;
  for (int round = 0; round <= kills; ++round) {
    if (round > 0) s.start();
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < kCitizenThreads; ++t) {
      threads.emplace_back([&, t] {
        try {
          HttpClient c = s.client();
          const std::string& token = citizens[t].token;
          for (int i = 0; !stop; ++i) {
            std::string marker = "crash r" + std::to_string(round) + " t" + std::to_string(t) + " n" + std::to_string(i);
            json data = {{"purpose", marker}, {"endpoints", {"8.8.8.0/24"}}};
            {
              std::lock_guard lock(ledger.mu);
              ++ledger.attempts;
            }
            auto r = c.post_json("/v1/applications", {{"service_id", "test-permit"}, {"data", data}}, bearer(token));
            if (r.status == 201) {
              std::lock_guard lock(ledger.mu);
              std::string id = r.json()["id"].get<std::string>();
              ledger.submitted[marker] = id;
              ledger.claimable.push_back(id);
            }
          }
        } catch (const std::exception&) {
          // The server died under us: expected.
        }
      });
    }
    threads.emplace_back([&] {
      try {
        HttpClient c = s.client();
        const std::string& token = officer.token;
        while (!stop) {
          std::string id;
          {
            std::lock_guard lock(ledger.mu);
            if (!ledger.claimable.empty()) {
              id = ledger.claimable.back();
              ledger.claimable.pop_back();
            }
          }
          if (id.empty()) {
            std::this_thread::yield();
            continue;
          }
          if (c.post_json("/v1/applications/" + id + "/claim", json::object(), bearer(token)).status == 200) {
            std::lock_guard lock(ledger.mu);
            ledger.claimed.insert(id);
          } else {
            continue;
          }
          auto r = c.post_json("/v1/applications/" + id + "/transitions", {{"transition", "start_review"}}, bearer(token));
          if (r.status == 200) {
            std::lock_guard lock(ledger.mu);
            ledger.reviewed.insert(id);
          }
        }
      } catch (const std::exception&) {
      }
    });
    if (round < kills) {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(kMinRunMs, kMaxRunMs)(rng)));
      s.kill_hard();  // the kill: no drain, no checkpoint
      ++survived;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(kMaxRunMs));  // a last run, stopped cleanly
    }
    stop = true;
    for (auto& t : threads) t.join();
  }

  // Every acknowledged submission exactly once; none half written; acknowledged acts applied.
  HttpClient c = s.client();
  std::map<std::string, int> seen;  // marker → applications holding it
  std::size_t total = 0;
  for (const auto& p : citizens) {
    std::string token = login(c, p);
    for (int page = 1;; ++page) {
      auto list = c.get("/v1/applications?page_size=100&page=" + std::to_string(page), bearer(token)).json();
      for (const auto& a : list["items"]) {
        ++total;
        std::string id = a["id"];
        auto full = c.get("/v1/applications/" + id, bearer(token));
        ASSERT_EQ(full.status, 200u) << full.body;
        json v = full.json();
        std::string marker = v["data"].value("purpose", "");
        ++seen[marker];
        ASSERT_FALSE(v["timeline"].empty()) << "application " << id << " has no timeline";
        std::string last_to;
        for (const auto& e : v["timeline"])
          if (e.contains("to")) last_to = e["to"];
        EXPECT_EQ(last_to, v["state"]) << "application " << id << " is half written: " << v.dump();
        if (ledger.reviewed.count(id)) EXPECT_NE(v["state"], "submitted") << "acknowledged review lost on " << id;
        if (ledger.claimed.count(id)) EXPECT_TRUE(v["assigned"].get<bool>()) << "acknowledged claim lost on " << id;
      }
      if (list["items"].size() < 100) break;
    }
  }
  for (const auto& [marker, id] : ledger.submitted) EXPECT_EQ(seen[marker], 1) << "acknowledged " << marker << " (" << id << ")";
  for (const auto& [marker, n] : seen) EXPECT_EQ(n, 1) << marker << " stored " << n << " times";
  ASSERT_EQ(s.stop(), 0);
  std::string out;
  EXPECT_EQ(run_darwaza({"audit", "verify", "--data", s.data_dir() + "/d"}, out), 0) << out;
  std::cout << "crash test: " << survived << " kills survived; " << ledger.attempts << " submissions tried, "
            << ledger.submitted.size() << " acknowledged, " << total << " stored; " << ledger.claimed.size()
            << " claims and " << ledger.reviewed.size() << " reviews acknowledged; audit: " << out;
}

}  // namespace
