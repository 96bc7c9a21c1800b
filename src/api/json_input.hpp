// Reading a JSON body into optional fields, collecting type errors and unknown fields as one
// 422 problem. Rules about values belong to the domain; this checks only the JSON shape.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/validation.hpp"
#include "http/request.hpp"

namespace darwaza::api {

class JsonInput {
 public:
  // Parses the request body; refuses unknown members (a typo should not pass silently).
  static Result<JsonInput> from(const http::Request& req, std::initializer_list<const char*> allowed);

  std::optional<std::string> str(const char* key);
  std::optional<nlohmann::json> object(const char* key);
  std::optional<bool> boolean(const char* key);
  // Moves the array out (large batches are not copied).
  std::optional<nlohmann::json> array(const char* key);
  std::string str_or_empty(const char* key) { return str(key).value_or(std::string()); }
  // Type errors and unknown members, if any.
  Status finish() const;

 private:
  JsonInput(nlohmann::json j, std::string lang) : j_(std::move(j)), errs_(std::move(lang)) {}
  nlohmann::json j_;
  FieldErrors errs_;
};

// The items of `key` when the body is exactly {"<key>": [<strings>]}, read with simdjson's
// DOM parser (a flat tape, no tree: a batch of 10,000 addresses as an nlohmann tree costs ~10,000 nodes
// and about 2 ms to build and free; bench/vpn_lookup_bench BM_ReadBatchBody*). nullopt for any other body (other or repeated members, items
// of other types, malformed JSON): the caller then reads it through JsonInput, so every answer
// and every refusal is the same as for the general path.
std::optional<std::vector<std::string>> string_array_member(std::string_view body, std::string_view key);
// As above for a request's body, and nullopt as well when its media type is not JSON.
std::optional<std::vector<std::string>> string_array_member(const http::Request& req, std::string_view key);

// A non-negative integer query parameter (page, page_size): `fallback` when absent, -1 when not
// a number, so the domain's range check reports it.
int query_int(const http::Request& req, const std::string& name, int fallback);

}  // namespace darwaza::api
