// An agency's queue in the store (SqlApplicationRepo::queue), on both engines, over applications
// `darwaza synth` wrote: the open queue and one state's queue come oldest submission first, as the
// whole table sorted says, page after page; drafts never; the count stops at max_counted and then
// says so (total_exact false).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "applications/types.hpp"
#include "storage/database.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

using namespace darwaza;
using namespace darwaza::test;

TEST(QueueStore, OldestFirstPageAfterPageWithABoundedCount) {
  const std::string dir = make_temp_dir("dz-queue");
  std::string url = test_db_url(dir);
  if (url.empty()) url = "sqlite:" + dir + "/darwaza.db";
  std::string out;
  ASSERT_EQ(run_darwaza({"synth", "--data", dir, "--db", url, "--citizens", "200", "--applications", "3000",
                         "--services", "40"},
                        out),
            0)
      << out;
  auto db = open_test_database(dir, 2);
  auto queue = [&](applications::QueueFilter f) {
    return storage::read_value<storage::ApplicationPage>(
               *db, [&](storage::Tx& tx) -> Result<storage::ApplicationPage> { return tx.applications().queue(f); })
        .value();
  };
  // The agency with the most open applications, and every one of them in the expected order.
  auto everything = queue({.agency = "pta", .limit = 100'000});
  ASSERT_GT(everything.items.size(), 20u);
  EXPECT_EQ(everything.total, static_cast<std::int64_t>(everything.items.size()));
  EXPECT_TRUE(everything.total_exact);
  auto older = [](const applications::Application& a, const applications::Application& b) {
    return a.submitted_at != b.submitted_at ? a.submitted_at < b.submitted_at : a.id < b.id;
  };
  EXPECT_TRUE(std::is_sorted(everything.items.begin(), everything.items.end(), older));
  for (const auto& a : everything.items) {
    EXPECT_TRUE(a.open) << a.id;
    EXPECT_NE(a.state, "draft") << a.id;
    EXPECT_EQ(a.agency_id, "pta") << a.id;
  }
  // Pages of 7 put together are the whole queue; the count stops at max_counted.
  std::vector<std::string> paged;
  for (int offset = 0;; offset += 7) {
    auto page = queue({.agency = "pta", .offset = offset, .limit = 7, .max_counted = 5});
    EXPECT_EQ(page.total, 5);
    EXPECT_FALSE(page.total_exact);
    for (const auto& a : page.items) paged.push_back(a.id);
    if (page.items.size() < 7) break;
  }
  ASSERT_EQ(paged.size(), everything.items.size());
  for (std::size_t i = 0; i < paged.size(); ++i) EXPECT_EQ(paged[i], everything.items[i].id) << i;
  // One state's queue, decided ones included when asked for.
  for (const std::string state : {"submitted", "approved"}) {
    auto of_state = queue({.agency = "pta", .state = state, .limit = 100'000});
    ASSERT_FALSE(of_state.items.empty()) << state;
    EXPECT_TRUE(std::is_sorted(of_state.items.begin(), of_state.items.end(), older)) << state;
    for (const auto& a : of_state.items) EXPECT_EQ(a.state, state) << a.id;
    auto bounded = queue({.agency = "pta", .state = state, .limit = 1, .max_counted = 3});
    EXPECT_EQ(bounded.total, std::min<std::int64_t>(3, static_cast<std::int64_t>(of_state.items.size())));
    EXPECT_EQ(bounded.total_exact, of_state.items.size() <= 3u);
  }
  db.reset();
  std::filesystem::remove_all(dir);
}
