#include "api/json_input.hpp"

#include <algorithm>
#include <cstring>

namespace darwaza::api {

Result<JsonInput> JsonInput::from(const http::Request& req, std::initializer_list<const char*> allowed) {
  auto j = http::json_body(req);
  if (!j.ok()) return j.take_error();
  JsonInput in(std::move(j).value(), req.lang);
  for (auto it = in.j_.begin(); it != in.j_.end(); ++it) {
    bool known = std::any_of(allowed.begin(), allowed.end(), [&](const char* k) { return it.key() == k; });
    if (!known) in.errs_.add("/" + it.key(), "unknown_field");
  }
  return in;
}

std::optional<std::string> JsonInput::str(const char* key) {
  auto it = j_.find(key);
  if (it == j_.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) {
    errs_.add(std::string("/") + key, "type", errs_.lang() == "ur" ? "متن" : "a string");
    return std::nullopt;
  }
  return it->get<std::string>();
}

Status JsonInput::finish() const {
  if (errs_.empty()) return ok_status();
  return errs_.to_error();
}

}  // namespace darwaza::api
