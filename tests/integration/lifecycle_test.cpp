// End-to-end: restart keeps data, graceful shutdown, per-client rate limits, access log.
#include <gtest/gtest.h>

#include <fstream>
#include <sys/stat.h>

#include "support/fixtures.hpp"
#include "support/test_database.hpp"

using namespace darwaza::test;

TEST(Lifecycle, DataSurvivesRestart) {
  std::string dir = make_temp_dir("darwaza-restart");
  Person p;
  {
    ServerProcess s({}, dir);
    s.start();
    auto c = s.client();
    p = signed_in(c);
    EXPECT_EQ(s.stop(), 0);  // graceful: exit status 0
  }
  {
    ServerProcess s({}, dir);
    s.start();
    auto c = s.client();
    // The session issued before the restart is still valid, and the password still works.
    auto me = c.get("/v1/me", bearer(p.token));
    ASSERT_EQ(me.status, 200u) << me.body;
    EXPECT_EQ(me.json()["cnic"], p.cnic);
    EXPECT_FALSE(login(c, p).empty());
  }
  if (!testing_postgresql()) {  // the SQLite file's permissions; PostgreSQL keeps its own files
    struct stat st {};
    ASSERT_EQ(stat((dir + "/d/darwaza.db").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << "database must be owner-only";
  }
  std::filesystem::remove_all(dir);
}

TEST(Lifecycle, RateLimitOnExpensiveRoutes) {
  ServerProcess s({"--rate-limit-per-minute", "1", "--rate-limit-burst", "2"});
  s.start();
  auto c = s.client();
  for (int i = 0; i < 2; ++i) {
    auto r = c.post_json("/v1/auth/login", {{"login", "nobody@example.pk"}, {"password", "x"}});
    EXPECT_EQ(r.status, 401u) << r.body;  // let through, then refused for the credentials
  }
  auto r = c.post_json("/v1/auth/login", {{"login", "nobody@example.pk"}, {"password", "x"}});
  EXPECT_EQ(r.status, 429u) << r.body;
  EXPECT_FALSE(r.header("retry-after").empty());
  EXPECT_EQ(r.json()["type"], "/problems/rate-limited");
  // Cheap routes are not limited.
  EXPECT_EQ(c.get("/healthz").status, 200u);
  EXPECT_EQ(c.get("/v1/agencies").status, 200u);
}

TEST(Lifecycle, AccessLogIsJsonWithRequestIdAndNoSecrets) {
  std::string token;
  ServerProcess s;
  s.start();
  {
    auto c = s.client();
    Person p = signed_in(c);
    token = p.token;
    c.get("/v1/me", bearer(token));
  }
  s.stop();
  std::ifstream in(s.data_dir() + "/access.log");
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_TRUE(j.is_object()) << line;
    EXPECT_FALSE(j.value("rid", "").empty());
    EXPECT_EQ(line.find(token), std::string::npos);
    ++lines;
  }
  EXPECT_GE(lines, 3);
}
