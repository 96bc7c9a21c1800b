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

}  // namespace darwaza
