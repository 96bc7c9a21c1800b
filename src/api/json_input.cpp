#include "api/json_input.hpp"

#include <simdjson.h>

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

std::optional<std::vector<std::string>> string_array_member(std::string_view body, std::string_view key) {
  // The DOM parser picks the CPU's fastest kernel at run time and writes a flat tape, not a tree
  // of allocations; it validates the whole document (UTF-8 included) before anything is read.
  thread_local simdjson::dom::parser parser;  // keeps its buffers, sized to the largest body
  simdjson::dom::object members;
  if (parser.parse(simdjson::padded_string(body)).get(members) || members.size() != 1) return std::nullopt;
  const auto [name, value] = *members.begin();
  simdjson::dom::array list;
  if (name != key || value.get(list)) return std::nullopt;
  std::vector<std::string> items;
  items.reserve(list.size());
  for (auto item : list) {
    std::string_view text;
    if (item.get(text)) return std::nullopt;
    items.emplace_back(text);
  }
  return items;
}

std::optional<std::vector<std::string>> string_array_member(const http::Request& req, std::string_view key) {
  if (!http::has_json_media_type(req)) return std::nullopt;
  return string_array_member(std::string_view(req.raw.body()), key);
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
