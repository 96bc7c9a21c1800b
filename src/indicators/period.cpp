#include "indicators/period.hpp"

#include <charconv>

#include <fmt/format.h>

namespace darwaza::indicators {
namespace {

std::optional<int> digits(std::string_view s, std::size_t n) {
  if (s.size() != n) return std::nullopt;
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<int> parse_unit(std::string_view s, Frequency f) {
  if (s.size() < 4) return std::nullopt;
  auto year = digits(s.substr(0, 4), 4);
  if (!year || *year < kMinYear || *year > kMaxYear) return std::nullopt;
  std::string_view rest = s.substr(4);
  switch (f) {
    case Frequency::annual:
      if (!rest.empty()) return std::nullopt;
      return *year;
    case Frequency::quarterly: {
      if (rest.size() != 3 || rest[0] != '-' || rest[1] != 'Q') return std::nullopt;
      auto q = digits(rest.substr(2), 1);
      if (!q || *q < 1 || *q > 4) return std::nullopt;
      return *year * 4 + *q - 1;
    }
    case Frequency::monthly: {
      if (rest.size() != 3 || rest[0] != '-') return std::nullopt;
      auto m = digits(rest.substr(1), 2);
      if (!m || *m < 1 || *m > 12) return std::nullopt;
      return *year * 12 + *m - 1;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string unit_str(Frequency f, int unit) {
  switch (f) {
    case Frequency::annual: return fmt::format("{:04}", unit);
    case Frequency::quarterly: return fmt::format("{:04}-Q{}", unit / 4, unit % 4 + 1);
    case Frequency::monthly: return fmt::format("{:04}-{:02}", unit / 12, unit % 12 + 1);
  }
  return {};
}

std::string Period::str() const {
  if (!is_range()) return unit_str(frequency, first);
  return unit_str(frequency, first) + ".." + unit_str(frequency, last);
}

std::optional<Period> parse_period(std::string_view text, Frequency f) {
  auto dots = text.find("..");
  auto first = parse_unit(text.substr(0, dots), f);
  if (!first) return std::nullopt;
  if (dots == std::string_view::npos) return Period{f, *first, *first};
  auto last = parse_unit(text.substr(dots + 2), f);
  if (!last || *last <= *first) return std::nullopt;
  return Period{f, *first, *last};
}

std::optional<int> parse_fiscal_year(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  auto start = digits(text.substr(0, 4), 4);
  auto end = digits(text.substr(5), 2);
  if (!start || !end || *start < kMinYear || *start >= kMaxYear || *end != (*start + 1) % 100) return std::nullopt;
  return *start * 12 + 6;  // July
}

std::string fiscal_year_of_month(int month) {
  int start = month % 12 >= 6 ? month / 12 : month / 12 - 1;
  return fmt::format("{:04}-{:02}", start, (start + 1) % 100);
}

}  // namespace darwaza::indicators
