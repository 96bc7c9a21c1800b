// The access log's batched writer (core/line_log.hpp): every line arrives whole and in order,
// lines arrive while the log is still open, and a file that cannot keep up costs dropped lines
// (counted and reported), never a blocked caller; a write cut inside a line never glues that
// line's start to the next line.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/line_log.hpp"

namespace darwaza::logging {
namespace {

struct TempFile {
  std::string path = (std::filesystem::temp_directory_path() / ("line-log-" + std::to_string(::getpid()) + "-" +
                                                                 std::to_string(counter++))).string();
  ~TempFile() { std::filesystem::remove(path); }
  int open_for_append() const { return ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600); }
  std::vector<std::string> lines() const {
    std::ifstream in(path);
    std::vector<std::string> out;
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
  }
  static inline int counter = 0;
};

TEST(LineLog, EveryLineFromEveryThreadIsWrittenWholeAndInItsThreadsOrder) {
  TempFile f;
  constexpr int kThreads = 4, kLines = 5000;
  {
    LineLog log(f.open_for_append(), true, {.flush_interval_ms = 5, .flush_bytes = 4096});
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&log, t] {
        for (int i = 0; i < kLines; ++i) log.add("thread " + std::to_string(t) + " line " + std::to_string(i));
      });
    for (auto& th : threads) th.join();
    EXPECT_EQ(log.dropped(), 0u);
  }
  std::vector<int> next(kThreads, 0);
  auto lines = f.lines();
  ASSERT_EQ(lines.size(), std::size_t{kThreads * kLines});
  for (const auto& l : lines) {
    int t = -1, i = -1;
    ASSERT_EQ(std::sscanf(l.c_str(), "thread %d line %d", &t, &i), 2) << l;
    ASSERT_TRUE(t >= 0 && t < kThreads) << l;
    EXPECT_EQ(i, next[t]) << l;
    next[t] = i + 1;
  }
}

TEST(LineLog, LinesReachTheFileWhileTheLogIsOpen) {
  TempFile f;
  LineLog log(f.open_for_append(), true, {.flush_interval_ms = 20});
  log.add("first");
  // Polled, not timed: the bound only keeps a broken build from hanging.
  for (int i = 0; i < 1000 && f.lines().empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(f.lines(), std::vector<std::string>{"first"});
}

TEST(LineLog, AFileThatCannotKeepUpCostsCountedLinesNotABlockedCaller) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const std::string line(100, 'x');
  std::uint64_t added = 0, dropped = 0;
  std::string received;
  std::thread reader;
  {
    LineLog log(fds[1], true, {.flush_interval_ms = 1, .flush_bytes = 256, .max_buffered_bytes = 4096});
    // Nobody reads the pipe yet: once it is full the writer blocks, and the buffer fills.
    while (log.dropped() < 10 && added < 1'000'000) {
      log.add(line);
      ++added;
    }
    // No ASSERT before the reader starts: returning here would leave the log's writer blocked on
    // the full pipe and the test hanging in the log's destructor instead of failing.
    EXPECT_GE(log.dropped(), 10u);
    reader = std::thread([&] {
      char buf[65536];
      for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) received.append(buf, static_cast<std::size_t>(n));
    });
    // Written once the reader drains the pipe; the destructor writes whatever is left.
    log.add("after");
    ++added;
    dropped = log.dropped();
  }
  reader.join();  // the log closed its end: read() has seen the end of the file
  ::close(fds[0]);
  std::uint64_t written = 0, reported = 0;
  std::istringstream in(received);
  for (std::string l; std::getline(in, l);) {
    if (l == line || l == "after") {
      ++written;
    } else {
      auto at = l.find("\"dropped\":");
      ASSERT_NE(at, std::string::npos) << l;
      reported += std::stoull(l.substr(at + 10));
    }
  }
  EXPECT_EQ(reported, dropped);
  EXPECT_EQ(written + dropped, added);
}

TEST(LineLog, AWriteCutInsideALineLeavesThatLineAloneAndCountsItLost) {
  // A pipe that takes part of a write and then refuses the rest (EAGAIN), as a full disk does
  // (ENOSPC): its 64 KiB never hold a whole number of these 101-byte lines, so a line is cut.
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  for (int fd : fds) ASSERT_EQ(::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK), 0);
  std::string received;
  const auto drain = [&] {
    char buf[65536];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) received.append(buf, static_cast<std::size_t>(n));
  };
  const std::string line(100, 'x');
  std::uint64_t added = 0, dropped = 0;
  {
    // One batch of all the lines (flush_bytes above them, added well within one interval), so the
    // pipe is filled by one write, which it cuts.
    LineLog log(fds[1], true, {.flush_interval_ms = 200, .flush_bytes = 1 << 20});
    for (; added < 1000; ++added) log.add(line);
    // Polled, not timed: the bound only keeps a broken build from hanging.
    for (int i = 0; i < 1000 && log.dropped() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_GT(log.dropped(), 0u);
    drain();  // room again: the note on the lost lines and these come after the cut line
    for (int i = 0; i < 3; ++i, ++added) log.add("after");
    dropped = log.dropped();
  }
  drain();  // the log has closed its end: everything it wrote is in the pipe
  ::close(fds[0]);
  std::uint64_t whole = 0, cut = 0, reported = 0;
  std::istringstream in(received);
  for (std::string l; std::getline(in, l);) {
    if (l == line || l == "after") {
      ++whole;
    } else if (l.size() < line.size() && l == line.substr(0, l.size())) {
      ++cut;  // the start of a line whose write was cut: counted among the dropped
    } else {
      auto at = l.find("\"dropped\":");
      ASSERT_NE(at, std::string::npos) << "a line that is neither whole, cut alone, nor a note: " << l;
      ASSERT_EQ(l.front(), '{') << l;
      reported += std::stoull(l.substr(at + 10));
    }
  }
  EXPECT_EQ(cut, 1u);
  EXPECT_EQ(reported, dropped);
  EXPECT_EQ(whole + dropped, added);
  EXPECT_EQ(received.back(), '\n');
}

TEST(LineLog, ADestinationThatWentAwayCostsCountedLinesNotTheProcess) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::close(fds[0]);  // nobody will ever read: a write gets EPIPE, or SIGPIPE would end this process
  LineLog log(fds[1], true, {.flush_interval_ms = 1});
  for (int i = 0; i < 3; ++i) log.add("lost");
  // Polled, not timed: the bound only keeps a broken build from hanging.
  for (int i = 0; i < 1000 && log.dropped() < 3; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(log.dropped(), 3u);
}

}  // namespace
}  // namespace darwaza::logging
