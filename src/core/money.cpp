#include "core/money.hpp"

namespace darwaza {

std::optional<std::int64_t> parse_pkr(std::string_view s) {
  if (s.empty() || s.size() > 15) return std::nullopt;
  std::int64_t whole = 0, frac = 0;
  std::size_t i = 0, frac_digits = 0;
  bool dot = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.' && !dot) {
      dot = true;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    if (dot) {
      if (++frac_digits > 2) return std::nullopt;
      frac = frac * 10 + (c - '0');
    } else {
      whole = whole * 10 + (c - '0');
    }
  }
  if (dot && frac_digits == 0) return std::nullopt;
  if (frac_digits == 1) frac *= 10;
  std::int64_t paisa = whole * 100 + frac;
  if (paisa <= 0) return std::nullopt;
  return paisa;
}

std::string format_pkr(std::int64_t paisa) {
  return std::to_string(paisa / 100) + "." + (paisa % 100 < 10 ? "0" : "") + std::to_string(paisa % 100);
}

}  // namespace darwaza
