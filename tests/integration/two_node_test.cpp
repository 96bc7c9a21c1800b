// End-to-end, PostgreSQL only: two `darwaza serve` nodes over one database behind haproxy on
// loopback behave as one platform. Concurrent submissions and officer transitions go through
// both nodes and the balancer; every acknowledged write is present exactly once, a session made
// on one node works on the other, an idempotency key replays across nodes, and the audit chain
// verifies with no fork. Bounded: a few dozen requests. A second test (SQLite and PostgreSQL)
// proves that each node's in-memory IP index follows registry changes made elsewhere.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <thread>

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/balancer.hpp"
#include "support/fixtures.hpp"
#include "support/test_database.hpp"

using namespace darwaza::test;
using nlohmann::json;

namespace {

constexpr int kWriters = 6;                // concurrent clients
constexpr int kSubmissionsPerWriter = 5;   // each alternates node A, node B and the balancer
// Other nodes' registry changes reach a node within about kFollowIntervalMs (1 s); allow plenty.
constexpr int kFollowDeadlineMs = 15000;

// Node A started with `args`, then node B over A's database with the same arguments, its own
// folder for logs and a copy of A's signing keys (every node of a cluster has the same key).
class NodePair {
 public:
  explicit NodePair(std::vector<std::string> args) : a(args), b_dir_(make_temp_dir("darwaza-node-b")) {
    a.start();
    std::filesystem::create_directories(b_dir_ + "/d");
    std::filesystem::copy(a.data_dir() + "/d/keys", b_dir_ + "/d/keys", std::filesystem::copy_options::recursive);
    const std::string db = a.data_dir() + "/d";
    args.insert(args.end(), {"--db", testing_postgresql() ? test_db_url(db) : "sqlite:" + db + "/darwaza.db"});
    b = std::make_unique<ServerProcess>(args, b_dir_);
    b->start();
  }
  ~NodePair() {
    b.reset();
    std::filesystem::remove_all(b_dir_);
  }
  NodePair(const NodePair&) = delete;
  NodePair& operator=(const NodePair&) = delete;
  // Stops B, then A (each must exit cleanly).
  void stop() {
    EXPECT_EQ(b->stop(), 0);
    EXPECT_EQ(a.stop(), 0);
  }

  ServerProcess a;
  std::unique_ptr<ServerProcess> b;  // started in the constructor, after A

 private:
  std::string b_dir_;
};

json permit_data() {
  return {{"purpose", "Remote development for export clients"}, {"endpoints", {"8.8.8.0/24"}}};
}

}  // namespace

TEST(TwoNodes, BehaveAsOnePlatform) {
  if (!testing_postgresql()) GTEST_SKIP() << "needs PostgreSQL (the second run of scripts/test.sh)";
  if (!have_haproxy()) GTEST_SKIP() << "haproxy is not installed (scripts/deps.sh installs it)";

  // As docs/deployment.md configures a cluster: the balancer names each client in
  // X-Forwarded-For, and the nodes trust it to.
  NodePair nodes({"--catalog-dir", DARWAZA_TEST_FIXTURES "/services", "--trusted-proxy", "127.0.0.1"});
  const ServerProcess &a = nodes.a, &b = *nodes.b;
  Balancer lb(a.data_dir(), {a.port(), b.port()}, /*forward_for=*/true);

  // A session made on node A works on node B.
  HttpClient ca = a.client(), cb = b.client();
  Person citizen = signed_in(ca, "Two Node Citizen");
  auto me = cb.get("/v1/me", bearer(citizen.token));
  ASSERT_EQ(me.status, 200u) << me.body;
  EXPECT_EQ(me.json()["id"], citizen.id);
  // So does a browser session: node B accepts the CSRF token node A gave (the same key file).
  auto web = ca.post_json("/v1/auth/web-login", {{"login", citizen.email}, {"password", citizen.password}});
  ASSERT_EQ(web.status, 200u) << web.body;
  const std::string set_cookie = web.header("set-cookie");
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  auto patched = cb.patch_json("/v1/me", {{"name", "Two Node Renamed"}},
                               {{"Cookie", cookie}, {"X-CSRF-Token", web.json().value("csrf_token", "")}});
  EXPECT_EQ(patched.status, 200u) << patched.body;

  // Concurrent submissions through node A, node B and the balancer.
  auto writer = [&](int w) {
    std::vector<std::string> ids;
    HttpClient clients[] = {a.client(), b.client(), lb.client()};
    for (int i = 0; i < kSubmissionsPerWriter; ++i) {
      auto r = clients[(w + i) % 3].post_json("/v1/applications", {{"service_id", "test-permit"}, {"data", permit_data()}},
                                              bearer(citizen.token));
      if (r.status == 201u) ids.push_back(r.json().value("id", ""));
      else ADD_FAILURE() << r.status << " " << r.body;
    }
    return ids;
  };
  std::vector<std::future<std::vector<std::string>>> futures;
  for (int w = 0; w < kWriters; ++w) futures.push_back(std::async(std::launch::async, writer, w));
  std::multiset<std::string> acknowledged;
  for (auto& f : futures)
    for (auto& id : f.get()) acknowledged.insert(id);
  ASSERT_EQ(acknowledged.size(), static_cast<std::size_t>(kWriters * kSubmissionsPerWriter));

  // An idempotency key used on node A replays on node B.
  auto first = ca.post_json("/v1/applications", {{"service_id", "test-permit"}, {"data", permit_data()}},
                            {{"Authorization", "Bearer " + citizen.token}, {"Idempotency-Key", "two-node-1"}});
  ASSERT_EQ(first.status, 201u) << first.body;
  auto replay = cb.post_json("/v1/applications", {{"service_id", "test-permit"}, {"data", permit_data()}},
                             {{"Authorization", "Bearer " + citizen.token}, {"Idempotency-Key", "two-node-1"}});
  ASSERT_EQ(replay.status, 201u) << replay.body;
  EXPECT_EQ(replay.json()["id"], first.json()["id"]);
  acknowledged.insert(first.json().value("id", ""));

  // Every acknowledged write is there exactly once, whichever node answers.
  auto mine = lb.client().get("/v1/applications?page_size=100", bearer(citizen.token));
  ASSERT_EQ(mine.status, 200u) << mine.body;
  const json page = mine.json();
  EXPECT_EQ(page["total"], static_cast<int>(acknowledged.size()));
  std::multiset<std::string> listed;
  for (const auto& item : page["items"]) listed.insert(item.value("id", ""));
  EXPECT_EQ(listed, acknowledged);

  // Two officers act on one application at once through different nodes: one transition wins.
  Person claimer = cli_user(a, "officer", "pta"), admin = cli_user(a, "agency_admin", "pta");
  claimer.token = login(ca, claimer);
  admin.token = login(cb, admin);
  const std::string id = *acknowledged.begin();
  ASSERT_EQ(ca.post_json("/v1/applications/" + id + "/claim", json::object(), bearer(claimer.token)).status, 200u);
  ASSERT_EQ(cb.post_json("/v1/applications/" + id + "/transitions", {{"transition", "start_review"}}, bearer(claimer.token)).status,
            200u);
  auto reject = [&](const ServerProcess& node, const Person& who) {
    return node.client()
        .post_json("/v1/applications/" + id + "/transitions", {{"transition", "reject"}, {"comment", "No"}}, bearer(who.token))
        .status;
  };
  auto f1 = std::async(std::launch::async, reject, std::cref(a), claimer);
  auto f2 = std::async(std::launch::async, reject, std::cref(b), admin);
  std::multiset<unsigned> statuses{f1.get(), f2.get()};
  EXPECT_EQ(statuses, (std::multiset<unsigned>{200u, 409u}));
  auto final = cb.get("/v1/applications/" + id, bearer(citizen.token)).json();
  int rejections = 0;
  for (auto& e : final["timeline"]) rejections += e["kind"] == "transition" && e["to"] == "rejected";
  EXPECT_EQ(rejections, 1);

  // Both nodes appended to one audit chain: it verifies, with both nodes' checkpoints.
  nodes.stop();
  std::string out;
  EXPECT_EQ(run_darwaza({"audit", "verify", "--data", a.data_dir() + "/d"}, out), 0) << out;
  EXPECT_NE(out.find("OK: "), std::string::npos) << out;
}

namespace {

// Polls an IP look-up on `c` until `covered` is as wanted or the deadline passes; returns the last answer.
json lookup_until(HttpClient& c, const std::string& token, bool covered) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kFollowDeadlineMs);
  json last;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = c.get("/v1/registries/pta-vpn-endpoints/ip-lookup?address=8.8.4.77", bearer(token));
    EXPECT_EQ(r.status, 200u) << r.body;
    last = r.json();
    if (last.value("covered", !covered) == covered) return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // polling interval
  }
  return last;
}

}  // namespace

// Node A and node B over one database (SQLite file or PostgreSQL), no balancer: a record
// imported with the command-line tool reaches both nodes' look-ups, and a suspension through
// node A reaches node B, without a restart.
TEST(TwoNodes, AddressIndexesFollowChangesMadeElsewhere) {
  NodePair nodes({"--registry-dir", DARWAZA_SOURCE_DIR "/data/registries"});
  ServerProcess &a = nodes.a, &b = *nodes.b;
  HttpClient ca = a.client(), cb = b.client();
  Person admin = cli_user(a, "agency_admin", "pta"), officer = cli_user(a, "officer", "pta");
  admin.token = login(ca, admin);
  officer.token = login(ca, officer);
  const std::string op = agency_client_token(ca, admin, "pta");
  EXPECT_EQ(lookup_until(cb, op, false)["covered"], false);

  // A third writer: `darwaza registry import` on the same database.
  const std::string file = a.data_dir() + "/vpn.jsonl";
  std::ofstream(file) << json{{"fields",
                               {{"registrant_name", "Follow Test Firm"}, {"cnic", "35202-7654321-1"},
                                {"email", "follow@example.pk"}, {"mobile", "+923001112233"}, {"vpn_type", "ipsec"},
                                {"endpoints", {"8.8.4.0/24"}}, {"purpose", "Remote access for the office"},
                                {"isp", "PTCL"}}}}.dump()
                      << "\n";
  std::string out;
  ASSERT_EQ(run_darwaza({"registry", "import", "pta-vpn-endpoints", file, "--data", a.data_dir() + "/d"}, out), 0) << out;
  json on_a = lookup_until(ca, op, true), on_b = lookup_until(cb, op, true);
  ASSERT_EQ(on_a["covered"], true) << on_a;
  ASSERT_EQ(on_b["covered"], true) << on_b;
  const std::string record_id = on_b["registrations"][0].value("record_id", "");
  EXPECT_EQ(on_a["registrations"][0]["record_id"], record_id);

  // Suspended through node A: node A stops answering at once, node B soon after.
  auto suspended = ca.post_json("/v1/registries/pta-vpn-endpoints/records/" + record_id + "/status",
                                {{"action", "suspend"}, {"reason", "Endpoint reported for abuse"}}, bearer(officer.token));
  ASSERT_EQ(suspended.status, 200u) << suspended.body;
  EXPECT_EQ(ca.get("/v1/registries/pta-vpn-endpoints/ip-lookup?address=8.8.4.77", bearer(op)).json()["covered"], false);
  EXPECT_EQ(lookup_until(cb, op, false)["covered"], false);
  // Reinstated through node B: node A follows.
  auto back = cb.post_json("/v1/registries/pta-vpn-endpoints/records/" + record_id + "/status",
                           {{"action", "reinstate"}, {"reason", "Cleared"}}, bearer(officer.token));
  ASSERT_EQ(back.status, 200u) << back.body;
  EXPECT_EQ(lookup_until(ca, op, true)["covered"], true);
  nodes.stop();
}

namespace {

std::string type_of(const HttpResponse& r) { return r.json().value("type", ""); }
// Unique per test person (the CNIC's middle part is a per-process counter).
std::string ntn_of(const Person& p) { return p.cnic.substr(6, 7) + "-5"; }

constexpr int kSameKeyClients = 8;  // send one idempotency key at once, alternating nodes
constexpr int kParkFirms = 6;       // ask for space in one park; three fit

}  // namespace

// The races a cluster must settle as one platform, run through both nodes at once (PostgreSQL):
// one Idempotency-Key sent concurrently to node A and node B files one application; approvals
// that allocate space in one technology park never allocate more than it has; and a document
// uploaded through one node downloads through the other (both name one --documents-dir, the
// shared volume docs/deployment.md asks for).
TEST(TwoNodes, RacesThroughBothNodesEndAsOnOne) {
  if (!testing_postgresql()) GTEST_SKIP() << "needs PostgreSQL (the second run of scripts/test.sh)";
  const std::string shared = make_temp_dir("darwaza-shared-documents");
  NodePair nodes({"--catalog-dir", DARWAZA_SOURCE_DIR "/data/services", "--registry-dir",
                  DARWAZA_SOURCE_DIR "/data/registries", "--documents-dir", shared});
  const ServerProcess* node[] = {&nodes.a, nodes.b.get()};
  HttpClient ca = nodes.a.client(), cb = nodes.b->client();

  // A document uploaded through A, downloaded through B.
  Person citizen = signed_in(ca, "Two Node Freelancer");
  const std::string pdf = "%PDF-1.7\nshared volume papers\n";
  auto up = ca.request("POST", "/v1/documents", pdf,
                       {{"Content-Type", "application/pdf"}, {"Authorization", "Bearer " + citizen.token}});
  ASSERT_EQ(up.status, 201u) << up.body;
  const std::string doc = up.json().value("id", "");
  auto down = cb.get("/v1/documents/" + doc, bearer(citizen.token));
  ASSERT_EQ(down.status, 200u) << down.body;
  EXPECT_EQ(down.body, pdf);

  // One idempotency key, sent by several clients at once through both nodes: one application,
  // and every answer is its 201.
  const json filing = {{"service_id", "pseb-freelancer-registration"},
                       {"data",
                        {{"full_name", citizen.name}, {"cnic", citizen.cnic}, {"email", citizen.email},
                         {"mobile", citizen.mobile}, {"skills", {"Rust"}}, {"documents", {doc}}}}};
  std::vector<std::future<HttpResponse>> sends;
  for (int i = 0; i < kSameKeyClients; ++i)
    sends.push_back(std::async(std::launch::async, [&, i] {
      return node[i % 2]->client().post_json(
          "/v1/applications", filing, {{"Authorization", "Bearer " + citizen.token}, {"Idempotency-Key", "race-1"}});
    }));
  std::set<std::string> ids;
  for (auto& f : sends) {
    auto r = f.get();
    ASSERT_EQ(r.status, 201u) << r.body;
    ids.insert(r.json().value("id", ""));
  }
  EXPECT_EQ(ids.size(), 1u);
  auto mine = cb.get("/v1/applications?page_size=100", bearer(citizen.token));
  ASSERT_EQ(mine.status, 200u) << mine.body;
  EXPECT_EQ(mine.json()["total"], 1) << mine.body;
  // The agency's officer, signed in on B, reads the document A stored.
  Person pseb = cli_user(nodes.a, "officer", "pseb");
  pseb.token = login(cb, pseb);
  EXPECT_EQ(cb.get("/v1/documents/" + doc, bearer(pseb.token)).body, pdf);

  // Park space: six firms ask for a quarter of one park and a bit more; all six approvals are
  // sent at once, alternating nodes. Three fit; the others are refused and stay under review.
  const std::string park = "stp-bagh-women";
  const int total = ca.get("/v1/registries/stp-parks/records/" + park).json()["fields"]["total_sq_ft"];
  const int ask = total / 4 + 1;
  std::vector<std::pair<Person, std::string>> officer_and_app;
  for (int i = 0; i < kParkFirms; ++i) {
    Person owner = signed_in(ca, "Two Node Tenant " + std::to_string(i));
    auto org = ca.post_json("/v1/organisations", {{"name", "Two Node Firm " + std::to_string(i)}, {"ntn", ntn_of(owner)}},
                            bearer(owner.token));
    ASSERT_EQ(org.status, 201u) << org.body;
    auto app = ca.post_json("/v1/applications",
                            {{"service_id", "stp-tenancy"},
                             {"on_behalf_of", org.json()["id"]},
                             {"data",
                              {{"firm_name", "Two Node Firm " + std::to_string(i)}, {"ntn", ntn_of(owner)},
                               {"park", park}, {"floor_space_sq_ft", ask}, {"term_months", 24},
                               {"start_date", "2027-01-01"}, {"staff_count", 12}}}},
                            bearer(owner.token));
    ASSERT_EQ(app.status, 201u) << app.body;
    const std::string id = app.json()["id"];
    Person officer = cli_user(nodes.a, "officer", "stp");
    officer.token = login(ca, officer);
    ASSERT_EQ(ca.post_json("/v1/applications/" + id + "/claim", json::object(), bearer(officer.token)).status, 200u);
    ASSERT_EQ(apply_transition(cb, officer, id, "start_review").status, 200u);
    officer_and_app.push_back({officer, id});
  }
  std::vector<std::future<HttpResponse>> approvals;
  for (int i = 0; i < kParkFirms; ++i)
    approvals.push_back(std::async(std::launch::async, [&, i] {
      HttpClient c = node[i % 2]->client();
      return apply_transition(c, officer_and_app[i].first, officer_and_app[i].second, "approve");
    }));
  int approved = 0;
  for (int i = 0; i < kParkFirms; ++i) {
    auto r = approvals[i].get();
    if (r.status == 200u) {
      ++approved;
      continue;
    }
    EXPECT_EQ(r.status, 409u) << r.body;
    EXPECT_EQ(type_of(r), "/problems/capacity-exhausted") << r.body;
    EXPECT_EQ(ca.get("/v1/applications/" + officer_and_app[i].second, bearer(officer_and_app[i].first.token)).json()["state"],
              "under_review");
  }
  EXPECT_EQ(approved, 3);
  auto after = cb.get("/v1/registries/stp-parks/records/" + park).json();
  ASSERT_EQ(after["capacity"].size(), 1u) << after;
  EXPECT_EQ(after["capacity"][0]["allocated"], 3 * ask);
  nodes.stop();
  std::filesystem::remove_all(shared);
}
