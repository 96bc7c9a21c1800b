// PartPool (src/core/parallel.hpp): every part runs once, failures reach the caller, callers on
// many threads at once (more than there are helpers) all finish, and a pool without helpers is a loop.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/parallel.hpp"

namespace darwaza {
namespace {

TEST(PartPool, RunsEveryPartExactlyOnce) {
  for (unsigned helpers : {0u, 1u, 3u}) {
    PartPool pool(helpers);
    for (std::size_t parts : {0u, 1u, 2u, 7u, 100u}) {
      std::vector<std::atomic<int>> runs(parts);
      pool.run(parts, [&](std::size_t i) { runs[i].fetch_add(1); });
      for (std::size_t i = 0; i < parts; ++i) EXPECT_EQ(runs[i].load(), 1) << helpers << " helpers, part " << i;
    }
  }
}

TEST(PartPool, SlicesCoverEveryItemOnceInPartsOfTheAskedSize) {
  PartPool pool(3);
  EXPECT_EQ(pool.parts_for(0, 1000), 1u);
  EXPECT_EQ(pool.parts_for(1999, 1000), 1u);
  EXPECT_EQ(pool.parts_for(2000, 1000), 2u);
  EXPECT_EQ(pool.parts_for(10000, 1000), 4u);  // one per thread at most
  EXPECT_EQ(PartPool::serial().parts_for(10000, 1000), 1u);
  for (std::size_t n : {0u, 1u, 999u, 10000u, 10003u}) {
    const std::size_t parts = pool.parts_for(n, 1000);
    std::vector<std::atomic<int>> seen(n);
    std::vector<std::size_t> sizes(parts);
    pool.run_slices(n, parts, [&](std::size_t part, std::size_t begin, std::size_t end) {
      sizes[part] = end - begin;
      for (std::size_t i = begin; i < end; ++i) seen[i].fetch_add(1);
    });
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(seen[i].load(), 1) << "n " << n << ", item " << i;
    for (std::size_t size : sizes) EXPECT_LE(size, n / parts + 1);
  }
}

TEST(PartPool, UsesTheHelpersWhenTheyAreIdle) {
  PartPool pool(1);
  std::atomic<int> started{0};
  std::atomic<bool> overlapped{false};
  // Each part waits (at most 2 s) for the other to start: only a second thread lets both run at once.
  pool.run(2, [&](std::size_t) {
    ++started;
    for (int i = 0; i < 2000 && started.load() < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (started.load() == 2) overlapped = true;
  });
  EXPECT_TRUE(overlapped.load());
}

TEST(PartPool, RethrowsTheFirstFailureAfterEveryStartedPartEnded) {
  PartPool pool(2);
  std::atomic<int> finished{0};
  EXPECT_THROW(pool.run(20,
                        [&](std::size_t i) {
                          if (i % 5 == 3) throw std::runtime_error("part failed");
                          ++finished;
                        }),
               std::runtime_error);
  EXPECT_EQ(finished.load(), 16);  // the other parts still ran
  // The pool is still usable.
  std::atomic<int> again{0};
  pool.run(4, [&](std::size_t) { ++again; });
  EXPECT_EQ(again.load(), 4);
}

TEST(PartPool, ManyCallersAtOnceAllFinish) {
  PartPool pool(1);
  std::atomic<long> total{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < 8; ++c)
    callers.emplace_back([&] {
      for (int k = 0; k < 200; ++k) pool.run(3, [&](std::size_t i) { total += static_cast<long>(i) + 1; });
    });
  for (auto& t : callers) t.join();
  EXPECT_EQ(total.load(), 8L * 200 * (1 + 2 + 3));
}

}  // namespace
}  // namespace darwaza
