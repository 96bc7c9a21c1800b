// Formats of Pakistani identifiers and contact details.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace darwaza::identity {

constexpr std::size_t kMinPasswordChars = 10;
constexpr std::size_t kMaxPasswordBytes = 256;  // bounds argon2 input and request size
constexpr std::size_t kMaxNameChars = 120;
constexpr std::size_t kMaxEmailChars = 254;     // RFC 5321 path limit

// 12345-1234567-1
bool valid_cnic(std::string_view s);
// Returns the lower-cased address when plausible (one @, a dot in the domain, no spaces).
std::optional<std::string> normalise_email(std::string_view s);
// Accepts +923001234567, with spaces or dashes, or 03001234567; returns +923001234567.
std::optional<std::string> normalise_mobile(std::string_view s);
// 1234567-8 (seven digits and a check digit) or the seven digits alone.
bool valid_ntn(std::string_view s);
// SECP corporate unique identification number: seven digits.
bool valid_secp(std::string_view s);
bool acceptable_password(std::string_view s);
// Length in code points (names may be in Urdu).
std::size_t utf8_length(std::string_view s);
std::string trim(std::string_view s);

}  // namespace darwaza::identity
