// End-to-end, PostgreSQL only: `darwaza migrate-data` moves a SQLite pilot to PostgreSQL. The
// people, sessions, applications, search indexes and the audit chain come across; a second run
// into the now non-empty database moves nothing.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "support/fixtures.hpp"
#include "support/test_database.hpp"

using namespace darwaza::test;
using nlohmann::json;

TEST(MigrateData, PilotMovesToPostgresqlAndVerifies) {
  if (!testing_postgresql()) GTEST_SKIP() << "needs PostgreSQL (the second run of scripts/test.sh)";
  const std::string dir = make_temp_dir("darwaza-pilot");
  const std::string sqlite_url = "sqlite:" + dir + "/d/pilot.db";
  const std::vector<std::string> seed = {"--catalog-dir", DARWAZA_TEST_FIXTURES "/services", "--registry-dir",
                                         DARWAZA_SOURCE_DIR "/data/registries"};
  Person citizen;
  std::string application;
  {
    auto args = seed;
    args.insert(args.end(), {"--db", sqlite_url});
    ServerProcess pilot(args, dir);
    pilot.start();
    HttpClient c = pilot.client();
    citizen = signed_in(c, "Pilot Citizen");
    auto r = c.post_json("/v1/applications",
                         {{"service_id", "test-permit"},
                          {"data", {{"purpose", "Remote development for export clients"}, {"endpoints", {"8.8.8.0/24"}}}}},
                         bearer(citizen.token));
    ASSERT_EQ(r.status, 201u) << r.body;
    application = r.json().value("id", "");
    ASSERT_EQ(pilot.stop(), 0);  // signs the final audit checkpoint
  }
  const std::string target = test_db_url(dir + "/target");
  std::string out;
  ASSERT_EQ(run_darwaza({"migrate-data", "--from", sqlite_url, "--to", target, "--data", dir + "/d"}, out), 0)
      << out;
  EXPECT_NE(out.find("OK: "), std::string::npos) << out;
  EXPECT_NE(out.find("audit chain verifies"), std::string::npos) << out;

  {
    auto args = seed;
    args.insert(args.end(), {"--db", target});
    ServerProcess moved(args, dir);
    moved.start();
    HttpClient c = moved.client();
    // The session made on the pilot still works, and the application is there.
    auto mine = c.get("/v1/applications/" + application, bearer(citizen.token));
    ASSERT_EQ(mine.status, 200u) << mine.body;
    EXPECT_EQ(mine.json()["id"], application);
    // The search index was rebuilt.
    auto found = c.get("/v1/services?q=permit");
    ASSERT_EQ(found.status, 200u) << found.body;
    EXPECT_GE(found.json()["total"].get<int>(), 1);
    // New rows get fresh ids after the copied ones.
    auto r = c.post_json("/v1/applications",
                         {{"service_id", "test-permit"},
                          {"data", {{"purpose", "Remote development for export clients"}, {"endpoints", {"8.8.8.0/24"}}}}},
                         bearer(citizen.token));
    EXPECT_EQ(r.status, 201u) << r.body;
  }
  // A second copy into the non-empty database is refused, and nothing moves.
  EXPECT_EQ(run_darwaza({"migrate-data", "--from", sqlite_url, "--to", target, "--data", dir + "/d"}, out), 2)
      << out;
  EXPECT_NE(out.find("not empty"), std::string::npos) << out;
  EXPECT_EQ(run_darwaza({"migrate-data", "--from", "mysql://x", "--to", target, "--data", dir + "/d"}, out), 2);
}

// A pilot that keeps serving while it is copied: the copy is one snapshot of it (every table's
// rows and the audit head agree), so the check passes and says which audit entry the copy ends
// at; what the pilot wrote after it is not in the copy.
TEST(MigrateData, ARunningPilotIsCopiedAsOneConsistentSnapshot) {
  if (!testing_postgresql()) GTEST_SKIP() << "needs PostgreSQL (the second run of scripts/test.sh)";
  const std::string dir = make_temp_dir("darwaza-running-pilot");
  const std::string sqlite_url = "sqlite:" + dir + "/d/pilot.db";
  ServerProcess pilot({"--catalog-dir", DARWAZA_TEST_FIXTURES "/services", "--db", sqlite_url,
                       "--rate-limit-per-minute", "0"},
                      dir);
  pilot.start();
  HttpClient c = pilot.client();
  Person citizen = signed_in(c, "Busy Citizen");
  const json body = {{"service_id", "test-permit"},
                     {"data", {{"purpose", "Remote development for export clients"}, {"endpoints", {"8.8.8.0/24"}}}}};
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(c.post_json("/v1/applications", body, bearer(citizen.token)).status, 201u);
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    HttpClient w = pilot.client();
    while (!stop) written += w.post_json("/v1/applications", body, bearer(citizen.token)).status == 201u;
  });
  const std::string target = test_db_url(dir + "/target");
  std::string out;
  int rc = run_darwaza({"migrate-data", "--from", sqlite_url, "--to", target, "--data", dir + "/d"}, out);
  stop = true;
  writer.join();
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("OK: "), std::string::npos) << out;
  EXPECT_EQ(out.find("MISMATCH"), std::string::npos) << out;
  EXPECT_NE(out.find("copied as of audit entry"), std::string::npos) << out;
  EXPECT_GT(written.load(), 0) << "the pilot was not written to during the copy";
  ASSERT_EQ(pilot.stop(), 0);
}
