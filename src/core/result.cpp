#include "core/result.hpp"

namespace darwaza {

Error make_error(ErrorKind kind, std::string type, std::string title, std::string detail) {
  Error e;
  e.kind = kind;
  e.type = std::move(type);
  e.title = std::move(title);
  e.detail = std::move(detail);
  return e;
}

Error make_error(const ErrorSpec& spec, std::string detail) {
  return make_error(spec.kind, spec.type, spec.title, detail.empty() ? std::string(spec.detail) : std::move(detail));
}

Error internal_error(std::string detail_for_log) {
  // The detail here is for the log only; http/problem.cpp never shows internal details.
  Error e = make_error(ErrorKind::internal, "internal", "Internal error");
  e.extensions["_log"] = std::move(detail_for_log);
  return e;
}

std::string operator_message(const Error& e) {
  std::string out = e.detail.empty() ? e.title : e.detail;
  if (auto it = e.extensions.find("_log"); it != e.extensions.end() && it->is_string())
    out += (out.empty() ? "" : ": ") + it->get<std::string>();
  return out;
}

}  // namespace darwaza
