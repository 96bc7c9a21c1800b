#include "http/csrf.hpp"

#include <sodium.h>

namespace darwaza::http {

CsrfTokens::CsrfTokens() { randombytes_buf(key_.data(), key_.size()); }

std::string CsrfTokens::for_session(std::string_view session_token) const {
  unsigned char h[32];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(session_token.data()), session_token.size(),
                     key_.data(), key_.size());
  char b64[sodium_base64_ENCODED_LEN(sizeof h, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(b64, sizeof b64, h, sizeof h, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return b64;
}

bool CsrfTokens::matches(std::string_view session_token, std::string_view presented) const {
  std::string expected = for_session(session_token);
  return presented.size() == expected.size() &&
         sodium_memcmp(expected.data(), presented.data(), expected.size()) == 0;
}

}  // namespace darwaza::http
