#include "core/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <exception>

namespace darwaza {

struct PartPool::Job {
  std::size_t parts = 0;
  const std::function<void(std::size_t)>* fn = nullptr;  // valid while a claimed part runs
  std::atomic<std::size_t> next{0};                       // the next part to claim
  std::mutex mu;
  std::condition_variable all_done;
  std::size_t done = 0;           // guarded by mu
  std::exception_ptr failure;     // the first, guarded by mu
};

PartPool::PartPool(unsigned helpers) {
  threads_.reserve(helpers);
  for (unsigned i = 0; i < helpers; ++i) threads_.emplace_back([this] { helper_loop(); });
}

PartPool::~PartPool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

void PartPool::work_on(Job& job) {
  for (;;) {
    const std::size_t i = job.next.fetch_add(1, std::memory_order_relaxed);
    if (i >= job.parts) return;  // every part is claimed: nothing left to touch
    std::exception_ptr failure;
    try {
      (*job.fn)(i);
    } catch (...) {
      failure = std::current_exception();
    }
    std::lock_guard lock(job.mu);
    if (failure && !job.failure) job.failure = failure;
    if (++job.done == job.parts) job.all_done.notify_all();
  }
}

void PartPool::helper_loop() {
  for (;;) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    work_on(*job);  // a job finished meanwhile is dropped at once
  }
}

void PartPool::run(std::size_t parts, const std::function<void(std::size_t)>& fn) {
  if (parts == 0) return;
  auto job = std::make_shared<Job>();
  job->parts = parts;
  job->fn = &fn;
  if (parts > 1 && !threads_.empty()) {
    std::size_t wakes = std::min<std::size_t>(parts - 1, threads_.size());
    {
      std::lock_guard lock(mu_);
      wakes = std::min(wakes, kMaxQueued - std::min(kMaxQueued, queue_.size()));
      for (std::size_t i = 0; i < wakes; ++i) queue_.push_back(job);
    }
    for (std::size_t i = 0; i < wakes; ++i) wake_.notify_one();
  }
  work_on(*job);
  std::unique_lock lock(job->mu);
  job->all_done.wait(lock, [&] { return job->done == job->parts; });
  if (job->failure) std::rethrow_exception(job->failure);
}

std::size_t PartPool::parts_for(std::size_t n, std::size_t min_part) const {
  return std::clamp<std::size_t>(n / std::max<std::size_t>(min_part, 1), 1, threads_.size() + 1);
}

void PartPool::run_slices(std::size_t n, std::size_t parts,
                          const std::function<void(std::size_t, std::size_t, std::size_t)>& fn) {
  auto slice = [&](std::size_t part) { fn(part, n * part / parts, n * (part + 1) / parts); };
  if (parts == 1) slice(0);
  else run(parts, slice);
}

PartPool& PartPool::serial() {
  static PartPool none(0);
  return none;
}

}  // namespace darwaza
