#include "identity/validate.hpp"

#include <algorithm>
#include <cctype>

namespace darwaza::identity {
namespace {
bool digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
}  // namespace

bool valid_cnic(std::string_view s) {
  return s.size() == 15 && digits(s.substr(0, 5)) && s[5] == '-' && digits(s.substr(6, 7)) && s[13] == '-' &&
         digits(s.substr(14, 1));
}

std::optional<std::string> normalise_email(std::string_view s) {
  std::string e = trim(s);
  if (e.empty() || e.size() > kMaxEmailChars) return std::nullopt;
  auto at = e.find('@');
  if (at == std::string::npos || at == 0 || e.find('@', at + 1) != std::string::npos) return std::nullopt;
  std::string_view domain = std::string_view(e).substr(at + 1);
  auto dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || domain.back() == '.') return std::nullopt;
  for (char c : e)
    if (std::isspace(static_cast<unsigned char>(c)) || std::iscntrl(static_cast<unsigned char>(c))) return std::nullopt;
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
  return e;
}

std::optional<std::string> normalise_mobile(std::string_view s) {
  std::string d;
  bool plus = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+' && d.empty() && !plus) {
      plus = true;
    } else if (c >= '0' && c <= '9') {
      d.push_back(c);
    } else if (c != ' ' && c != '-') {
      return std::nullopt;
    }
  }
  if (plus && d.size() == 12 && d.starts_with("923")) return "+" + d;
  if (!plus && d.size() == 11 && d.starts_with("03")) return "+92" + d.substr(1);
  return std::nullopt;
}

bool valid_ntn(std::string_view s) {
  if (s.size() == 7) return digits(s);
  return s.size() == 9 && digits(s.substr(0, 7)) && s[7] == '-' && digits(s.substr(8));
}

bool valid_secp(std::string_view s) { return s.size() == 7 && digits(s); }

bool acceptable_password(std::string_view s) {
  if (utf8_length(s) < kMinPasswordChars || s.size() > kMaxPasswordBytes) return false;
  return !std::all_of(s.begin(), s.end(), [&](char c) { return c == s.front(); });
}

std::size_t utf8_length(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace darwaza::identity
