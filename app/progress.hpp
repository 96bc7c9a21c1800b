// A progress bar on standard error, drawn only when standard error is a terminal (scripts and
// CI logs get no control characters). Redraws at most every kRedrawMs.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace darwaza::cli {

class ProgressBar {
 public:
  static constexpr int kRedrawMs = 100;
  static constexpr int kWidthChars = 40;

  explicit ProgressBar(std::string label) : label_(std::move(label)), tty_(isatty(STDERR_FILENO) == 1) {}
  ~ProgressBar() { finish(); }

  void update(std::int64_t done, std::int64_t total) {
    if (!tty_) return;
    auto now = std::chrono::steady_clock::now();
    if (done < total && now - last_ < std::chrono::milliseconds(kRedrawMs)) return;
    last_ = now;
    int filled = total > 0 ? static_cast<int>(kWidthChars * done / total) : kWidthChars;
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(kWidthChars, '.');
    std::fprintf(stderr, "\r%s [%s] %lld/%lld", label_.c_str(), bar.c_str(), static_cast<long long>(done),
                 static_cast<long long>(total));
    std::fflush(stderr);
    drawn_ = true;
  }

  void finish() {
    if (drawn_) std::fputc('\n', stderr);
    drawn_ = false;
  }

 private:
  std::string label_;
  bool tty_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace darwaza::cli
