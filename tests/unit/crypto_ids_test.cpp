// Identifiers: random_id and time_ordered_id (src/core/crypto.hpp).
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/crypto.hpp"

namespace darwaza::crypto {
namespace {

constexpr std::string_view kSymbols = "abcdefghijkmnpqrstuvwxyz23456789";

bool only_symbols(std::string_view s) { return s.find_first_not_of(kSymbols) == std::string_view::npos; }

TEST(TimeOrderedId, HasThePrefixAndTheSymbolsOfRandomIds) {
  init();
  const std::string id = time_ordered_id("app", 1'764'806'400'000);
  ASSERT_EQ(id.size(), 4u + 10u + 16u);
  EXPECT_EQ(id.substr(0, 4), "app_");
  EXPECT_TRUE(only_symbols(id.substr(4))) << id;
  EXPECT_TRUE(only_symbols(random_id("app").substr(4)));
}

TEST(TimeOrderedId, LaterMillisecondsSortAfterEarlierOnes) {
  init();
  // Neighbouring ms, a carry across each 5-bit digit, and dates decades apart.
  const std::int64_t times[] = {0,           1,           31,          32,           1023,         1024,
                                1'764'806'399'999, 1'764'806'400'000, 1'764'806'400'001, 2'524'608'000'000,
                                (std::int64_t{1} << 45) - 1, std::int64_t{1} << 45};
  for (std::size_t i = 1; i < std::size(times); ++i) {
    for (int k = 0; k < 50; ++k) {  // whatever the random part
      const std::string a = time_ordered_id("ntf", times[i - 1]), b = time_ordered_id("ntf", times[i]);
      ASSERT_LT(a, b) << times[i - 1] << " vs " << times[i];
    }
  }
}

TEST(TimeOrderedId, IdsOfOneMillisecondDiffer) {
  init();
  std::set<std::string> seen;
  for (int i = 0; i < 20000; ++i) seen.insert(time_ordered_id("obx", 1'764'806'400'000));
  EXPECT_EQ(seen.size(), 20000u);
  // The time part is the same for all of them, and only the random part varies.
  EXPECT_EQ(seen.begin()->substr(0, 14), seen.rbegin()->substr(0, 14));
}

TEST(TimeOrderedId, NegativeTimesCountAsZero) {
  init();
  EXPECT_EQ(time_ordered_id("x", -5).substr(0, 12), time_ordered_id("x", 0).substr(0, 12));
}

}  // namespace
}  // namespace darwaza::crypto
