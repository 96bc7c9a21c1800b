// Time as Unix milliseconds, with an injectable clock so tests can move time.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string_view>
#include <string>

namespace darwaza {

using UnixMs = std::int64_t;
constexpr UnixMs kHourMs = 60LL * 60 * 1000;
constexpr UnixMs kDayMs = 24 * kHourMs;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual UnixMs now_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  UnixMs now_ms() const override;
};

// A clock tests set by hand.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(UnixMs start) : now_(start) {}
  UnixMs now_ms() const override { return now_.load(); }
  void advance_ms(UnixMs d) { now_ += d; }

 private:
  std::atomic<UnixMs> now_;
};

// RFC 3339 UTC with millisecond precision, e.g. 2026-11-23T08:53:00.123Z
std::string format_rfc3339(UnixMs t);
// "2026-11-23" or "2026-11-23T08:30:00Z" / "...00.123Z" (UTC) → Unix ms; nullopt otherwise.
std::optional<UnixMs> parse_rfc3339(std::string_view text);

}  // namespace darwaza
