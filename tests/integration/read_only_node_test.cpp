// End-to-end: a read-only node (`serve --read-only`) on a PostgreSQL streaming replica serves the
// public reads (catalog, registries' public search, certificate checks, dashboards) of what was
// written through a read-write node on the primary, follows the primary's later changes, answers
// every other route 503 `read-only-node`, reports its replica's lag and loss of its primary on
// /readyz, and refuses to start where it cannot work. The replica is a real hot standby
// (pg_basebackup of a private primary, both on loopback).
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "support/fixtures.hpp"
#include "support/test_database.hpp"

using namespace darwaza::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// The replica replays within milliseconds and the node refreshes its indexes every second.
constexpr int kReplicaDeadlineMs = 15000;
constexpr const char* kScript = DARWAZA_SOURCE_DIR "/scripts/pg_test_server.sh";

// The output of a shell command; fails (throws) unless it exits 0.
std::string output_of(const std::string& command) {
  FILE* p = popen(command.c_str(), "r");
  if (!p) throw std::runtime_error("popen failed");
  std::string out;
  std::array<char, 256> buf{};
  while (std::fgets(buf.data(), buf.size(), p)) out += buf.data();
  if (pclose(p) != 0) throw std::runtime_error(command + " failed: " + out);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// A private PostgreSQL server (scripts/pg_test_server.sh `how`: "start", or "standby URL" for a
// hot standby of the server at URL), stopped and removed on destruction or by stop().
class PgServer {
 public:
  explicit PgServer(const std::string& how) : dir_(make_temp_dir("darwaza-pg-replica")) {
    const std::string verb = how.substr(0, how.find(' '));
    const std::string rest = how.size() > verb.size() ? how.substr(verb.size()) : "";
    try {
      fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);  // the server's user
      url = output_of(std::string(kScript) + " " + verb + " " + dir_ + "/pg" + rest);
    } catch (...) {
      stop();
      throw;
    }
  }
  ~PgServer() { stop(); }
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;
  void stop() {
    if (dir_.empty()) return;
    std::system((std::string(kScript) + " stop " + dir_ + "/pg").c_str());
    fs::remove_all(dir_);
    dir_.clear();
  }

  std::string url;  // base URL (postgresql://postgres@127.0.0.1:PORT/)

 private:
  std::string dir_;
};

// A folder removed on destruction.
struct TempDir {
  explicit TempDir(const std::string& prefix) : path(make_temp_dir(prefix)) {}
  ~TempDir() { fs::remove_all(path); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string path;
};

// Polls `done` until it holds or the replica's deadline passes.
bool eventually(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kReplicaDeadlineMs);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // polling interval
  }
  return done();
}

json vpn_form(const Person& p) {
  return {{"registrant_name", p.name}, {"cnic", p.cnic}, {"email", p.email}, {"mobile", p.mobile},
          {"vpn_type", "ipsec"}, {"endpoints", {"41.202.7.0/24"}}, {"purpose", "Remote work for a replica test"},
          {"isp", "PTCL"}};
}

}  // namespace

TEST(ReadOnlyNode, ServesPublicReadsFromAStreamingReplicaAndNothingElse) {
  if (!testing_postgresql()) GTEST_SKIP() << "PostgreSQL only: SQLite has no replicas";
  PgServer primary("start");
  PgServer standby("standby " + primary.url);
  ASSERT_EQ(run_sql_at(primary.url + "postgres", "CREATE DATABASE dz"), "");
  const std::string primary_db = primary.url + "dz", replica_db = standby.url + "dz";

  // Through the read-write node on the primary: the shipped services and registries, and a VPN
  // registration approved (a certificate and a public registry record).
  ServerProcess a({"--db", primary_db, "--catalog-dir", DARWAZA_SOURCE_DIR "/data/services", "--registry-dir",
                   DARWAZA_SOURCE_DIR "/data/registries", "--audit-checkpoint-s", "1"});
  a.start();
  HttpClient ca = a.client();
  Person citizen = signed_in(ca, "Replica Citizen");
  Person officer = cli_user(a, "officer", "pta");
  officer.token = login(ca, officer);
  auto filed = ca.post_json("/v1/applications", {{"service_id", "pta-vpn-registration"}, {"data", vpn_form(citizen)}},
                            bearer(citizen.token));
  ASSERT_EQ(filed.status, 201u) << filed.body;
  const std::string app_id = filed.json()["id"];
  auto approved = approve_application(ca, officer, app_id);
  ASSERT_EQ(approved.status, 200u) << approved.body;
  const std::string cert = approved.json().value("certificate_id", "");
  ASSERT_FALSE(cert.empty()) << approved.body;

  // The read-only node, with the platform's public key only (no secret on it).
  TempDir r_folder("darwaza-replica-node");
  const std::string& r_dir = r_folder.path;
  fs::create_directories(r_dir + "/d/keys");
  EXPECT_NE(refusal_to_start({"--read-only", "--db", replica_db}).find("signing.key.pub"), std::string::npos)
      << "a read-only node must not make a key of its own";
  // The replica has replayed the writes above (the certificate is the last of them): a start
  // below that is not refused, on a replica still behind, would otherwise log warnings about a
  // catalog and registries not there yet into the folder's log, which the node's own run checks.
  ASSERT_TRUE(eventually([&] {
    return query_text_at(replica_db, "SELECT count(*) FROM certificates WHERE id = '" + cert + "'") == "1\n";
  })) << query_text_at(replica_db, "SELECT count(*) FROM certificates");
  // A public key that did not sign the database's audit checkpoints (A writes one each second).
  std::ofstream(r_dir + "/d/keys/signing.key.pub") << std::string(43, 'A') << "\n";
  const std::vector<std::string> wrong_key = {"--read-only", "--db", replica_db};
  EXPECT_TRUE(eventually([&] { return refusal_to_start(wrong_key, r_dir).find("did not sign") != std::string::npos; }))
      << refusal_to_start(wrong_key, r_dir);
  fs::remove(r_dir + "/server.log");  // the refused starts' lines; the node's own run is checked below
  fs::copy_file(a.data_dir() + "/d/keys/signing.key.pub", r_dir + "/d/keys/signing.key.pub",
                fs::copy_options::overwrite_existing);
  {
    ServerProcess r({"--read-only", "--db", replica_db, "--max-replica-lag-s", "1"}, r_dir);
    r.start();
    HttpClient cr = r.client();
    json ready = cr.get("/readyz").json();
    EXPECT_EQ(ready["read_only"], true) << ready;
    EXPECT_TRUE(ready["replica_lag_s"].is_number()) << ready;
    EXPECT_TRUE(eventually([&] { return cr.get("/metrics").body.find("\ndarwaza_db_replica_lag_seconds 0.") != std::string::npos; }))
        << "the lag gauge, sampled each second";
    EXPECT_EQ(ca.get("/metrics").body.find("darwaza_db_replica_lag_seconds"), std::string::npos) << "a read-write node has none";

    // Public reads answer as the read-write node does, once the replica has replayed the writes.
    const std::string verify = "/v1/certificates/" + cert + "/verify";
    ASSERT_TRUE(eventually([&] { return cr.get(verify).status == 200; })) << cr.get(verify).body;
    json checked = cr.get(verify).json();
    EXPECT_EQ(checked["valid"], true) << checked;
    EXPECT_EQ(checked["status"], ca.get(verify).json()["status"]);
    EXPECT_EQ(cr.get("/v1/certificates/" + cert + "/qr.svg").status, 200u);
    EXPECT_EQ(cr.get("/v1/keys/signing").json(), ca.get("/v1/keys/signing").json());
    const std::string records = "/v1/registries/pta-vpn-endpoints/records";  // the one approved above
    ASSERT_TRUE(eventually([&] { return cr.get(records).json().value("total", 0) == 1; })) << cr.get(records).body;
    EXPECT_EQ(cr.get(records).json(), ca.get(records).json());
    for (const char* path : {"/v1/services?q=vpn", "/v1/services/pta-vpn-registration", "/v1/categories",
                             "/v1/registries", "/v1/agencies/pta", "/v1/engagements/summary", "/v1/indicators"}) {
      auto got = cr.get(path);
      EXPECT_EQ(got.status, 200u) << path << ": " << got.body;
      EXPECT_EQ(got.json(), ca.get(path).json()) << path;
    }
    // A public route with a token answers as to anyone: the node looks up no session.
    const std::string record_id = cr.get(records).json()["items"][0]["id"];
    const std::string record = "/v1/registries/pta-vpn-endpoints/records/" + record_id;
    EXPECT_EQ(cr.get(record, bearer(officer.token)).json(), ca.get(record).json());
    EXPECT_NE(ca.get(record, bearer(officer.token)).json(), ca.get(record).json())
        << "the officer sees more on the read-write node, or the line above proves nothing";

    // Everything else: 503 read-only-node, whoever asks.
    std::vector<HttpResponse> refused = {
        cr.post_json("/v1/auth/login", {{"login", citizen.cnic}, {"password", citizen.password}}),
        cr.get("/v1/me", bearer(citizen.token)),
        cr.get("/v1/applications/" + app_id, bearer(citizen.token)),
        cr.post_json("/v1/applications", {{"service_id", "pta-vpn-registration"}, {"data", vpn_form(citizen)}},
                     bearer(citizen.token)),
        cr.get("/v1/agencies/pta/queue", bearer(officer.token)),
        cr.get("/v1/audit/entries", bearer(officer.token)),
    };
    for (const auto& resp : refused) {
      EXPECT_EQ(resp.status, 503u) << resp.body;
      EXPECT_EQ(problem_type(resp), "/problems/read-only-node") << resp.body;
    }

    // Later changes on the primary reach the node: a catalog load through the command line.
    const std::string more = r_dir + "/more";
    fs::create_directories(more);
    std::ifstream in(DARWAZA_TEST_FIXTURES "/services/test-permit.json");
    json extra = json::parse(in);
    extra["id"] = "quokka-permit";
    extra["title"]["en"] = "Quokka husbandry permit";
    std::ofstream(more + "/quokka-permit.json") << extra.dump(2);
    std::string out;
    ASSERT_EQ(run_darwaza({"catalog", "load", more, "--data", a.data_dir() + "/d", "--db", primary_db}, out), 0) << out;
    EXPECT_TRUE(eventually([&] { return cr.get("/v1/services?q=quokka").json().value("total", 0) == 1; }))
        << cr.get("/v1/services?q=quokka").body;
    EXPECT_FALSE(fs::exists(r_dir + "/d/keys/signing.key")) << "the node made a secret key";

    // A replica that stops replaying is reported once it is over --max-replica-lag-s (1 s here),
    // and ready again once it has caught up.
    ASSERT_EQ(run_sql_at(replica_db, "SELECT pg_wal_replay_pause()"), "");
    signed_in(ca, "Written While The Replica Waits");
    EXPECT_TRUE(eventually([&] { return problem_type(cr.get("/readyz")) == "/problems/replica-lagging"; }))
        << cr.get("/readyz").body;
    EXPECT_GT(cr.get("/readyz").json().value("replica_lag_s", 0.0), 1.0);
    ASSERT_EQ(run_sql_at(replica_db, "SELECT pg_wal_replay_resume()"), "");
    EXPECT_TRUE(eventually([&] { return cr.get("/readyz").status == 200; })) << cr.get("/readyz").body;

    // A replica whose primary is gone has replayed all it received, yet is not current: not ready.
    EXPECT_EQ(a.stop(), 0);
    primary.stop();
    EXPECT_TRUE(eventually([&] { return problem_type(cr.get("/readyz")) == "/problems/replica-disconnected"; }))
        << cr.get("/readyz").body;
    EXPECT_EQ(cr.get(verify).status, 200u) << "it still serves what it has";
    EXPECT_TRUE(eventually([&] { return cr.get("/metrics").body.find("\ndarwaza_db_replica_lag_seconds NaN") != std::string::npos; }));

    EXPECT_EQ(r.stop(), 0);
    std::ifstream log(r.log_path());
    std::string text((std::istreambuf_iterator<char>(log)), {});
    EXPECT_EQ(text.find(" error "), std::string::npos) << text;
    EXPECT_EQ(text.find(" warning "), std::string::npos) << text;
  }
}

TEST(ReadOnlyNode, RefusesToStartWhereItCannotServe) {
  const std::string dir = make_temp_dir("darwaza-read-only-refused");
  std::string why = refusal_to_start({"--read-only", "--db", "sqlite:" + dir + "/darwaza.db"});
  EXPECT_NE(why.find("PostgreSQL replica"), std::string::npos) << why;
  EXPECT_FALSE(fs::exists(dir + "/darwaza.db")) << "nothing is created";
  if (testing_postgresql()) {
    // A database nobody has migrated: the node does not migrate it.
    const std::string empty = test_db_url(dir + "/empty");
    why = refusal_to_start({"--read-only", "--db", empty});
    EXPECT_NE(why.find("no schema"), std::string::npos) << why;
    EXPECT_NE(run_sql_at(empty, "SELECT 1 FROM schema_migrations"), "") << "the refused node migrated it";
    // Loading a folder is a write.
    ServerProcess rw;
    rw.start();
    why = refusal_to_start({"--read-only", "--db", rw.db_url(), "--catalog-dir", DARWAZA_TEST_FIXTURES "/services"});
    EXPECT_NE(why.find("--catalog-dir"), std::string::npos) << why;
    EXPECT_EQ(rw.stop(), 0);
  }
  fs::remove_all(dir);
}
