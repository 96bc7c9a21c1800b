#include "core/working_days.hpp"

#include <cstdio>
#include <ctime>

#include <fmt/format.h>

namespace darwaza {
namespace {

// 0 = Sunday, of a pkt_day at or after 1970-01-01 (a Thursday).
int weekday_of(std::int64_t day) { return static_cast<int>((day + 4) % 7); }
}  // namespace

std::int64_t pkt_day(UnixMs t) {
  const UnixMs local = t + kPktOffsetMs;
  return local >= 0 ? local / kDayMs : (local - kDayMs + 1) / kDayMs;
}

std::optional<std::int64_t> day_of_date(const std::string& ymd) {
  if (!is_iso_date(ymd)) return std::nullopt;
  std::tm tm{};
  std::sscanf(ymd.c_str(), "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&tm)) / (kDayMs / 1000);
}

UnixMs add_working_days(UnixMs from, int days, const Holidays& holidays) {
  UnixMs t = from;
  while (days > 0) {
    t += kDayMs;
    const std::int64_t day = pkt_day(t);
    const int wd = weekday_of(day);
    if (wd != 0 && wd != 6 && !holidays.count(day)) --days;
  }
  return t;
}

bool is_iso_date(const std::string& ymd) { return ymd.size() == 10 && date_plus_days(ymd, 0) == ymd; }

std::string pkt_date(UnixMs t) {
  std::time_t s = static_cast<std::time_t>((t + kPktOffsetMs) / 1000);
  std::tm tm{};
  gmtime_r(&s, &tm);
  return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

std::string pkt_date_plus_days(UnixMs t, int days) { return pkt_date(t + static_cast<UnixMs>(days) * kDayMs); }

std::string date_plus_days(const std::string& ymd, int days) {
  int y = 0, m = 0, d = 0;
  if (std::sscanf(ymd.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3) return {};
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = m - 1;
  tm.tm_mday = d + days;  // timegm normalises the overflow into later months and years
  tm.tm_hour = 12;
  std::time_t t = timegm(&tm);
  std::tm out{};
  gmtime_r(&t, &out);
  return fmt::format("{:04}-{:02}-{:02}", out.tm_year + 1900, out.tm_mon + 1, out.tm_mday);
}

}  // namespace darwaza
