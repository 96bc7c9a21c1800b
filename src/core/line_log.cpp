#include "core/line_log.hpp"

#include <cerrno>
#include <chrono>

#include <unistd.h>

namespace darwaza::logging {

LineLog::LineLog(int fd, bool owns_fd, LineLogOptions options)
    : fd_(fd), owns_fd_(owns_fd), options_(options), writer_([this] { run(); }) {}

LineLog::~LineLog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  writer_.join();
  if (owns_fd_) ::close(fd_);
}

void LineLog::add(std::string_view line) {
  bool full_batch = false;
  {
    std::lock_guard lock(mutex_);
    if (pending_.size() + line.size() + 1 > options_.max_buffered_bytes) {
      ++dropped_;
      return;
    }
    const bool was_below = pending_.size() < options_.flush_bytes;
    pending_.append(line);
    pending_.push_back('\n');
    full_batch = was_below && pending_.size() >= options_.flush_bytes;  // wake the writer once per batch
  }
  if (full_batch) wake_.notify_one();
}

std::uint64_t LineLog::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

void LineLog::run() {
  std::string batch;
  for (;;) {
    bool last = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, std::chrono::milliseconds(options_.flush_interval_ms),
                     [&] { return stopping_ || pending_.size() >= options_.flush_bytes; });
      last = stopping_;
      batch.clear();
      if (dropped_ > reported_) {
        batch = "{\"log\":\"lines dropped: the log could not keep up\",\"dropped\":" +
                std::to_string(dropped_ - reported_) + "}\n";
        reported_ = dropped_;
      }
      batch.append(pending_);
      pending_.clear();
    }
    if (!batch.empty()) write_all(batch);
    if (last) return;
  }
}

// A failed write (disk full, closed pipe) loses that batch; the server goes on.
void LineLog::write_all(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace darwaza::logging
