// The ONE place where an Error becomes an HTTP status and an RFC 9457 problem body.
#pragma once

#include <string_view>

#include "core/result.hpp"
#include "http/request.hpp"

namespace darwaza::http {

unsigned status_for(ErrorKind kind);
// Renders application/problem+json. `instance` is the request path; the request id is echoed
// so a citizen can quote it and an operator can find the log line.
Reply problem_reply(const Error& error, std::string_view instance, std::string_view request_id);

}  // namespace darwaza::http
