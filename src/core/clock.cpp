#include "core/clock.hpp"

#include <cstdio>

#include <chrono>
#include <ctime>

#include <fmt/format.h>

namespace darwaza {

UnixMs SystemClock::now_ms() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string format_rfc3339(UnixMs t) {
  // Calendar arithmetic, not gmtime_r: that takes glibc's time-zone lock on every call. Digits
  // written by hand: several stamps go into every answer, and fmt's format parsing cost more than
  // the rest of the answer's serialisation.
  using namespace std::chrono;
  const sys_time<milliseconds> at{milliseconds(t)};
  const sys_days day = floor<days>(at);
  const year_month_day ymd{day};
  const hh_mm_ss<milliseconds> hms{at - day};
  const int y = static_cast<int>(ymd.year());
  const unsigned mo = static_cast<unsigned>(ymd.month()), d = static_cast<unsigned>(ymd.day());
  const auto h = hms.hours().count(), mi = hms.minutes().count(), sec = hms.seconds().count();
  const auto ms = hms.subseconds().count();
  if (y < 0 || y > 9999)
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", y, mo, d, h, mi, sec, ms);
  char out[] = "0000-00-00T00:00:00.000Z";
  auto put = [&out](int pos, long long v, int width) {
    for (int i = pos + width - 1; i >= pos; --i, v /= 10) out[i] = static_cast<char>('0' + v % 10);
  };
  put(0, y, 4);
  put(5, mo, 2);
  put(8, d, 2);
  put(11, h, 2);
  put(14, mi, 2);
  put(17, sec, 2);
  put(20, ms, 3);
  return std::string(out, sizeof out - 1);
}

std::optional<UnixMs> parse_rfc3339(std::string_view text) {
  // YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS with optional .mmm, ending in Z (UTC).
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0;
  std::string s(text.substr(0, 40));
  int n = 0;
  if (s.size() == 10) {
    if (std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10) return std::nullopt;
  } else if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) == 6 && n == 19) {
    std::size_t i = 19;
    if (i < s.size() && s[i] == '.') {
      if (s.size() < i + 4 || std::sscanf(s.c_str() + i + 1, "%3d", &ms) != 1) return std::nullopt;
      i += 4;
    }
    if (i + 1 != s.size() || s[i] != 'Z') return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  std::time_t t = timegm(&tm);
  std::tm back{};
  gmtime_r(&t, &back);
  if (back.tm_mday != d) return std::nullopt;  // 31 April and the like
  return static_cast<UnixMs>(t) * 1000 + ms;
}

}  // namespace darwaza
