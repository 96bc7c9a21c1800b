// CSRF tokens for browser sessions. A request whose session came from the cookie and whose
// method changes state must carry X-CSRF-Token equal to the token derived from its session: a
// keyed BLAKE2b of the session token under a key drawn at start-up. A page on another site can
// make the browser send the cookie but cannot read the token (it is only in same-origin JSON).
// Bearer-token callers never need it. A restart changes the key; pages fetch the token afresh
// (GET /v1/auth/session) on every load.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace darwaza::http {

inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

class CsrfTokens {
 public:
  CsrfTokens();  // a random key
  std::string for_session(std::string_view session_token) const;
  // Constant-time comparison with the session's token.
  bool matches(std::string_view session_token, std::string_view presented) const;

 private:
  std::array<unsigned char, 32> key_{};
};

}  // namespace darwaza::http
