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

std::optional<nlohmann::json> JsonInput::object(const char* key) {
  auto it = j_.find(key);
  if (it == j_.end() || it->is_null()) return std::nullopt;
  if (!it->is_object()) {
    errs_.add(std::string("/") + key, "type", errs_.lang() == "ur" ? "آبجیکٹ" : "an object");
    return std::nullopt;
  }
  return *it;
}

std::optional<nlohmann::json> JsonInput::array(const char* key) {
  auto it = j_.find(key);
  if (it == j_.end() || it->is_null()) return std::nullopt;
  if (!it->is_array()) {
    errs_.add(std::string("/") + key, "type", errs_.lang() == "ur" ? "فہرست" : "an array");
    return std::nullopt;
  }
  return std::move(*it);
}

std::optional<bool> JsonInput::boolean(const char* key) {
  auto it = j_.find(key);
  if (it == j_.end() || it->is_null()) return std::nullopt;
  if (!it->is_boolean()) {
    errs_.add(std::string("/") + key, "type", errs_.lang() == "ur" ? "صحیح یا غلط" : "true or false");
    return std::nullopt;
  }
  return it->get<bool>();
}

std::optional<std::vector<std::string_view>> plain_string_array(std::string_view body, std::string_view key) {
  std::size_t at = 0;
  auto skip_space = [&] {
    while (at < body.size() && (body[at] == ' ' || body[at] == '\t' || body[at] == '\n' || body[at] == '\r')) ++at;
  };
  // The next character after JSON whitespace is `c`: step over both.
  auto take = [&](char c) {
    skip_space();
    if (at == body.size() || body[at] != c) return false;
    ++at;
    return true;
  };
  // The rest of a string whose opening quote was taken, if it is plain.
  auto rest_of_string = [&]() -> std::optional<std::string_view> {
    const std::size_t from = at;
    for (; at < body.size(); ++at) {
      const auto c = static_cast<unsigned char>(body[at]);
      if (c == '"') return body.substr(from, at++ - from);
      if (c < 0x20 || c > 0x7e || c == '\\') return std::nullopt;
    }
    return std::nullopt;
  };
  if (!take('{') || !take('"') || rest_of_string() != key || !take(':') || !take('[')) return std::nullopt;
  std::vector<std::string_view> items;
  if (!take(']')) {
    do {
      if (!take('"')) return std::nullopt;
      auto item = rest_of_string();
      if (!item) return std::nullopt;
      items.push_back(*item);
    } while (take(','));
    if (!take(']')) return std::nullopt;
  }
  if (!take('}')) return std::nullopt;
  skip_space();
  if (at != body.size()) return std::nullopt;
  return items;
}

std::optional<std::vector<std::string_view>> plain_string_array(const http::Request& req, std::string_view key) {
  if (!http::has_json_media_type(req)) return std::nullopt;
  return plain_string_array(std::string_view(req.raw.body()), key);
}

int query_int(const http::Request& req, const std::string& name, int fallback) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return fallback;
  if (v->size() > 9 || !std::all_of(v->begin(), v->end(), [](char c) { return c >= '0' && c <= '9'; })) return -1;
  return std::stoi(*v);
}

Status JsonInput::finish() const {
  if (errs_.empty()) return ok_status();
  return errs_.to_error();
}

}  // namespace darwaza::api
