#include <gtest/gtest.h>

#include "support/server_process.hpp"

using namespace darwaza::test;

TEST(Smoke, HealthAndReady) {
  ServerProcess s;
  s.start();
  auto c = s.client();
  auto r = c.get("/healthz");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.json()["status"], "ok");
  EXPECT_EQ(s.stop(), 0);
}
