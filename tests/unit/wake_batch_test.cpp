// WakeBatch: inside one, notify_once holds the wake-up back until the outermost batch ends (so a
// consumer wakes to a whole handover); outside one, it notifies at once.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/wake_batch.hpp"

namespace {

using namespace std::chrono_literals;

// A thread that waits on `cv` (no predicate: only a notify, or a rare spurious wake-up, ends its
// wait) and notes that it woke.
struct Waiter {
  std::mutex mu;
  std::condition_variable cv;
  std::condition_variable waiting_cv;
  bool waiting = false;
  bool woke = false;
  std::thread thread{[this] {
    std::unique_lock lock(mu);
    waiting = true;
    waiting_cv.notify_one();
    cv.wait(lock);
    woke = true;
    waiting_cv.notify_one();
  }};
  Waiter() {
    std::unique_lock lock(mu);  // the waiter holds the mutex until its wait releases it
    waiting_cv.wait(lock, [this] { return waiting; });
  }
  ~Waiter() {
    cv.notify_all();  // a waiter that a failed check left waiting ends too: the test fails, it does not hang
    thread.join();
  }
  bool woke_within(std::chrono::milliseconds d) {
    std::unique_lock lock(mu);
    return waiting_cv.wait_for(lock, d, [this] { return woke; });
  }
};

TEST(WakeBatch, OutsideABatchNotifyOnceWakesAtOnce) {
  Waiter w;
  darwaza::notify_once(w.cv);
  EXPECT_TRUE(w.woke_within(10s));
}

TEST(WakeBatch, InsideABatchTheWakeUpWaitsForItsEnd) {
  Waiter w;
  {
    darwaza::WakeBatch batch;
    darwaza::notify_once(w.cv);
    darwaza::notify_once(w.cv);  // noted once
    EXPECT_FALSE(w.woke_within(200ms));
  }
  EXPECT_TRUE(w.woke_within(10s));
}

TEST(WakeBatch, OnlyTheOutermostBatchWakes) {
  Waiter w;
  {
    darwaza::WakeBatch outer;
    {
      darwaza::WakeBatch inner;
      darwaza::notify_once(w.cv);
    }
    EXPECT_FALSE(w.woke_within(200ms));
  }
  EXPECT_TRUE(w.woke_within(10s));
}

TEST(WakeBatch, ABatchOnAnotherThreadHoldsNothingHere) {
  Waiter w;
  std::mutex mu;
  std::condition_variable cv;
  bool open = false, release = false;
  std::thread other([&] {
    darwaza::WakeBatch elsewhere;
    std::unique_lock lock(mu);
    open = true;
    cv.notify_one();
    cv.wait(lock, [&] { return release; });
  });
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return open; });
  }
  darwaza::notify_once(w.cv);  // this thread has no batch, the other one has
  EXPECT_TRUE(w.woke_within(10s));
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_one();
  other.join();
}

}  // namespace
