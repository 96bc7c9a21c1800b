#include "http/csrf.hpp"

#include <utility>

#include "core/crypto.hpp"

namespace darwaza::http {

CsrfTokens::CsrfTokens(std::string key) : key_(std::move(key)) {}

std::string CsrfTokens::for_session(std::string_view session_id) const {
  return crypto::base64url(crypto::keyed_blake2b256(key_, session_id));
}

bool CsrfTokens::matches(std::string_view session_id, std::string_view presented) const {
  return crypto::constant_time_equal(for_session(session_id), presented);
}

}  // namespace darwaza::http
