// A log of lines written in batches by a thread of its own (the access log): a line costs its
// caller a copy into a buffer under a short lock, not a system call or a thread's wake-up. The
// thread writes what has gathered every flush_interval_ms, or sooner once flush_bytes have
// gathered, and everything left when the log is destroyed. When the file cannot keep up and
// max_buffered_bytes are waiting, new lines are dropped and counted, as are lines a failed write
// loses (disk full, a closed pipe: never a SIGPIPE); a line saying how many comes before the next.
// A write cut inside a line leaves that line's start in the file: the next write ends it first,
// so the cut line stands alone (and is counted as lost) and never runs into the line after it.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace darwaza::logging {

struct LineLogOptions {
  int flush_interval_ms = 100;                       // how old a line can be before it is written
  std::size_t flush_bytes = 64 * 1024;               // written sooner once this much has gathered
  std::size_t max_buffered_bytes = 16 * 1024 * 1024; // beyond this, lines are dropped and counted
};

class LineLog {
 public:
  // Writes to `fd`; closes it at the end when `owns_fd`.
  LineLog(int fd, bool owns_fd, LineLogOptions options = {});
  ~LineLog();  // writes every line added before it began
  LineLog(const LineLog&) = delete;
  LineLog& operator=(const LineLog&) = delete;

  // Adds one line (a newline is appended). Never blocks on the file.
  void add(std::string_view line);
  // Lines dropped so far: the buffer was full, or a write failed.
  std::uint64_t dropped() const;

 private:
  void run();
  std::string_view write_all(std::string_view bytes);  // returns what could not be written
  std::string_view write_raw(std::string_view bytes);  // the same, without ending a cut line first

  const int fd_;
  const bool owns_fd_;
  const LineLogOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::string pending_;            // guarded by mutex_
  std::uint64_t dropped_ = 0;      // guarded by mutex_: every line dropped so far
  std::uint64_t reported_ = 0;     // guarded by mutex_: of those, how many a line has reported
  bool stopping_ = false;          // guarded by mutex_
  bool mid_line_ = false;          // the writer thread's own: the last write ended inside a line
  std::thread writer_;
};

}  // namespace darwaza::logging
