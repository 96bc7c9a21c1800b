// Wake-ups held back while a thread hands over many items at once: while a WakeBatch lives on a
// thread, notify_once(cv) there only notes the condition variable, and the WakeBatch's end
// notifies each noted one once. So a consumer thread wakes to the whole handover, not to its
// first item (a receipt signer then signs a flushed batch's receipts under one signature). Code
// inside a batch must not wait for a thread it handed work to this way: that thread sleeps on.
#pragma once

#include <condition_variable>

namespace darwaza {

class WakeBatch {
 public:
  WakeBatch();
  ~WakeBatch();
  WakeBatch(const WakeBatch&) = delete;
  WakeBatch& operator=(const WakeBatch&) = delete;
};

// cv.notify_one() now, or when the thread's outermost WakeBatch ends.
void notify_once(std::condition_variable& cv);

}  // namespace darwaza
