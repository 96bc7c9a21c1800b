#include "core/wake_batch.hpp"

#include <algorithm>
#include <vector>

namespace darwaza {
namespace {
thread_local int depth = 0;
thread_local std::vector<std::condition_variable*> held;
}  // namespace

WakeBatch::WakeBatch() { ++depth; }

WakeBatch::~WakeBatch() {
  if (--depth > 0) return;
  std::vector<std::condition_variable*> now;
  now.swap(held);
  for (auto* cv : now) cv->notify_one();
}

void notify_once(std::condition_variable& cv) {
  if (depth == 0) return cv.notify_one();
  if (std::find(held.begin(), held.end(), &cv) == held.end()) held.push_back(&cv);
}

}  // namespace darwaza
