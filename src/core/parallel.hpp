// Fork-join for the CPU-bound work of one request over independent parts (a batch of 10,000
// address look-ups and its answer): the parts run on the caller's thread and on whichever helper
// threads are idle, so a large batch on a quiet server takes a fraction of its time on one core.
//
// The caller claims parts too and waits only for parts a helper has already started, so run()
// cannot deadlock, whatever thread calls it, and when every helper is busy (a loaded server)
// it is a plain loop on the caller's thread: parallelism lowers one request's latency without
// taking more CPU than the same work done serially.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace darwaza {

class PartPool {
 public:
  // Wake-ups queued beyond this are not made: those parts run on the caller instead.
  static constexpr std::size_t kMaxQueued = 64;

  // `helpers` threads (0: run() is always a plain loop).
  explicit PartPool(unsigned helpers);
  ~PartPool();
  PartPool(const PartPool&) = delete;
  PartPool& operator=(const PartPool&) = delete;

  // Calls fn(i) once for each i in [0, parts) and returns when all calls have returned. The
  // first exception thrown by a call is rethrown here (after every started call has ended).
  void run(std::size_t parts, const std::function<void(std::size_t)>& fn);

  unsigned helpers() const { return static_cast<unsigned>(threads_.size()); }

  // How many parts `n` items make here: one per thread (helpers and the caller), each of at least
  // `min_part` items, and never fewer than one.
  std::size_t parts_for(std::size_t n, std::size_t min_part) const;
  // Cuts [0, n) into `parts` near-equal slices and calls fn(part, begin, end) for each, as run() does
  // (one part runs on the caller alone).
  void run_slices(std::size_t n, std::size_t parts,
                  const std::function<void(std::size_t part, std::size_t begin, std::size_t end)>& fn);

  // A pool without helpers (run() is a plain loop), for code given no pool.
  static PartPool& serial();

 private:
  struct Job;
  static void work_on(Job& job);
  void helper_loop();

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<Job>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace darwaza
