// CSRF tokens for browser sessions. A request whose session came from the cookie and whose
// method changes state must carry X-CSRF-Token equal to the token derived from its session: a
// keyed BLAKE2b of the session id (the hash of the session token). The key is derived from the
// platform signing key (App wiring), so every node behind a load balancer and every restart
// gives the same token. A page on another site can make the browser send the cookie but cannot
// read the token (it is only in same-origin JSON). Bearer-token callers never need it.
#pragma once

#include <string>
#include <string_view>

namespace darwaza::http {

inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";
// The context under which the CSRF key is derived from the platform's secret.
inline constexpr std::string_view kCsrfKeyContext = "darwaza/http/csrf v1";

class CsrfTokens {
 public:
  explicit CsrfTokens(std::string key);  // 16 to 64 bytes
  std::string for_session(std::string_view session_id) const;
  // Constant-time comparison with the session's token.
  bool matches(std::string_view session_id, std::string_view presented) const;

 private:
  std::string key_;
};

}  // namespace darwaza::http
