// Periodic: the task runs at stop when asked, never otherwise with a zero interval, and stop is
// idempotent. (How often it runs with an interval is not asserted: no timing in unit tests.)
#include <gtest/gtest.h>

#include <atomic>

#include "core/periodic.hpp"

namespace {

TEST(Periodic, RunsOnceAtStopWhenAsked) {
  std::atomic<int> runs{0};
  darwaza::Periodic p(std::chrono::seconds(0), [&] { ++runs; }, true);
  EXPECT_EQ(runs.load(), 0);
  p.stop();
  EXPECT_EQ(runs.load(), 1);
  p.stop();
  EXPECT_EQ(runs.load(), 1);
}

TEST(Periodic, ZeroIntervalWithoutStopRunNeverRuns) {
  std::atomic<int> runs{0};
  { darwaza::Periodic p(std::chrono::seconds(0), [&] { ++runs; }, false); }
  EXPECT_EQ(runs.load(), 0);
}

TEST(Periodic, StopsPromptlyWithALongInterval) {
  std::atomic<int> runs{0};
  darwaza::Periodic p(std::chrono::seconds(3600), [&] { ++runs; }, true);
  p.stop();  // does not wait an hour: the condition variable wakes the thread
  EXPECT_EQ(runs.load(), 1);
}

}  // namespace
