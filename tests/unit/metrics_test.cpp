#include "http/metrics.hpp"

#include <gtest/gtest.h>

#include <string>

namespace darwaza::http {
namespace {

// The cumulative count rendered for one bucket bound ("0.002", "+Inf").
std::uint64_t bucket(const std::string& text, const std::string& le) {
  const std::string key = "le=\"" + le + "\"} ";
  auto at = text.find(key);
  EXPECT_NE(at, std::string::npos) << "no bucket le=" << le << " in:\n" << text;
  return at == std::string::npos ? 0 : std::stoull(text.substr(at + key.size()));
}

TEST(Histogram, TheLookUpGoalOfTwoMillisecondsIsABucketBound) {
  Histogram h;
  for (double s : {0.0009, 0.0015, 0.002, 0.0021, 0.003, 3.0}) h.observe(s);
  std::string out;
  h.render(out, "t", "route=\"GET /x\"");
  EXPECT_EQ(bucket(out, "0.001"), 1u);
  EXPECT_EQ(bucket(out, "0.002"), 3u);  // 2 ms itself is within the goal (le: less or equal)
  EXPECT_EQ(bucket(out, "0.0025"), 4u);
  EXPECT_EQ(bucket(out, "0.005"), 5u);
  EXPECT_EQ(bucket(out, "2.5"), 5u);
  EXPECT_EQ(bucket(out, "+Inf"), 6u);
  EXPECT_NE(out.find("t_count{route=\"GET /x\"} 6\n"), std::string::npos) << out;
}

TEST(Histogram, BoundsAscend) {
  for (std::size_t i = 1; i < Histogram::kBounds.size(); ++i)
    EXPECT_LT(Histogram::kBounds[i - 1], Histogram::kBounds[i]) << "bound " << i;
}

}  // namespace
}  // namespace darwaza::http
