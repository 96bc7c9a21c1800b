#include "core/working_days.hpp"

#include <ctime>

#include <fmt/format.h>

namespace darwaza {
namespace {
constexpr UnixMs kDayMs = 24LL * 3600 * 1000;

int pkt_weekday(UnixMs t) {  // 0 = Sunday
  std::time_t s = static_cast<std::time_t>((t + kPktOffsetMs) / 1000);
  std::tm tm{};
  gmtime_r(&s, &tm);
  return tm.tm_wday;
}
}  // namespace

UnixMs add_working_days(UnixMs from, int days) {
  UnixMs t = from;
  while (days > 0) {
    t += kDayMs;
    int wd = pkt_weekday(t);
    if (wd != 0 && wd != 6) --days;
  }
  return t;
}

std::string pkt_date(UnixMs t) {
  std::time_t s = static_cast<std::time_t>((t + kPktOffsetMs) / 1000);
  std::tm tm{};
  gmtime_r(&s, &tm);
  return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

std::string pkt_date_plus_days(UnixMs t, int days) { return pkt_date(t + static_cast<UnixMs>(days) * kDayMs); }

}  // namespace darwaza
