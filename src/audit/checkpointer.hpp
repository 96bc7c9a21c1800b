// Signs a checkpoint of the audit chain head every `interval` while the server runs, and once
// more when it stops, so that at most one interval of entries is ever unpinned by a signature.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "audit/audit.hpp"
#include "core/log.hpp"

namespace darwaza::audit {

class Checkpointer {
 public:
  Checkpointer(Audit& audit, std::chrono::seconds interval) : audit_(audit), interval_(interval) {
    if (interval_.count() > 0) thread_ = std::thread([this] { run(); });
  }
  ~Checkpointer() { stop(); }
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Stops the timer and signs the final head.
  void stop() {
    {
      std::lock_guard lock(mu_);
      if (stopped_) return;
      stopped_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    sign();
  }

 private:
  void run() {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, interval_, [this] { return stopped_; })) {
      lock.unlock();
      sign();
      lock.lock();
    }
  }
  void sign() {
    auto r = audit_.checkpoint();
    if (!r.ok()) logging::app().error("audit checkpoint failed: {}", r.error().detail);
  }

  Audit& audit_;
  std::chrono::seconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace darwaza::audit
