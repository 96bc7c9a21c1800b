// Runs a task every `interval` on its own thread while the server runs (audit checkpoints,
// purging expired sessions), and optionally once more when stopped. A zero interval runs it only
// at stop. The task reports its own failures (it must not throw).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace darwaza {

class Periodic {
 public:
  Periodic(std::chrono::milliseconds interval, std::function<void()> task, bool run_at_stop)
      : interval_(interval), task_(std::move(task)), run_at_stop_(run_at_stop) {
    if (interval_.count() > 0) thread_ = std::thread([this] { run(); });
  }
  ~Periodic() { stop(); }
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;

  void stop() {
    {
      std::lock_guard lock(mu_);
      if (stopped_) return;
      stopped_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    if (run_at_stop_) task_();
  }

 private:
  void run() {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, interval_, [this] { return stopped_; })) {
      lock.unlock();
      task_();
      lock.lock();
    }
  }

  std::chrono::milliseconds interval_;
  std::function<void()> task_;
  bool run_at_stop_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace darwaza
