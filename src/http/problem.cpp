#include "http/problem.hpp"

#include <string>

namespace darwaza::http {

unsigned status_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::invalid_request: return 400;
    case ErrorKind::validation: return 422;
    case ErrorKind::unauthenticated: return 401;
    case ErrorKind::forbidden: return 403;
    case ErrorKind::not_found: return 404;
    case ErrorKind::method_not_allowed: return 405;
    case ErrorKind::conflict: return 409;
    case ErrorKind::payload_too_large: return 413;
    case ErrorKind::headers_too_large: return 431;
    case ErrorKind::unsupported_media_type: return 415;
    case ErrorKind::rate_limited: return 429;
    case ErrorKind::unavailable: return 503;
    case ErrorKind::internal: return 500;
  }
  return 500;
}

Reply problem_reply(const Error& e, std::string_view instance, std::string_view request_id) {
  unsigned status = status_for(e.kind);
  nlohmann::json body = nlohmann::json::object();
  // Extensions first so the standard members below always win.
  for (auto it = e.extensions.begin(); it != e.extensions.end(); ++it) {
    if (!it.key().empty() && it.key()[0] != '_') body[it.key()] = it.value();  // "_x" = log only
  }
  body["type"] = "/problems/" + (e.type.empty() ? std::string("internal") : e.type);
  body["title"] = e.title.empty() ? std::string(bhttp::obsolete_reason(static_cast<bhttp::status>(status)))
                                  : e.title;
  body["status"] = status;
  if (e.kind == ErrorKind::internal) {
    body["detail"] = "An internal error occurred. Quote the request id when reporting it.";
  } else if (!e.detail.empty()) {
    body["detail"] = e.detail;
  }
  body["instance"] = std::string(instance);
  body["request_id"] = std::string(request_id);
  if (!e.fields.empty()) {
    auto arr = nlohmann::json::array();
    for (const auto& f : e.fields) arr.push_back({{"path", f.path}, {"rule", f.rule}, {"message", f.message}});
    body["errors"] = std::move(arr);
  }
  Reply r = Reply::json(status, body);
  r.content_type = "application/problem+json";
  if (auto allowed = e.extensions.find("allowed"); e.kind == ErrorKind::method_not_allowed && allowed != e.extensions.end()) {
    std::string allow;
    for (const auto& m : *allowed) allow += (allow.empty() ? "" : ", ") + m.get<std::string>();
    r.headers.emplace_back("Allow", allow);
  }
  if (e.kind == ErrorKind::unauthenticated) r.headers.emplace_back("WWW-Authenticate", "Bearer");
  if (e.retry_after_s > 0) r.headers.emplace_back("Retry-After", std::to_string(e.retry_after_s));
  return r;
}

}  // namespace darwaza::http
