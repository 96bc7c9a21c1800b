#include "core/line_log.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>

#include <pthread.h>
#include <signal.h>

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
  // A destination that went away (a closed pipe) must fail the write with EPIPE, not kill the
  // process: SIGPIPE goes to the thread that wrote, and this thread never takes it.
  sigset_t pipe_signal;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);
  std::string batch;
  for (;;) {
    bool last = false;
    std::uint64_t to_report = 0;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, std::chrono::milliseconds(options_.flush_interval_ms),
                     [&] { return stopping_ || pending_.size() >= options_.flush_bytes; });
      last = stopping_;
      to_report = dropped_ - reported_;
      reported_ = dropped_;
      batch.swap(pending_);  // the buffers trade places: no copy under the lock
      pending_.clear();
    }
    std::uint64_t unreported = 0;
    if (to_report > 0) {
      const std::string note = "{\"log\":\"lines dropped: the log could not keep up\",\"dropped\":" +
                               std::to_string(to_report) + "}\n";
      if (!write_all(note).empty()) unreported = to_report;  // said again with the next write
    }
    const std::string_view rest = write_all(batch);  // a line cut short counts as lost
    const auto lost = static_cast<std::uint64_t>(std::count(rest.begin(), rest.end(), '\n'));
    if (unreported > 0 || lost > 0) {
      std::lock_guard lock(mutex_);
      dropped_ += lost;
      reported_ -= unreported;
    }
    if (last) return;
  }
}

// What could not be written (disk full, a closed pipe): empty when everything was. The server
// goes on; the caller counts the lines lost. A write that stopped inside a line left the file
// mid-line: this one ends that line before anything else, or writes nothing.
std::string_view LineLog::write_all(std::string_view bytes) {
  if (bytes.empty()) return bytes;
  if (mid_line_) {
    if (!write_raw("\n").empty()) return bytes;
    mid_line_ = false;
  }
  const std::string_view rest = write_raw(bytes);
  const std::size_t written = bytes.size() - rest.size();
  if (written > 0) mid_line_ = bytes[written - 1] != '\n';
  return rest;
}

std::string_view LineLog::write_raw(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return bytes;
}

}  // namespace darwaza::logging
